"""Options the command line reads as numbers: bounded, checked by the parser before any work,
refused in one French line with exit code 2."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from sitiv_desktop.cli import main
from sitiv_desktop.cli.commands import COMMANDS
from sitiv_desktop.cli.parser import build_parser
from tests.e2e.conftest import Runner


def _error(capsys: pytest.CaptureFixture[str], data: Path, *arguments: str) -> tuple[int, str]:
    code = main(["--data-dir", str(data), *arguments])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (
            ("search", "venissieux", "--limit", "99999999999999999999999"),
            "argument --limit\u00a0: donnez un nombre entier de 1 à 1\u202f000, par exemple 50",
        ),
        (("search", "venissieux", "--limit", "-3"), "argument --limit\u00a0: donnez un nombre"),
        (("search", "venissieux", "--limit", "0"), "argument --limit\u00a0: donnez un nombre"),
        (("search", "venissieux", "--limit", "dix"), "argument --limit\u00a0: donnez un nombre"),
        (
            ("demo", "--scale", "99999999999"),
            "argument --scale\u00a0: donnez un nombre entier de 1 à 1\u202f000, par exemple 2",
        ),
        (("demo", "--seed", "un"), "argument --seed\u00a0: donnez un nombre entier de 0 à"),
        (
            ("brief", "voeux", "--year", "31/02/2026", "-o", "v.pdf"),
            "argument --year\u00a0: donnez une année entre 1900 et 2100, par exemple ",
        ),
        (("brief", "voeux", "--year", "0", "-o", "v.pdf"), "argument --year\u00a0: donnez une"),
        # Digits of other scripts, which int() reads, are not typed for a number.
        (("brief", "voeux", "--year", "٢٠٢٥", "-o", "v.pdf"), "argument --year\u00a0: donnez une"),
        (("search", "venissieux", "--limit", "５"), "argument --limit\u00a0: donnez un nombre"),
        (("search", "venissieux", "--limit", " 5"), "argument --limit\u00a0: donnez un nombre"),
        (("search", "venissieux", "--limit", "1_0"), "argument --limit\u00a0: donnez un nombre"),
        (("window", "--quit-after", "-1"), "argument --quit-after\u00a0: donnez un nombre"),
        (("server", "run", "--workers", "0"), "argument --workers\u00a0: donnez un nombre"),
        (
            ("server", "add-commune", "X", "--insee", "69999", "--member-since", "0"),
            "argument --member-since\u00a0: donnez une année",
        ),
        (
            ("server", "add-commune", "X", "--insee", "69999", "--population", "-5"),
            "argument --population\u00a0: donnez un nombre entier de 0 à",
        ),
    ],
)
def test_a_bad_number_is_refused_by_the_parser_in_french(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    arguments: tuple[str, ...],
    said: str,
) -> None:
    started = time.monotonic()
    code, err = _error(capsys, tmp_path / "data", *arguments)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"Erreur\u00a0: {said}"), lines[0]
    assert "invalide" not in lines[0] and "int" not in lines[0]
    # Refused before any work: the data folder is not even made.
    assert not (tmp_path / "data").exists()
    assert time.monotonic() - started < 30


def test_the_year_example_is_the_current_year(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An example already being lived, not a year to come."""
    code, err = _error(capsys, tmp_path / "data", "brief", "voeux", "--year", "x", "-o", "v.pdf")
    assert code == 2
    assert f"par exemple {dt.date.today().year} (" in err


def test_every_typed_option_says_what_it_expects() -> None:
    """No option is read by a bare ``type=int`` (whose complaint is argparse's English)."""
    import argparse

    def walk(parser: argparse.ArgumentParser) -> list[str]:
        bare = []
        for action in parser._actions:
            if action.type is int:
                bare.append("/".join(action.option_strings))
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    bare.extend(walk(child))
        return bare

    assert walk(build_parser(COMMANDS)) == []


def test_search_with_nothing_found_prints_only_the_message(sitiv: Runner) -> None:
    result = sitiv("search", "zzzzqq")
    assert result.returncode == 0
    assert result.stdout == "Aucun résultat.\n"
