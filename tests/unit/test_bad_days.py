"""Bad days: a full or read-only disk, a second writer, a damaged or emptied copy, a killed
backup. Each gives its own French message and exit code, and nothing is lost.

Disk faults are real where the test runs as root (a small tmpfs, a read-only bind mount);
elsewhere the same SQLite error is raised at the same boundary.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitiv_desktop import cli
from sitiv_desktop.context import Context
from sitiv_desktop.store import database as store_database
from tests.unit.test_bad_files import dump, plain
from tests.unit.transfer_data import filled_context


def run(data: Path, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    code = cli.main(["--data-dir", str(data), *arguments])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, plain(captured.out + captured.err)


def _mount(*arguments: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *arguments], capture_output=True, check=False).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on a 2 MB file system, or, without the right to mount, one whose SQLite writes
    fail as a full disk makes them fail."""
    folder = tmp_path / "small"
    folder.mkdir()
    if _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)):
        yield folder
        subprocess.run(["umount", "-l", str(folder)], check=False)
        return
    real_connect = sqlite3.connect

    def full_disk_connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        connection = real_connect(*args, **kwargs)  # type: ignore[arg-type]

        def refuse(action: int, *_rest: object) -> int:
            if action in (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE):
                raise sqlite3.OperationalError("database or disk is full")
            return sqlite3.SQLITE_OK

        if str(folder) in str(args[0] if args else kwargs.get("database", "")):
            connection.set_authorizer(refuse)
        return connection

    monkeypatch.setattr(sqlite3, "connect", full_disk_connect)
    yield folder


def fill_disk(folder: Path) -> None:
    with (folder / "ballast").open("wb") as ballast:
        try:
            while True:
                ballast.write(b"\0" * 65536)
                ballast.flush()
        except OSError:
            pass


