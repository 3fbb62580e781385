"""Backups taken while the application writes, restores that check before replacing anything."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from sitiv_desktop.context import Context, open_context
from sitiv_desktop.errors import UserError
from sitiv_desktop.services.backups import automatic_backup, backup, list_backups, restore
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database, sqlite_url
from sitiv_desktop.store.migration import head_revision
from tests.unit.transfer_data import filled_context

OLD_COPY = Path(__file__).parent.parent / "data" / "schema-0001.sqlite3"


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Context]:
    opened = filled_context(tmp_path / "filled")
    yield opened
    opened.close()


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def commune_names(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM communes ORDER BY name")]
    finally:
        connection.close()


def test_a_backup_taken_while_another_connection_writes_is_consistent(
    filled: Context, tmp_path: Path
) -> None:
    writer = Database.open(sqlite_url(filled.paths.database))
    stop = threading.Event()
    written = 0

    def keep_writing() -> None:
        nonlocal written
        while not stop.is_set():
            # Each transaction adds a commune and its contact: a consistent copy has as many
            # contacts as communes beyond the two of the start.
            with writer.session() as session:
                commune = models.Commune(
                    name=f"Commune {written}",
                    insee_code=f"{10000 + written:05d}",
                    population=1,
                    metropole="other",
                    note="",
                )
                commune.contacts.append(models.Contact(full_name="Maire", role="mayor"))
                session.add(commune)
            written += 1

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        copies = [backup(filled.paths.database, tmp_path / f"copy-{n}.sqlite3") for n in range(5)]
    finally:
        stop.set()
        thread.join()
        writer.dispose()

    assert written > 0
    for copy in copies:
        connection = sqlite3.connect(copy)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            communes = connection.execute("SELECT count(*) FROM communes").fetchone()[0]
            contacts = connection.execute("SELECT count(*) FROM contacts").fetchone()[0]
        finally:
            connection.close()
        assert contacts == communes - 2
        assert not copy.with_name(copy.name + "-wal").exists()


def test_a_backup_restores_the_data_and_keeps_the_replaced_copy(
    filled: Context, tmp_path: Path
) -> None:
    saved = backup(filled.paths.database, tmp_path / "sauvegarde.sqlite3")
    with filled.database.session() as session:
        for commune in session.scalars(select(models.Commune)):
            commune.mayor = "Changé après la sauvegarde"
    filled.database.dispose()

    result = restore(saved, filled.paths.database, filled.paths.backups)

    assert result.kept_copy is not None and result.kept_copy.parent == filled.paths.backups
    assert not result.migrated
    with filled.database.read_session() as session:
        assert set(session.scalars(select(models.Commune.mayor))) == {""}
        assert len(session.scalars(select(models.Meeting)).all()) == 2
    kept = sqlite3.connect(result.kept_copy)
    try:
        mayors = {row[0] for row in kept.execute("SELECT mayor FROM communes")}
    finally:
        kept.close()
    assert mayors == {"Changé après la sauvegarde"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Nom;Titre\nVenissieux;Fibre\n", "n’est pas une base SQLite"),
        (None, "est une base SQLite, mais pas une copie de SITIV Desktop"),
    ],
    ids=["not sqlite", "foreign sqlite"],
)
def test_a_file_that_is_not_a_backup_is_refused_and_the_local_copy_is_left_as_it_was(
    filled: Context, tmp_path: Path, content: bytes | None, expected: str
) -> None:
    candidate = tmp_path / "pas-une-sauvegarde.sqlite3"
    if content is None:
        foreign = sqlite3.connect(candidate)
        foreign.execute("CREATE TABLE recettes (nom TEXT)")
        foreign.execute("INSERT INTO recettes VALUES ('gratin dauphinois')")
        foreign.commit()
        foreign.close()
    else:
        candidate.write_bytes(content)
    filled.database.dispose()
    before = dump(filled.paths.database)

    with pytest.raises(UserError) as refused:
        restore(candidate, filled.paths.database, filled.paths.backups)

    assert expected in str(refused.value)
    assert "La copie locale a été laissée telle quelle." in str(refused.value)
    assert dump(filled.paths.database) == before
    assert list_backups(filled.paths.backups) == []


def test_a_backup_from_a_newer_version_is_refused(filled: Context, tmp_path: Path) -> None:
    newer = backup(filled.paths.database, tmp_path / "future.sqlite3")
    connection = sqlite3.connect(newer)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()
    with pytest.raises(UserError, match="version plus récente"):
        restore(newer, filled.paths.database, filled.paths.backups)


def test_a_backup_with_an_older_schema_is_migrated_when_restored(
    filled: Context, tmp_path: Path
) -> None:
    old = tmp_path / "ancienne.sqlite3"
    shutil.copy(OLD_COPY, old)
    filled.database.dispose()

    result = restore(old, filled.paths.database, filled.paths.backups)

    assert result.revision_found == "0001"
    assert result.migrated == (head_revision() != "0001")
    connection = sqlite3.connect(filled.paths.database)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
    finally:
        connection.close()
    assert commune_names(filled.paths.database) == ["Givors", "Vénissieux"]
    assert commune_names(old) == ["Givors", "Vénissieux"]  # the backup itself is untouched


def test_a_damaged_local_copy_can_be_replaced_by_a_backup(tmp_path: Path) -> None:
    source = filled_context(tmp_path / "source")
    saved = backup(source.paths.database, tmp_path / "sauvegarde.sqlite3")
    source.close()
    data = tmp_path / "damaged"
    data.mkdir()
    (data / "sitiv.sqlite3").write_bytes(b"not a database at all")

    result = restore(saved, data / "sitiv.sqlite3", data / "sauvegardes")

    assert result.kept_copy is not None
    assert result.kept_copy.read_bytes() == b"not a database at all"
    reopened = open_context(data)
    try:
        with reopened.database.read_session() as session:
            assert len(session.scalars(select(models.Project)).all()) == 3
    finally:
        reopened.close()


def test_automatic_backups_keep_the_last_ones(filled: Context) -> None:
    start = dt.datetime(2016, 1, 20, 8, 0)
    for hour in range(5):
        # A change between backups: a backup of an unchanged copy only takes the last one's place.
        with filled.database.session() as session:
            session.execute(text("UPDATE communes SET note = :n"), {"n": f"état {hour}"})
        automatic_backup(
            filled.paths.database,
            filled.paths.backups,
            kept=3,
            now=start + dt.timedelta(hours=hour),
        )
    names = sorted(b.path.name for b in list_backups(filled.paths.backups))
    assert names == [
        "auto-20160120-100000.sqlite3",
        "auto-20160120-110000.sqlite3",
        "auto-20160120-120000.sqlite3",
    ]
    assert all(b.automatic for b in list_backups(filled.paths.backups))
    assert automatic_backup(filled.paths.database, filled.paths.backups, kept=0) is None
