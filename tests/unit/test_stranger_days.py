"""What a stranger's trial found on bad days: a damaged page called an empty copy, SQLite's
English in « check », a missing file called the world's failure in half English, and refused
imports rotating the backup from before the first edit away."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from sitiv_desktop import cli
from sitiv_desktop.context import Context
from sitiv_desktop.domain.transfers import ImportKind
from sitiv_desktop.errors import ExternalError, UserError
from sitiv_desktop.services.backups import automatic_backup, list_backups
from sitiv_desktop.services.files import read_failed
from sitiv_desktop.services.imports import import_file
from tests.unit.test_bad_days import run
from tests.unit.test_bad_files import dump, plain

GOOD = "Commune;Engagement;Pris le\nGivors;Réunir les élus;04/03/2016\n"
BAD = "Commune;Engagement;Pris le\nGivors;Réunir les élus;le 31 février\n"


def damage_one_page(path: Path, page: int = 11) -> None:
    """Overwrite the header of one b-tree page, as a bad sector would: SQLite then answers
    « *** in database main *** Page 11: btreeInitPage() returns error code 11 »."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    content = bytearray(path.read_bytes())
    start = (page - 1) * page_size
    content[start : start + 8] = b"\xff" * 8
    path.write_bytes(bytes(content))


def test_a_damaged_page_is_called_damaged_not_empty_and_check_speaks_french(
    filled: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(filled.paths.data_dir, capsys, "backup")[0] == 0
    backups = sorted(filled.paths.backups.iterdir())
    filled.close()
    damage_one_page(filled.paths.database)

    code, output = run(filled.paths.data_dir, capsys, "backup")
    assert code == 3, output
    assert "vide" not in output
    assert "La copie locale est endommagée" in output
    assert "btreeInitPage" not in output and "***" not in output
    assert sorted(filled.paths.backups.iterdir()) == backups

    code, output = run(filled.paths.data_dir, capsys, "check")
    assert code == 3, output
    assert "Fichier endommagé : la vérification de SQLite trouve des défauts" in output
    assert "btreeInitPage" not in output and "***" not in output and "Page " not in output
    assert "btreeInitPage" in filled.paths.log.read_text("utf-8")
    code = cli.main(["--data-dir", str(filled.paths.data_dir), "--debug", "check"])
    assert code == 3
    assert "btreeInitPage" in capsys.readouterr().err


def test_a_missing_file_is_the_users_mistake_said_in_french(
    filled: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nulle-part" / "projets.xlsx"
    code, output = run(filled.paths.data_dir, capsys, "import", "projects", str(missing))
    assert code == 2, output
    assert f"Le fichier {missing} n’a pas pu être lu : il n’existe pas" in output
    assert "No such file" not in output
    folder = tmp_path / "projets.csv"
    folder.mkdir()
    code, output = run(filled.paths.data_dir, capsys, "import", "projects", str(folder))
    assert code == 2, output
    assert "c’est un dossier, pas un fichier" in output
    url = f"sqlite:///{tmp_path / 'partagee.sqlite3'}"
    assert cli.main(["server", "init", "--database", url]) == 0
    code = cli.main(["server", "import-communes", str(missing), "--database", url])
    said = plain(capsys.readouterr().err)
    assert code == 2, said
    assert "il n’existe pas" in said


@pytest.mark.parametrize(
    ("number", "said", "kind"),
    [
        (errno.ENOENT, "il n’existe pas (vérifiez son nom et son dossier)", UserError),
        (errno.EISDIR, "c’est un dossier, pas un fichier", UserError),
        (errno.EACCES, "accès refusé (vérifiez les droits", ExternalError),
        (errno.ENOSPC, "le disque est plein", ExternalError),
        (errno.EROFS, "le disque ou le dossier est en lecture seule", ExternalError),
        (errno.EIO, "le disque a échoué", ExternalError),
        (errno.ELOOP, "erreur du système ELOOP", ExternalError),
    ],
)
def test_each_common_reason_is_said_in_french_with_its_exit_code_class(
    tmp_path: Path, number: int, said: str, kind: type[Exception]
) -> None:
    error = read_failed(tmp_path / "x.xlsx", OSError(number, "English words from the system"))
    assert type(error) is kind
    assert said in plain(str(error))
    assert "English" not in str(error)


def test_refused_imports_never_rotate_away_the_backup_from_before_the_first_edit(
    filled: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled.close()
    before_any_edit = dump(filled.paths.database)
    good, bad = tmp_path / "bons.csv", tmp_path / "mauvais.csv"
    good.write_text(GOOD, "utf-8")
    bad.write_text(BAD, "utf-8")
    assert run(filled.paths.data_dir, capsys, "import", "commitments", str(good))[0] == 0
    assert dump(filled.paths.database) != before_any_edit
    for _attempt in range(6):
        code, output = run(filled.paths.data_dir, capsys, "import", "commitments", str(bad))
        assert code == 2, output
    kept = [dump(found.path) for found in list_backups(filled.paths.backups)]
    assert before_any_edit in kept
    # A refused import writes nothing, so it takes no backup: only the one from before the
    # good import is kept.
    assert len(kept) == 1


def test_a_backup_of_an_unchanged_copy_takes_the_newest_ones_place(filled: Context) -> None:
    first = automatic_backup(filled.paths.database, filled.paths.backups, kept=2)
    with filled.database.session() as session:
        session.execute(text("UPDATE communes SET note = 'changée'"))
    second = automatic_backup(filled.paths.database, filled.paths.backups, kept=2)
    for _again in range(3):
        third = automatic_backup(filled.paths.database, filled.paths.backups, kept=2)
    names = {found.path for found in list_backups(filled.paths.backups)}
    assert first in names and second not in names and third in names
    assert len(names) == 2


def test_an_import_calls_for_its_backup_only_when_it_is_about_to_write(
    filled: Context, tmp_path: Path
) -> None:
    good, bad = tmp_path / "bons.csv", tmp_path / "mauvais.csv"
    good.write_text(GOOD, "utf-8")
    bad.write_text(BAD, "utf-8")
    calls: list[list[str]] = []

    def backing_up() -> None:
        # Called before the write: the copy is still as it was.
        calls.append(dump(filled.paths.database))

    before = dump(filled.paths.database)
    kind = ImportKind.COMMITMENTS
    import_file(filled.database, kind, good, dry_run=True, before_writing=backing_up)
    with pytest.raises(UserError):
        import_file(filled.database, kind, bad, before_writing=backing_up)
    assert calls == []
    import_file(filled.database, kind, good, before_writing=backing_up)
    assert calls == [before]
    import_file(filled.database, kind, good, before_writing=backing_up)  # changes nothing
    import_file(filled.database, kind, bad, skip_bad_rows=True, before_writing=backing_up)
    assert len(calls) == 1
