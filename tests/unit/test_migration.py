"""A local copy made with the first schema, holding data, is upgraded to the newest and loses
nothing; a copy of the file is kept before migrating."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sitiv_desktop.context import open_context
from sitiv_desktop.services.communes import find_commune
from sitiv_desktop.services.search import search
from sitiv_desktop.store.migration import current_revision, head_revision

OLD_COPY = Path(__file__).parent.parent / "data" / "schema-0001.sqlite3"


def rows_of(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    connection.close()
    return rows


def test_the_first_schema_is_upgraded_without_losing_anything(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(OLD_COPY, data_dir / "sitiv.sqlite3")
    before = {t: rows_of(OLD_COPY, t) for t in ("communes", "projects", "commitments", "exchanges")}

    context = open_context(data_dir)
    try:
        assert current_revision(context.database) == head_revision()
        with context.database.read_session() as session:
            assert find_commune(session, "venissieux").insee_code == "69259"
            assert [hit.title for hit in search(session, "echeance")] == ["Échéance du marché"]
    finally:
        context.close()

    upgraded = data_dir / "sitiv.sqlite3"
    for table, rows in before.items():
        kept_columns = [row[: len(rows[0])] for row in rows_of(upgraded, table)]
        assert kept_columns == rows, table
    kept_copies = list((data_dir / "sauvegardes").glob("avant-migration-0001-*.sqlite3"))
    if head_revision() == "0001":
        assert kept_copies == []  # nothing to migrate, nothing to keep
    else:
        assert len(kept_copies) == 1
        assert rows_of(kept_copies[0], "communes") == before["communes"]


def test_a_new_copy_is_created_at_the_newest_schema_without_a_kept_copy(tmp_path: Path) -> None:
    context = open_context(tmp_path / "fresh")
    try:
        assert current_revision(context.database) == head_revision()
    finally:
        context.close()
    assert not (tmp_path / "fresh" / "sauvegardes").exists()


def test_opening_twice_migrates_once(tmp_path: Path) -> None:
    for _ in range(2):
        open_context(tmp_path / "twice").close()
    assert not (tmp_path / "twice" / "sauvegardes").exists()


def test_the_head_named_for_fast_start_up_is_the_scripts_head() -> None:
    from sitiv_desktop.store.migration import HEAD_REVISION

    assert head_revision() == HEAD_REVISION
