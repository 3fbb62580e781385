"""The table of commands, in the order ``--help`` lists them, and the ``window`` command."""

from __future__ import annotations

import argparse

from sitiv_desktop.cli import files, laptop_sync, packs, records, server
from sitiv_desktop.cli.parser import Command, whole_number
from sitiv_desktop.context import Context
from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import N_, _


def window_arguments(window: argparse.ArgumentParser) -> None:
    window.add_argument(
        "--quit-after",
        type=whole_number(1, 86_400_000, 2000),
        metavar="MS",
        help=_("close the window by itself after this many milliseconds (smoke tests)"),
    )


def run_window(context: Context, arguments: argparse.Namespace) -> int:
    """The window, the default when no command is given; the only place ``ui`` is imported."""
    try:
        from sitiv_desktop.ui.app import run_app
    except ImportError as error:
        raise ExternalError(
            _("The window cannot start: {error}. The commands work without it.").format(error=error)
        ) from error
    exit_code: int = run_app(context, quit_after_ms=getattr(arguments, "quit_after", None))
    return exit_code


WINDOW = Command(
    "window",
    N_("open the window (the default)"),
    window_arguments,
    run=run_window,
    fills_a_new_copy=True,
)

COMMANDS: tuple[Command, ...] = (
    WINDOW,
    records.DEMO,
    records.LIST,
    records.SEARCH,
    files.CHECK,
    files.EXPORT,
    files.IMPORT,
    files.BACKUP,
    files.RESTORE,
    packs.BRIEF,
    server.SERVER,
    laptop_sync.CONNECT,
    laptop_sync.SYNC,
    laptop_sync.CONFLICTS,
)
COMMAND_BY_NAME = {command.name: command for command in COMMANDS}
