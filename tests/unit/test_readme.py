"""The README tells the truth about how CI runs the tests: the same command, word for word."""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def fenced_command(marker: str) -> str:
    readme = (REPOSITORY / "README.md").read_text("utf-8")
    match = re.search(rf"<!-- {marker} -->\n```\n(.+?)\n```", readme, re.DOTALL)
    assert match, f"README.md has no {marker} block"
    return match.group(1).strip()


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPOSITORY / ".ci" / "run").read_text("utf-8").splitlines()
    assert fenced_command("test-command") in ci


def test_the_test_command_runs_pytest_and_the_run_command_starts_the_app() -> None:
    assert fenced_command("test-command").endswith(".venv/bin/pytest")
    assert fenced_command("run-command").endswith(".venv/bin/sitiv-desktop")
