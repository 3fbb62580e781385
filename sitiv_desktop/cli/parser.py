"""The parser: one ``Command`` per sub-command, argparse speaking the application's language.

A command is a row of the table in ``cli/commands.py``: its name, its help, a function adding
its arguments, and the function that runs it, either on an open ``Context`` (``run``) or, for
the commands that must work when the local copy cannot be opened, on the ``Paths`` alone
(``run_without_store``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from sitiv_desktop import APP_NAME, __version__
from sitiv_desktop.context import Context
from sitiv_desktop.i18n import LANGUAGES, N_, _, format_number
from sitiv_desktop.paths import Paths

Handler = Callable[[Context, argparse.Namespace], int]
StorelessHandler = Callable[[Paths, argparse.Namespace], int]
Arguments = Callable[[argparse.ArgumentParser], None]


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command that takes nothing but ``--help``."""


@dataclass(frozen=True)
class Command:
    """One sub-command. ``help`` and ``description`` are ``N_`` messages, translated when the
    parser is built (after ``--lang`` is read)."""

    name: str
    help: str
    arguments: Arguments = no_arguments
    run: Handler | None = None
    run_without_store: StorelessHandler | None = None
    description: str | None = None
    # A command that fills a new copy: an empty one is what it expects, not worth a remark.
    fills_a_new_copy: bool = False


class ParserError(Exception):
    """The command line itself is wrong: argparse's complaint, said in one line."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class FrenchHelpFormatter(argparse.HelpFormatter):
    """argparse's help, with its section headings punctuated in the application's language:
    argparse writes « heading: » itself, French wants a no-break space before the colon."""

    def start_section(self, heading: str | None) -> None:
        if heading is not None and heading is not argparse.SUPPRESS:
            heading = _("{heading}:").format(heading=heading).removesuffix(":")
        super().start_section(heading)


class FrenchArgumentParser(argparse.ArgumentParser):
    """argparse, speaking the application's language and raising instead of exiting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Sub-parsers are made by the same class but do not inherit the formatter.
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise ParserError(self.prog, message)


# The years an option takes (--year, --member-since): the syndicate's history and its plans.
FIRST_YEAR = 1900
LAST_YEAR = 2100


def whole_number(minimum: int, maximum: int, example: int) -> Callable[[str], int]:
    """An option's ``type``: a whole number within bounds, refused by the parser, before any
    work, in the application's language (argparse's own « invalid int value » is English)."""

    def parse(text: str) -> int:
        value = ascii_integer(text)
        if value is None or not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(
                _("give a whole number from {minimum} to {maximum}, such as {example}").format(
                    minimum=format_number(minimum),
                    maximum=format_number(maximum),
                    example=format_number(example),
                )
            )
        return value

    return parse


def year(text: str) -> int:
    """An option's ``type``: a year (« 2026 »), not a date nor a number of days. The example
    given is the current year, one being lived (next year would read as a plan)."""
    value = ascii_integer(text)
    if value is None or not FIRST_YEAR <= value <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            _("give a year between {first} and {last}, such as {example}").format(
                first=FIRST_YEAR, last=LAST_YEAR, example=dt.date.today().year
            )
        )
    return value


def ascii_integer(text: str) -> int | None:
    """The whole number written in ASCII digits (« 12 », « -3 »), else None: ``int`` alone also
    takes « ٢٠٢٥ », « ５ », « 1_000 » and spaces around, which no one types for a number."""
    if not ASCII_INTEGER.fullmatch(text):
        return None
    return int(text)


ASCII_INTEGER = re.compile(r"-?[0-9]+")


def build_parser(commands: Sequence[Command]) -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="sitiv-desktop",
        description=_(
            "SITIV Desktop: the communes' projects, commitments and meetings, offline. "
            "Without a command, opens the window."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{APP_NAME} {__version__}",
        # argparse 3.11 leaves this default help out of its catalogue: given here, it is said.
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        "--data-dir",
        metavar=_("DIR"),
        help=_("folder of the local copy (default: SITIV_DATA_DIR, else the user data folder)"),
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language of messages"))
    parser.add_argument("--debug", action="store_true", help=_("show the details of errors"))
    subparsers: Any = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    for command in commands:
        description = _(command.description) if command.description else None
        command.arguments(
            subparsers.add_parser(command.name, help=_(command.help), description=description)
        )
    return parser


# argparse's own messages, translated by the application's catalogue (argparse reads its
# module-level ``_`` at each call, so replacing it is enough).
ARGPARSE_MESSAGES = frozenset(
    (
        N_("usage: "),
        N_("positional arguments"),
        N_("options"),
        N_("show this help message and exit"),
        N_("show program's version number and exit"),
        N_("invalid choice: %(value)r (choose from %(choices)s)"),
        N_("the following arguments are required: %s"),
        N_("unrecognized arguments: %s"),
        N_("argument %(argument_name)s: %(message)s"),
        N_("expected one argument"),
        N_("expected at most one argument"),
        N_("expected at least one argument"),
        N_("invalid %(type)s value: %(value)r"),
        N_("ambiguous option: %(option)s could match %(matches)s"),
        N_("not allowed with argument %s"),
        N_("one of the arguments %s is required"),
        N_("ignored explicit argument %r"),
    )
)


def _argparse_text(message: str) -> str:
    return _(message) if message in ARGPARSE_MESSAGES else message


argparse._ = _argparse_text  # type: ignore[attr-defined]
