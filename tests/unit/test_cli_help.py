"""Every ``--help`` of the command line and argparse's own complaints are in French.

argparse writes part of each page itself (headings, ``-h``'s help, ``--version``'s help, the
metavars it derives from English ``dest`` names, its error messages): each page is read back
from ``cli.main`` and searched for those English strings, and its metavars are compared with
the English page's.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from sitiv_desktop import cli
from sitiv_desktop.cli.commands import COMMANDS
from sitiv_desktop.cli.parser import build_parser
from sitiv_desktop.i18n import set_language

# What argparse (3.11 to 3.13) writes in English, on a help page or in an error.
ARGPARSE_ENGLISH = (
    "usage:",
    "positional arguments",
    "optional arguments",
    "show this help message and exit",
    "show program's version number and exit",
    "the following arguments are required",
    "invalid choice",
    "choose from",
    "unrecognized arguments",
    "expected one argument",
    "expected at most one argument",
    "expected at least one argument",
    "invalid int value",
    "ambiguous option",
    "could match",
    "not allowed with argument",
    "one of the arguments",
    "ignored explicit argument",
    "error:",
)
# Metavars spelled the same in both languages.
SAME_IN_FRENCH = {"URL", "N", "MS", "INSEE", "COMMUNE", "ACTION", "DATE", "PORT"}


def command_paths() -> Iterator[tuple[str, ...]]:
    """The root, then every sub-command and sub-sub-command, as the words that reach it."""

    def walk(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield words
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    yield from walk(child, (*words, name))

    set_language("en")
    yield from walk(build_parser(COMMANDS), ())


PATHS = list(command_paths())


def help_page(capsys: pytest.CaptureFixture[str], language: str, words: tuple[str, ...]) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--lang", language, *words, "--help"])
    assert exited.value.code == 0
    return plain(capsys.readouterr().out)


def plain(text: str) -> str:
    """French typography's narrow and no-break spaces as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def metavars(page: str) -> set[str]:
    """The capitalised words of the usage lines: the metavars (option names are lower case)."""
    usage = page.split("\n\n", 1)[0]
    return set(re.findall(r"\b[A-ZÀ-Ý][A-ZÀ-Ý_]+\b", usage))


def test_the_walk_reaches_every_command() -> None:
    assert len(PATHS) > 30
    assert ("server", "merge-communes") in PATHS and ("conflicts", "resolve") in PATHS


@pytest.mark.parametrize("words", PATHS, ids=lambda words: " ".join(words) or "(root)")
def test_each_help_page_is_french(
    capsys: pytest.CaptureFixture[str], words: tuple[str, ...]
) -> None:
    french = help_page(capsys, "fr", words)
    english = help_page(capsys, "en", words)
    assert french.startswith("utilisation : sitiv-desktop")
    assert "afficher cette aide et quitter" in french
    left = [text for text in ARGPARSE_ENGLISH if text in french]
    assert not left, f"English left by argparse: {left}\n{french}"
    untranslated = (metavars(french) & metavars(english)) - SAME_IN_FRENCH
    assert not untranslated, f"metavars not in French: {sorted(untranslated)}\n{french}"


def test_the_version_option_is_described_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert "--version           afficher la version du programme et quitter" in help_page(
        capsys, "fr", ()
    )


@pytest.mark.parametrize(
    "arguments",
    [
        ("list",),
        ("list", "bogus"),
        ("demo", "--seed", "un"),
        ("demo", "--s", "1"),
        ("conflicts", "resolve", "abc", "--keep", "nope"),
        ("export", "projects", "-o"),
        ("--bogus",),
        ("brief",),
        ("server", "grant", "--database", "sqlite:///x", "anne"),
    ],
    ids=" ".join,
)
def test_argparse_complains_in_french(
    capsys: pytest.CaptureFixture[str], arguments: tuple[str, ...]
) -> None:
    assert cli.main(list(arguments)) == 2
    error = plain(capsys.readouterr().err)
    assert error.startswith("Erreur : ")
    left = [text for text in ARGPARSE_ENGLISH if text in error]
    assert not left, f"English left by argparse: {left}: {error}"
    assert not re.search(r"\b(kind|text|name|id)\b", error), error


def test_conflicts_resolve_offers_the_versions_the_sync_keeps() -> None:
    from sitiv_desktop.cli.laptop_sync import KEPT
    from sitiv_desktop.sync.conflicts import Kept

    assert tuple(side.value for side in Kept) == KEPT


def test_headings_take_french_punctuation_and_connect_says_where_the_user_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """argparse writes « heading: » itself; French wants a no-break space before the colon."""
    with pytest.raises(SystemExit):
        cli.main(["--lang", "fr", "connect", "--help"])
    french = capsys.readouterr().out
    assert "\narguments\u00a0:\n" in french and "\noptions\u00a0:\n" in french
    assert "votre nom d’utilisateur sur le service de synchronisation" in " ".join(french.split())
    assert "celle-ci" not in french
    with pytest.raises(SystemExit):
        cli.main(["--lang", "en", "connect", "--help"])
    english = capsys.readouterr().out
    assert "\npositional arguments:\n" in english and "\noptions:\n" in english
