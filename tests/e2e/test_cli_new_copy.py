"""A mistyped ``--data-dir`` makes a new, empty copy: the first answer from it says so, instead
of an empty list that looks like a healthy copy."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Runner


def test_the_first_answer_from_a_new_copy_says_it_is_new_and_empty(
    sitiv: Runner, tmp_path: Path
) -> None:
    typo = tmp_path / "donnés"
    first = sitiv("list", "communes", data=typo)
    assert first.returncode == 0, first.stderr
    assert "est nouvelle et vide" in first.stderr and str(typo) in first.stderr
    assert "sitiv-desktop demo" in first.stderr and "sitiv-desktop connect" in first.stderr
    again = sitiv("list", "communes", data=typo)
    assert again.returncode == 0 and again.stderr == ""


def test_a_command_that_fills_the_new_copy_says_nothing_of_it(
    sitiv: Runner, tmp_path: Path
) -> None:
    filled = sitiv("demo", data=tmp_path / "demo")
    assert filled.returncode == 0, filled.stderr
    assert "nouvelle et vide" not in filled.stderr


def test_an_error_on_a_new_copy_stays_one_line(sitiv: Runner, tmp_path: Path) -> None:
    failed = sitiv("list", "projects", "--commune", "Lyon", data=tmp_path / "other")
    assert failed.returncode == 2
    assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
