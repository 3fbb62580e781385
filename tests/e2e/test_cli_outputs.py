"""Files the command line writes (exports, packs, backups): an existing file is replaced only
with --force, a missing folder is an error and not new folders, and a refused path is said in
French."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitiv_desktop.cli import main
from tests.e2e.conftest import Runner

REFUSED = " existe et n’a pas été touché\u00a0; ajoutez --force pour le remplacer."


def _run(capsys: pytest.CaptureFixture[str], data: Path, *arguments: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "arguments",
    [
        ("export", "projects", "-o"),
        ("export", "meetings", "-o"),
        ("brief", "voeux", "--year", "2026", "-o"),
        ("backup",),
    ],
    ids=["xlsx", "ics", "pdf", "backup"],
)
def test_an_existing_file_is_replaced_only_with_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    suffix = {"export projects": ".xlsx", "export meetings": ".ics", "brief voeux": ".pdf"}.get(
        " ".join(arguments[:2]), ".sqlite3"
    )
    kept = tmp_path / f"keep{suffix}"
    kept.write_bytes(b"a file someone keeps")
    code, _out, err = _run(capsys, tmp_path / "data", *arguments, str(kept))
    assert code == 2
    assert err.splitlines() == [f"Erreur\u00a0: {kept}{REFUSED}"]
    assert kept.read_bytes() == b"a file someone keeps"
    code, _out, err = _run(capsys, tmp_path / "data", *arguments, str(kept), "--force")
    assert code == 0, err
    assert kept.read_bytes() != b"a file someone keeps"


@pytest.mark.parametrize(
    "arguments",
    [
        ("export", "projects", "-o", "out.xlsx"),
        ("export", "meetings", "-o", "out.ics"),
        ("brief", "voeux", "--year", "2026", "-o", "out.pdf"),
        ("backup", "out.sqlite3"),
    ],
    ids=["xlsx", "ics", "pdf", "backup"],
)
def test_a_missing_folder_is_an_error_not_new_folders(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    missing = tmp_path / "nonexistent" / "dir"
    *options, name = arguments
    code, _out, err = _run(capsys, tmp_path / "data", *options, str(missing / name))
    assert code == 2
    assert err.splitlines() == [
        f"Erreur\u00a0: Le dossier {missing} n’existe pas\u00a0; "
        "créez-le ou choisissez-en un autre."
    ]
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("arguments", [("export", "projects", "-o"), ("brief", "voeux", "-o")])
def test_a_folder_given_for_a_file_asks_for_a_file_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    extra = ("--year", "2026") if arguments[0] == "brief" else ()
    for folder in ("/", str(tmp_path)):
        code, _out, err = _run(capsys, tmp_path / "data", *arguments, folder, *extra)
        assert code == 2
        assert err.splitlines() == [
            f"Erreur\u00a0: {folder} est un dossier\u00a0; donnez un nom de fichier."
        ]


def test_a_folder_that_refuses_files_is_said_in_french(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # /proc exists and is a folder, but no file can be made in it.
    code, _out, err = _run(
        capsys, tmp_path / "data", "brief", "voeux", "--year", "2026", "-o", "/proc/x.pdf"
    )
    lines = err.splitlines()
    assert code in (2, 3)
    assert len(lines) == 1
    assert lines[0].startswith("Erreur\u00a0: Le fichier /proc/x.pdf n’a pas pu être écrit\u00a0: ")
    assert "No such file" not in lines[0]


def test_a_data_folder_that_is_a_file_is_said_in_french(sitiv: Runner, tmp_path: Path) -> None:
    blocker = tmp_path / "notdir"
    blocker.write_text("x")
    result = sitiv("list", "communes", data=blocker)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        f"Erreur\u00a0: Le dossier de données {blocker} est inutilisable\u00a0: un fichier "
        "porte déjà ce nom. Choisissez-en un autre."
    ]


def test_two_backups_of_an_unchanged_copy_say_that_they_were_not_duplicated(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    assert _run(capsys, data, "demo")[0] == 0
    code, first, err = _run(capsys, data, "backup")
    assert code == 0, err
    assert "identique" not in first
    code, second, err = _run(capsys, data, "backup")
    assert code == 0, err
    backups = sorted((data / "sauvegardes").glob("auto-*.sqlite3"))
    assert len(backups) == 1
    assert second.startswith(f"Sauvegarde écrite dans {backups[0]} (identique à la sauvegarde du ")
    assert second.rstrip().endswith("\u00a0: non dupliquée).")
