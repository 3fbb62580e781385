"""The entry point: read the command line, set up the log, run the command, say what failed.

Errors are caught in one place (``run``): a ``UserError`` is one French line on stderr and
exit code 2, an ``ExternalError`` exit code 3, ``Cancelled`` exit code 130, anything else a bug
(a short line, and the traceback with ``--debug``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sitiv_desktop.cli.commands import COMMAND_BY_NAME, COMMANDS, WINDOW
from sitiv_desktop.cli.output import fail
from sitiv_desktop.cli.parser import ParserError, build_parser
from sitiv_desktop.context import Context, open_context
from sitiv_desktop.errors import Cancelled, ExternalError, UserError, os_reason
from sitiv_desktop.i18n import _, set_language
from sitiv_desktop.paths import resolve_paths


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    set_language(_language_from(arguments))
    parser = build_parser(COMMANDS)
    try:
        namespace = parser.parse_args(arguments)
    except ParserError as error:
        print(
            _("Error: {message}").format(
                message=_("{message} (see « {prog} --help »).").format(
                    message=error.message, prog=error.prog
                )
            ),
            file=sys.stderr,
        )
        return 2
    root = logging.getLogger()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if namespace.debug else logging.WARNING)
    handlers: list[logging.Handler] = [console]
    log_file = _open_log(namespace.data_dir)
    if log_file is not None:
        handlers.append(log_file)
    previous_level = root.level
    root.setLevel(logging.DEBUG if namespace.debug else logging.INFO)
    for handler in handlers:
        root.addHandler(handler)
    try:
        return run(namespace)
    finally:
        root.setLevel(previous_level)
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()


class _QuietFileHandler(logging.FileHandler):
    """The log file, silent when the disk refuses it (full, read-only): the message matters."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except OSError:
            self.close()

    def handleError(self, record: logging.LogRecord) -> None:
        self.close()


def _open_log(data_dir: str | None) -> logging.Handler | None:
    """The details of errors go to a log in the data folder, never into a message."""
    try:
        paths = resolve_paths(data_dir)
        if not paths.data_dir.is_dir():
            return None
        handler = _QuietFileHandler(paths.log, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def _data_folder(namespace: argparse.Namespace) -> Path | None:
    try:
        return resolve_paths(namespace.data_dir).data_dir
    except OSError:
        return None


def _say_the_copy_is_new(context: Context) -> None:
    """What an empty answer means when the folder was new: a mistyped ``--data-dir`` shows so."""
    print(
        _(
            "Note: the local copy in {folder} is new and empty. « sitiv-desktop demo » fills it "
            "with demonstration data; « sitiv-desktop connect » links it to the shared database."
        ).format(folder=context.paths.data_dir),
        file=sys.stderr,
    )


def run(namespace: argparse.Namespace) -> int:
    """Run the command the namespace names (the window without one) and give its exit code."""
    from sitiv_desktop.store.database import store_failure

    command = COMMAND_BY_NAME.get(namespace.command or WINDOW.name, WINDOW)
    debug: bool = namespace.debug
    try:
        if command.run_without_store is not None:
            return command.run_without_store(resolve_paths(namespace.data_dir), namespace)
        handler = command.run or WINDOW.run
        assert handler is not None
        context = open_context(namespace.data_dir)
        try:
            code = handler(context, namespace)
        finally:
            context.close()
        if code == 0 and context.created and not command.fills_a_new_copy:
            _say_the_copy_is_new(context)
        return code
    except UserError as error:
        return fail(error, 2, debug)
    except ExternalError as error:
        return fail(error, 3, debug)
    except Cancelled:
        return 130
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # the one place that turns a failure into a message
        failure = store_failure(error, folder=_data_folder(namespace))
        if failure is not None:
            return fail(failure, 3, debug, cause=error)
        if isinstance(error, OSError):
            return fail(
                ExternalError(
                    _("A file could not be used: {error}.").format(error=os_reason(error))
                ),
                3,
                debug,
                cause=error,
            )
        return fail(error, 1, debug, bug=True)


def _language_from(arguments: Sequence[str]) -> str:
    for index, argument in enumerate(arguments):
        if argument == "--lang" and index + 1 < len(arguments):
            return arguments[index + 1]
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
    return "fr"
