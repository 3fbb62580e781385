"""Errors on the command line: one clear French line on stderr, a non-zero code, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitiv_desktop.cli import main
from tests import builders
from tests.e2e.conftest import Runner
from tests.unit.transfer_data import empty_copy


def test_an_unknown_commune_is_one_french_line(sitiv: Runner) -> None:
    result = sitiv("list", "projects", "--commune", "Lyon")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "Erreur\u00a0: Aucune commune ne s’appelle «\u00a0Lyon\u00a0»\u00a0; "
        "donnez son nom ou son code INSEE."
    ]
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(sitiv: Runner) -> None:
    result = sitiv("--debug", "list", "projects", "--commune", "Lyon")
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_an_unreadable_local_copy_is_reported_and_left_untouched(
    sitiv: Runner, tmp_path: Path
) -> None:
    data = tmp_path / "broken"
    data.mkdir()
    (data / "sitiv.sqlite3").write_bytes(b"not a database at all")
    result = sitiv("list", "communes", data=data)
    assert result.returncode == 3
    assert "illisible" in result.stderr
    assert "Traceback" not in result.stderr
    assert (data / "sitiv.sqlite3").read_bytes() == b"not a database at all"


def test_a_data_folder_that_is_a_file_is_reported(sitiv: Runner, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = sitiv("list", "communes", data=blocker)
    assert result.returncode == 3
    assert "inutilisable" in result.stderr


def test_an_unknown_command_is_refused_by_argparse(sitiv: Runner) -> None:
    result = sitiv("fly")
    assert result.returncode == 2


def test_search_on_an_empty_copy_says_nothing_was_found(sitiv: Runner) -> None:
    result = sitiv("search", "venissieux")
    assert result.returncode == 0
    assert "Aucun résultat." in result.stdout


def test_the_english_interface(sitiv: Runner) -> None:
    result = sitiv("--lang", "en", "list", "projects", "--commune", "Lyon")
    assert (
        result.stderr.strip()
        == "Error: No commune is called « Lyon »; give its name or its INSEE code."
    )


def test_check_on_a_fresh_copy(sitiv: Runner) -> None:
    result = sitiv("check")
    assert result.returncode == 0
    assert result.stdout.strip() == "La copie locale est saine."


def test_version(sitiv: Runner) -> None:
    import sitiv_desktop

    result = sitiv("--version")
    assert result.stdout.strip() == f"SITIV Desktop {sitiv_desktop.__version__}"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "oullins",
            "«\u00a0oullins\u00a0»\u00a0; "
            "vouliez-vous dire «\u00a0Oullins-Pierre-Bénite\u00a0»\u00a0?",
        ),
        ("PIERRE BENITE", "vouliez-vous dire «\u00a0Oullins-Pierre-Bénite\u00a0»\u00a0?"),
        ("saint chamond", "vouliez-vous dire «\u00a0Saint-Chamond\u00a0»\u00a0?"),
        # Two communes hold « saint »: none is suggested, rather than one at random.
        ("saint", "«\u00a0saint\u00a0»\u00a0; donnez son nom ou son code INSEE."),
    ],
)
def test_a_part_of_one_commune_s_name_is_suggested_not_taken(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, typed: str, said: str
) -> None:
    """A suggestion, not a match: a prefix taken silently could export or import the wrong
    commune; the person retypes the name the message gives."""
    data = tmp_path / "data"
    opened = empty_copy(data)
    with opened.database.session() as session:
        builders.commune(session, "Oullins-Pierre-Bénite", "69149", 37_000)
        builders.commune(session, "Saint-Chamond", "42207", 35_000)
        builders.commune(session, "Saint-Priest", "69290", 47_000)
    opened.close()
    assert main(["--data-dir", str(data), "list", "projects", "--commune", typed]) == 2
    error = capsys.readouterr().err
    assert error.startswith("Erreur\u00a0: Aucune commune ne s’appelle"), error
    assert said in error
    assert (
        main(["--data-dir", str(data), "list", "projects", "--commune", "oullins-pierre-benite"])
        == 0
    )
