"""The command line: the same use cases as the window, without one.

Errors are caught in one place (``main``): a ``UserError`` is one French line on stderr and
exit code 2, an ``ExternalError`` exit code 3, ``Cancelled`` exit code 130, anything else a bug
(a short line, and the traceback with ``--debug``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import json
import logging
import sys
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TextIO

from sitiv_desktop import APP_NAME, __version__
from sitiv_desktop.context import Context, open_context
from sitiv_desktop.errors import Cancelled, ExternalError, UserError
from sitiv_desktop.i18n import _, set_language

log = logging.getLogger(__name__)

Handler = Callable[[Context, argparse.Namespace], int]


# ---------------------------------------------------------------------------------------------
# Output helpers


def to_json(value: Any) -> Any:
    """Domain records as plain JSON: ids, dates and amounts as strings, enums as codes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(to_json(key)): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID | dt.date | dt.datetime | Decimal):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    return value


def print_json(value: Any, stream: TextIO | None = None) -> None:
    json.dump(to_json(value), stream or sys.stdout, ensure_ascii=False, indent=2)
    (stream or sys.stdout).write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line.rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


class ProgressBar:
    """A progress(fraction, text) callback that draws on stderr when it is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()

    def __call__(self, fraction: float, text: str = "") -> None:
        if not self.enabled:
            return
        filled = int(max(0.0, min(1.0, fraction)) * 30)
        bar = "█" * filled + "·" * (30 - filled)
        self.stream.write(f"\r{bar} {int(fraction * 100):3d} % {text[:40]:<40}")
        if fraction >= 1:
            self.stream.write("\n")
        self.stream.flush()


# ---------------------------------------------------------------------------------------------
# Parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitiv-desktop",
        description=_(
            "SITIV Desktop: the communes' projects, commitments and meetings, offline. "
            "Without a command, opens the window."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar=_("DIR"),
        help=_("folder of the local copy (default: SITIV_DATA_DIR, else the user data folder)"),
    )
    parser.add_argument("--lang", choices=("fr", "en"), help=_("language of messages"))
    parser.add_argument("--debug", action="store_true", help=_("show the details of errors"))
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    for register in COMMANDS:
        register(commands)
    return parser


# ---------------------------------------------------------------------------------------------
# Commands: each ``add_*`` registers its sub-command with a handler in ``func``.


def add_window(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    window = commands.add_parser("window", help=_("open the window (the default)"))
    window.add_argument(
        "--quit-after",
        type=int,
        metavar="MS",
        help=_("close the window by itself after this many milliseconds (smoke tests)"),
    )
    window.set_defaults(func=run_window)


def run_window(context: Context, arguments: argparse.Namespace) -> int:
    try:
        from sitiv_desktop.ui.app import run_app
    except ImportError as error:
        raise ExternalError(
            _("The window cannot start: {error}. The commands work without it.").format(error=error)
        ) from error
    exit_code: int = run_app(context, quit_after_ms=getattr(arguments, "quit_after", None))
    return exit_code


def add_demo(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser("demo", help=_("fill the local copy with demonstration data"))
    demo.add_argument("--seed", type=int, default=1, help=_("seed, for repeatable data"))
    demo.add_argument("--scale", type=int, default=1, help=_("multiply the amount of data"))
    demo.add_argument(
        "--replace", action="store_true", help=_("replace the data the local copy already holds")
    )
    demo.set_defaults(func=run_demo)


def run_demo(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.demo import generate_demo

    if arguments.scale < 1:
        raise UserError(_("--scale: give a whole number of at least 1."), "scale")
    with context.database.session() as session:
        summary = generate_demo(
            session,
            seed=arguments.seed,
            scale=arguments.scale,
            replace=arguments.replace,
            progress=ProgressBar(),
        )
    print(_("Demonstration data created: {count} records.").format(count=summary.total))
    return 0


LIST_KINDS = ("communes", "projects", "commitments", "meetings", "exchanges")


def add_list(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = commands.add_parser("list", help=_("list records of one kind"))
    listing.add_argument("kind", choices=LIST_KINDS, help=_("what to list"))
    listing.add_argument(
        "--commune", metavar=_("NAME"), help=_("only this commune (name or INSEE code)")
    )
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(func=run_list)


def run_list(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services import listings

    with context.database.read_session() as session:
        commune_id = None
        if arguments.commune:
            from sitiv_desktop.services.communes import find_commune

            commune_id = find_commune(session, arguments.commune).id
        records, headers, rows = listings.listing(session, arguments.kind, commune_id)
    if arguments.json:
        print_json(records)
    else:
        print_table(headers, rows)
    return 0


def add_search(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    search = commands.add_parser("search", help=_("search every record, ignoring case and accents"))
    search.add_argument("text", help=_("words to find"))
    search.add_argument("--limit", type=int, default=50, help=_("at most this many results"))
    search.add_argument("--json", action="store_true", help=_("print JSON"))
    search.set_defaults(func=run_search)


def run_search(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.search import search

    with context.database.read_session() as session:
        hits = search(session, arguments.text, limit=arguments.limit)
    if arguments.json:
        print_json(hits)
        return 0
    if not hits:
        print(_("Nothing found."))
    print_table(
        [_("Kind"), _("Title"), _("Communes")],
        [(hit.kind_label, hit.title, ", ".join(hit.commune_names)) for hit in hits],
    )
    return 0


def add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check", help=_("check the integrity of the local copy"))
    check.set_defaults(func=run_check)


def run_check(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.integrity import check_integrity

    problems = check_integrity(context.database)
    if not problems:
        print(_("The local copy is sound."))
        return 0
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1


COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    add_window,
    add_demo,
    add_list,
    add_search,
    add_check,
]


# ---------------------------------------------------------------------------------------------
# Entry point


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    set_language(_language_from(arguments))
    parser = build_parser()
    namespace = parser.parse_args(arguments)
    logging.basicConfig(level=logging.DEBUG if namespace.debug else logging.WARNING)
    handler: Handler = getattr(namespace, "func", run_window)
    try:
        context = open_context(namespace.data_dir)
        try:
            return handler(context, namespace)
        finally:
            context.close()
    except UserError as error:
        return _fail(namespace, error, 2)
    except ExternalError as error:
        return _fail(namespace, error, 3)
    except Cancelled:
        return 130
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the one place that turns a bug into a message
        log.debug("unexpected error", exc_info=True)
        return _fail(namespace, error, 1, bug=True)


def _language_from(arguments: Sequence[str]) -> str:
    for index, argument in enumerate(arguments):
        if argument == "--lang" and index + 1 < len(arguments):
            return arguments[index + 1]
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
    return "fr"


def _fail(namespace: argparse.Namespace, error: BaseException, code: int, bug: bool = False) -> int:
    if namespace.debug:
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    message = str(error) if not bug else _("Unexpected error: {error}").format(error=error)
    print(_("Error: {message}").format(message=message), file=sys.stderr)
    if bug and not namespace.debug:
        print(_("Run again with --debug to see the details."), file=sys.stderr)
    return code