def test_demo_on_a_full_disk_says_so_and_leaves_the_copy_empty(
    small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = small_disk / "data"
    assert run(data, capsys, "list", "communes")[0] == 0
    before = dump(data / "sitiv.sqlite3")
    fill_disk(small_disk)
    code, output = run(data, capsys, "demo")
    assert code == 3, output
    assert "Le disque est plein" in output
    assert "endommagée" not in output
    (small_disk / "ballast").unlink(missing_ok=True)
    assert dump(data / "sitiv.sqlite3") == before
    code, output = run(data, capsys, "list", "communes", "--json")
    assert code == 0, output
    assert output.strip() == "[]"


def test_an_import_on_a_full_disk_changes_nothing(
    tmp_path: Path, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled_context(small_disk / "data").close()
    before = dump(small_disk / "data" / "sitiv.sqlite3")
    source = tmp_path / "e.csv"
    lines = [
        f"Givors;Engagement numéro {n} avec un texte assez long;04/03/2016" for n in range(5000)
    ]
    source.write_text("Commune;Engagement;Pris le\n" + "\n".join(lines) + "\n", encoding="utf-8")
    fill_disk(small_disk)
    code, output = run(small_disk / "data", capsys, "import", "commitments", str(source))
    assert code == 3, output
    assert "Le disque est plein" in output
    (small_disk / "ballast").unlink(missing_ok=True)
    assert dump(small_disk / "data" / "sitiv.sqlite3") == before


def test_a_restore_on_a_full_disk_leaves_the_copy_as_it_was(
    tmp_path: Path, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = filled_context(tmp_path / "other")
    saved.close()
    data = small_disk / "data"
    filled_context(data).close()
    connection = sqlite3.connect(data / "sitiv.sqlite3")
    connection.execute("UPDATE communes SET note = 'ici'")
    connection.commit()
    connection.close()
    before = dump(data / "sitiv.sqlite3")
    fill_disk(small_disk)
    code, output = run(data, capsys, "restore", str(saved.paths.database))
    assert code == 3, output
    assert "Le disque est plein" in output
    assert "La copie locale a été laissée telle quelle" in output
    assert "division" not in output
    (small_disk / "ballast").unlink(missing_ok=True)
    assert dump(data / "sitiv.sqlite3") == before


def test_a_read_only_disk_is_not_called_a_damaged_copy(
    filled: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled.close()
    view = tmp_path / "read-only"
    view.mkdir()
    if _mount("--bind", str(filled.paths.data_dir), str(view)):
        try:
            assert _mount("-o", "remount,ro,bind", str(view))
            code, output = run(view, capsys, "demo", "--replace", "--seed", "2")
        finally:
            subprocess.run(["umount", "-l", str(view)], check=False)
    else:
        error = sqlite3.OperationalError("attempt to write a readonly database")
        error.sqlite_errorcode = 8  # type: ignore[attr-defined]
        failure = store_database.store_failure(error)
        assert failure is not None
        code, output = 3, plain(failure.message)
    assert code == 3, output
    assert "lecture seule" in output
    assert "endommagée" not in output


@pytest.fixture
def read_only_view(filled: Context, tmp_path: Path) -> Iterator[Path]:
    """The filled copy's folder as a disk that takes no writes shows it: a read-only mount when
    this user may mount, else the folder with its write permission taken away."""
    filled.close()
    folder = filled.paths.data_dir
    view = tmp_path / "read-only"
    view.mkdir()
    if _mount("--bind", str(folder), str(view)):
        try:
            assert _mount("-o", "remount,ro,bind", str(view))
            yield view
        finally:
            subprocess.run(["umount", "-l", str(view)], check=False)
        return
    assert os.geteuid() != 0, "root may write anywhere: only a read-only mount shows the case"
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_a_copy_on_a_read_only_disk_is_read_searched_checked_and_backed_up_elsewhere(
    read_only_view: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _contents(read_only_view)
    code, output = run(read_only_view, capsys, "list", "communes")
    assert code == 0 and "Vénissieux" in output, output
    code, output = run(read_only_view, capsys, "search", "Vénissieux")
    assert code == 0 and "Commune" in output, output
    code, output = run(read_only_view, capsys, "check")
    assert code == 0 and "saine" in output, output
    elsewhere = tmp_path / "elsewhere.sqlite3"
    code, output = run(read_only_view, capsys, "backup", str(elsewhere))
    assert code == 0, output
    with sqlite3.connect(elsewhere) as copy:
        communes = {name for (name,) in copy.execute("SELECT name FROM communes")}
    assert "Vénissieux" in communes
    # A write says why it cannot be done, and nothing of the copy changed.
    code, output = run(read_only_view, capsys, "demo", "--replace")
    assert code == 3 and "lecture seule" in output, output
    assert _contents(read_only_view) == before


def test_a_second_writer_is_waited_for_then_named(
    filled: Context,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(store_database, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(store_database, "BUSY_PAUSE_S", 0.05)
    monkeypatch.setattr(store_database, "BUSY_ATTEMPTS", 3)
    source = tmp_path / "e.csv"
    source.write_text("Commune;Engagement;Pris le\nGivors;Rappeler;04/03/2016\n", "utf-8")
    before = dump(filled.paths.database)
    other = sqlite3.connect(filled.paths.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        code, output = run(filled.paths.data_dir, capsys, "import", "commitments", str(source))
    finally:
        other.rollback()
        other.close()
    assert code == 3, output
    assert "Un autre programme" in output and "Rien n’a été modifié" in output
    assert "locked" not in output and "INSERT" not in output
    assert dump(filled.paths.database) == before
    code, output = run(filled.paths.data_dir, capsys, "import", "commitments", str(source))
    assert code == 0, output


def test_check_reports_flipped_bytes_instead_of_crashing(
    filled: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    filled.close()
    path = filled.paths.database
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    content = bytearray(path.read_bytes())
    for offset in range(2 * page_size + 10, len(content), page_size):
        content[offset : offset + 40] = bytes(b ^ 0x5A for b in content[offset : offset + 40])
    path.write_bytes(bytes(content))
    code, output = run(filled.paths.data_dir, capsys, "check")
    assert code == 3, output
    assert "Fichier endommagé" in output
    assert "restaurez une sauvegarde" in output


def test_restore_refuses_a_file_with_tables_missing(
    filled: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partial = tmp_path / "partielle.sqlite3"
    with sqlite3.connect(filled.paths.database) as origin, sqlite3.connect(partial) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    connection = sqlite3.connect(partial)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("PRAGMA foreign_keys = OFF")
    for table in ("exchanges", "mandate_stakes", "stake_projects"):
        connection.execute(f"DROP TABLE {table}")
    connection.commit()
    connection.close()
    before = dump(filled.paths.database)
    code, output = run(filled.paths.data_dir, capsys, "restore", str(partial))
    assert code == 2, output
    assert "est incomplet (des tables manquent (exchanges, mandate_stakes" in output
    assert dump(filled.paths.database) == before


def test_an_emptied_copy_never_rotates_the_good_backups_away(
    filled: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        assert run(filled.paths.data_dir, capsys, "backup")[0] == 0
    backups = sorted(filled.paths.backups.iterdir())
    filled.close()
    filled.paths.database.write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        Path(f"{filled.paths.database}{suffix}").unlink(missing_ok=True)
    code, output = run(filled.paths.data_dir, capsys, "backup")
    assert code == 3, output
    assert "est un fichier vide" in output and "sitiv-desktop restore" in output
    assert sorted(filled.paths.backups.iterdir()) == backups
    assert filled.paths.database.read_bytes() == b""
    code, output = run(filled.paths.data_dir, capsys, "check")
    assert code == 3, output
    assert "le fichier est vide" in output
    code, output = run(filled.paths.data_dir, capsys, "restore", str(backups[-1]))
    assert code == 0, output
    assert run(filled.paths.data_dir, capsys, "list", "communes")[1].count("69") == 2


def test_a_backup_of_an_empty_copy_keeps_the_last_one_with_data(
    filled: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(filled.paths.data_dir, capsys, "backup")[0] == 0
    backups = sorted(filled.paths.backups.iterdir())
    connection = sqlite3.connect(filled.paths.database)
    connection.execute("PRAGMA foreign_keys = ON")
    for table in ("agenda_items", "meeting_communes", "meetings", "exchanges", "commitments"):
        connection.execute(f"DELETE FROM {table}")
    for table in ("payment_credits", "ap_revisions", "ppi_lines", "participations", "projects"):
        connection.execute(f"DELETE FROM {table}")
    connection.execute("DELETE FROM communes")
    connection.commit()
    connection.close()
    code, output = run(filled.paths.data_dir, capsys, "backup")
    assert code == 3, output
    assert "La copie locale est vide, alors que la sauvegarde" in output
    assert sorted(filled.paths.backups.iterdir()) == backups


def test_backup_to_an_existing_file_asks_first(
    filled: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "précieux.sqlite3"
    target.write_bytes(b"un autre fichier")
    code, output = run(filled.paths.data_dir, capsys, "backup", str(target))
    assert code == 2, output
    assert "existe et n’a pas été touché ; ajoutez --force" in output
    assert target.read_bytes() == b"un autre fichier"
    code, output = run(filled.paths.data_dir, capsys, "backup", str(target), "--force")
    assert code == 0, output
    assert target.read_bytes().startswith(b"SQLite format 3")


def test_demo_replace_backs_up_first(filled: Context, capsys: pytest.CaptureFixture[str]) -> None:
    before = dump(filled.paths.database)
    code, output = run(filled.paths.data_dir, capsys, "demo", "--replace")
    assert code == 0, output
    assert "Sauvegarde faite avant de remplacer les données" in output
    (kept,) = filled.paths.backups.glob("auto-*.sqlite3")
    assert dump(kept) == before


def test_leftovers_of_a_killed_backup_or_restore_are_removed_at_start(
    filled: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    filled.paths.backups.mkdir(exist_ok=True)
    leftovers = [
        filled.paths.data_dir / ".restauration-abc",
        filled.paths.backups / ".sauvegarde-def",
    ]
    for folder in leftovers:
        folder.mkdir()
        (folder / "candidate.sqlite3").write_bytes(b"x" * 1000)
    assert run(filled.paths.data_dir, capsys, "list", "communes")[0] == 0
    assert not any(folder.exists() for folder in leftovers)


def test_the_command_line_parser_speaks_french_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for arguments, expected in (
        (("exporter",), "choix invalide : 'exporter'"),
        (("import", "projets", "f.csv"), "argument SORTE : choix invalide : 'projets'"),
        (("export", "projects"), "ces arguments sont obligatoires : -o/--output"),
        (("demo", "--seed", "un"), "argument --seed : donnez un nombre entier de 0 à"),
        (("list", "communes", "--bogus"), "arguments non reconnus : --bogus"),
    ):
        code = cli.main(["--data-dir", str(tmp_path / "d"), *arguments])
        captured = capsys.readouterr()
        err = plain(captured.err)
        assert code == 2
        assert err.count("\n") == 1, err
        assert err.startswith("Erreur : ") and expected in err, err
        assert "usage" not in err and "error:" not in err


def test_help_is_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation")
    assert "afficher cette aide et quitter" in out


def test_no_user_data_or_sql_in_a_message_but_in_the_log_with_debug(
    filled: Context, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitiv_desktop.services import search

    def failing(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("no such column: secret_user_text")

    monkeypatch.setattr(search, "search", failing)
    code, output = run(filled.paths.data_dir, capsys, "search", "secret_user_text")
    assert code == 1
    assert "secret_user_text" not in output
    assert "Erreur inattendue (OperationalError)" in output
    assert "secret_user_text" in filled.paths.log.read_text("utf-8")
    code = cli.main(["--data-dir", str(filled.paths.data_dir), "--debug", "search", "x"])
    assert code == 1
    assert "secret_user_text" in capsys.readouterr().err
