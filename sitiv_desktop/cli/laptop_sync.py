"""This laptop and the sync service: ``connect``, ``sync`` and ``conflicts``."""

from __future__ import annotations

import argparse
import os
import sys

from sitiv_desktop.cli.output import ProgressBar, ask_password, print_json
from sitiv_desktop.cli.parser import Command
from sitiv_desktop.context import Context
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import N_, _, ngettext


def connect_arguments(connect: argparse.ArgumentParser) -> None:
    connect.add_argument(
        "url", metavar="URL", help=_("address of the sync service, such as https://sync.sitiv.fr")
    )
    connect.add_argument(
        "--user",
        required=True,
        metavar=_("USER"),
        help=_("your user name on the sync service"),
    )


def run_connect(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.sync.connection import connect

    password = ask_password(arguments.user)
    connected = connect(context, arguments.url, arguments.user, password)
    if not connected.kept_in_keyring:
        print(
            _(
                "No system keyring is available: the session is not kept "
                "and the password will be asked each time."
            ),
            file=sys.stderr,
        )
    count = len(connected.grants)
    print(
        ngettext(
            "Connected: {count} commune granted. Run « sitiv-desktop sync ».",
            "Connected: {count} communes granted. Run « sitiv-desktop sync ».",
            count,
        ).format(count=count)
    )
    return 0


def run_sync(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.sync.connection import open_service, sync_now
    from sitiv_desktop.sync.status import summary_sentence

    service = open_service(context, ask_password=ask_password)
    try:
        summary = sync_now(context, service, progress=ProgressBar(), fault=_test_kill)
    finally:
        service.close()
    if summary.backup is not None:
        print(
            _(
                "The data this laptop held before its first sync is kept in {path}; "
                "the copy now holds what the syndicate shares with you."
            ).format(path=summary.backup)
        )
    print(summary_sentence(summary))
    if summary.conflicts:
        print(_("See them with « sitiv-desktop conflicts »."))
    return 0


def _test_kill(step: str) -> None:
    # Lets the test suite kill the process at one step of a sync, as a crash would.
    if os.environ.get("SITIV_TEST_KILL_AT") == step:
        os._exit(9)


# The values of sync.conflicts.Kept, spelled here so that the parser needs no part of the sync.
KEPT = ("mine", "theirs")


def conflicts_arguments(conflicts: argparse.ArgumentParser) -> None:
    actions = conflicts.add_subparsers(dest="conflict_action", metavar=_("ACTION"))
    resolve = actions.add_parser("resolve", help=_("resolve one conflict"))
    resolve.add_argument(
        "id", metavar=_("ID"), help=_("identifier of the conflict (its first characters suffice)")
    )
    resolve.add_argument(
        "--keep",
        required=True,
        choices=KEPT,
        help=_("keep this laptop's version (mine) or the sync service's (theirs)"),
    )
    dismiss = actions.add_parser("dismiss", help=_("remove a refused change from the list"))
    dismiss.add_argument(
        "id", metavar=_("ID"), help=_("identifier of the refused change (its first characters)")
    )
    retry = actions.add_parser("retry", help=_("make a refused change again, to send it anew"))
    retry.add_argument(
        "id", metavar=_("ID"), help=_("identifier of the refused change (its first characters)")
    )
    conflicts.add_argument("--json", action="store_true", help=_("print JSON"))


def run_conflicts(context: Context, arguments: argparse.Namespace) -> int:
    action = getattr(arguments, "conflict_action", None)
    if action == "resolve":
        return resolve_conflict(context, arguments.id, arguments.keep)
    if action == "dismiss":
        return dismiss_refused(context, arguments.id)
    if action == "retry":
        return retry_refused(context, arguments.id)
    return show_conflicts(context, arguments.json)


def resolve_conflict(context: Context, conflict_id: str, keep: str) -> int:
    from sitiv_desktop.sync import conflicts

    with context.database.session() as session:
        conflicts.resolve_conflict(session, conflict_id, keep)
    print(_("Resolved; the choice is sent at the next sync."))
    return 0


def dismiss_refused(context: Context, refused_id: str) -> int:
    from sitiv_desktop.sync import conflicts

    with context.database.session() as session:
        matching = [
            r for r in conflicts.list_refused(session) if r.id.startswith(refused_id.lower())
        ]
        if len(matching) != 1:
            raise UserError(
                _("No refused change has the identifier « {id} ».").format(id=refused_id)
            )
        conflicts.dismiss_refused(session, matching[0].id)
    print(_("Removed from the list of refused changes."))
    return 0


def show_conflicts(context: Context, as_json: bool) -> int:
    """The conflicts waiting for a choice, then the changes the service refused, in words:
    records by title, fields by label, values as the window shows them."""
    from sitiv_desktop.sync.describing import describe_issues, issues_lines

    with context.database.read_session() as session:
        issues = describe_issues(session)
    if as_json:
        print_json({"conflicts": issues.conflicts, "refused": issues.refused})
        return 0
    for line in issues_lines(issues):
        print(line)
    return 0


def retry_refused(context: Context, refused_id: str) -> int:
    from sitiv_desktop.sync import conflicts

    with context.database.session() as session:
        conflicts.retry_refused(session, refused_id)
    print(_("Made again here; it is sent at the next sync."))
    return 0


CONNECT = Command(
    "connect",
    N_("connect this laptop to the sync service"),
    connect_arguments,
    run=run_connect,
    fills_a_new_copy=True,
)
SYNC = Command("sync", N_("send local changes and receive the others"), run=run_sync)
CONFLICTS = Command(
    "conflicts", N_("list the conflicts to resolve"), conflicts_arguments, run=run_conflicts
)
