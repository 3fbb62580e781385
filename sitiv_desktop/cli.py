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
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn, TextIO

from sitiv_desktop import APP_NAME, __version__
from sitiv_desktop.context import Context, open_context
from sitiv_desktop.domain.transfers import ImportPreview
from sitiv_desktop.errors import Cancelled, ExternalError, UserError
from sitiv_desktop.i18n import N_, _, ngettext, set_language
from sitiv_desktop.paths import Paths, resolve_paths

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
    parser = FrenchArgumentParser(
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
    commands: Any = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
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
    if arguments.replace:
        backup_before(context, _("replacing the data"))
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
    # Runs without opening the local copy: it must report damage, not stumble on it.
    check.set_defaults(func=run_window, without_store=run_check)


def run_check(paths: Paths, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.integrity import check_copy

    problems = check_copy(paths.database, paths.backups)
    if not problems:
        print(_("The local copy is sound."))
        return 0
    for problem in problems:
        print(problem, file=sys.stderr)
    print(
        _(
            "The local copy has problems. Keep a copy of the file, then restore a backup with "
            "« sitiv-desktop restore FILE »."
        ),
        file=sys.stderr,
    )
    return 3


def add_export(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export",
        help=_("export to a spreadsheet (.xlsx, .csv) or, for meetings, a calendar (.ics)"),
    )
    export.add_argument(
        "kind",
        choices=("projects", "commitments", "ppi", "exchanges", "meetings"),
        help=_("what to export"),
    )
    export.add_argument(
        "--commune", metavar=_("NAME"), help=_("only this commune (name or INSEE code)")
    )
    export.add_argument(
        "-o",
        "--output",
        required=True,
        metavar=_("FILE"),
        help=_("the file to write; its extension chooses the format: .xlsx, .csv or .ics"),
    )
    export.set_defaults(func=run_export)


def run_export(context: Context, arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from sitiv_desktop.services.calendars import export_calendar
    from sitiv_desktop.services.communes import find_commune
    from sitiv_desktop.services.spreadsheets import ExportKind, export_spreadsheet

    path = Path(arguments.output)
    with context.database.read_session() as session:
        commune_id = find_commune(session, arguments.commune).id if arguments.commune else None
        if path.suffix.lower() == ".ics":
            if arguments.kind != "meetings":
                raise UserError(_("--output: only meetings go to a calendar (.ics)."), "output")
            count = export_calendar(session, path, commune_id, ProgressBar())
        else:
            count = export_spreadsheet(
                session, ExportKind(arguments.kind), path, commune_id, ProgressBar()
            )
    print(_("{count} row(s) written to {path}.").format(count=count, path=path))
    return 0


def add_import(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importing = commands.add_parser(
        "import",
        help=_("import projects, commitments or PPI lines from a spreadsheet (.xlsx, .csv)"),
        description=_(
            "Reads the file, shows what will be created or changed, then imports it in one go. "
            "Nothing is written while a row is bad, unless --skip-bad-rows is given. Importing "
            "the same file twice changes nothing: projects are matched by code, commitments by "
            "commune, date made and wording, PPI lines by project code and year."
        ),
    )
    importing.add_argument(
        "kind", choices=("projects", "commitments", "ppi"), help=_("what the file holds")
    )
    importing.add_argument("file", metavar=_("FILE"), help=_("a .xlsx or .csv file"))
    importing.add_argument(
        "--dry-run", action="store_true", help=_("show what would change, and write nothing")
    )
    importing.add_argument(
        "--skip-bad-rows", action="store_true", help=_("import the good rows, leave out the bad")
    )
    importing.set_defaults(func=run_import)


def run_import(context: Context, arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from sitiv_desktop.domain.transfers import ImportKind
    from sitiv_desktop.services.imports import ImportRefused, import_file

    if not arguments.dry_run:
        backup_before(context, _("the import"))
    try:
        preview = import_file(
            context.database,
            ImportKind(arguments.kind),
            Path(arguments.file),
            skip_bad_rows=arguments.skip_bad_rows,
            dry_run=arguments.dry_run,
            progress=ProgressBar(),
        )
    except ImportRefused as refused:
        _print_preview(refused.preview)
        raise
    _print_preview(preview)
    if preview.applied:
        print(
            _("Import done: {created} created, {updated} changed, {unchanged} unchanged.").format(
                created=preview.created, updated=preview.updated, unchanged=preview.unchanged
            )
        )
        return 0
    print(_("Nothing was written (--dry-run)."))
    return 2 if preview.problems and not arguments.skip_bad_rows else 0


def _print_preview(preview: ImportPreview) -> None:
    print(
        _(
            "{rows} row(s) read: {created} to create, {updated} to change, {unchanged} unchanged."
        ).format(
            rows=preview.rows_read,
            created=preview.created,
            updated=preview.updated,
            unchanged=preview.unchanged,
        )
    )
    if preview.missing_columns:
        print(
            _("Columns not found, whose fields are left as they are: {columns}.").format(
                columns=", ".join(preview.missing_columns)
            )
        )
    if preview.unknown_columns:
        print(
            _("Columns not known, which are not read: {columns}.").format(
                columns=", ".join(f"«\u00a0{name[:40]}\u00a0»" for name in preview.unknown_columns)
            )
        )
    for change in preview.changes:
        print(f"  {change}")
    for problem in preview.problems:
        print(f"  {problem}", file=sys.stderr)


def add_backup(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backing_up = commands.add_parser(
        "backup", help=_("write a consistent copy of the local copy, even while the window is open")
    )
    backing_up.add_argument(
        "file",
        nargs="?",
        metavar=_("FILE"),
        help=_("where to write it (default: an automatic backup in the data folder)"),
    )
    backing_up.add_argument(
        "--force", action="store_true", help=_("replace FILE if it exists, without asking")
    )
    backing_up.set_defaults(func=run_backup)


def run_backup(context: Context, arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from sitiv_desktop.services.backups import automatic_backup, backup

    if arguments.file:
        target = Path(arguments.file)
        if (
            target.exists()
            and not arguments.force
            and not _confirm(_("{path} exists. Replace it? [y/N] ").format(path=target))
        ):
            raise UserError(
                _("{path} exists and was left as it is; give --force to replace it.").format(
                    path=target
                ),
                "file",
            )
        written: Path | None = backup(context.paths.database, target, ProgressBar())
    else:
        kept = max(1, int(context.settings.get("backups_kept")))
        written = automatic_backup(context.paths.database, context.paths.backups, kept)
    print(_("Backup written to {path}.").format(path=written))
    return 0


def _confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; without a terminal the answer is no."""
    if not sys.stdin.isatty():
        return False
    answer = input(question).strip().casefold()
    return answer in ("o", "oui", "y", "yes")


def backup_before(context: Context, reason: str) -> None:
    """Take an automatic backup before a command that replaces or changes data."""
    from sitiv_desktop.services.backups import automatic_backup

    kept = max(1, int(context.settings.get("backups_kept")))
    written = automatic_backup(context.paths.database, context.paths.backups, kept)
    if written is not None:
        print(_("Backup taken before {reason}: {path}.").format(reason=reason, path=written))


def add_restore(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    restoring = commands.add_parser(
        "restore", help=_("replace the local copy by a backup, after checking the backup")
    )
    restoring.add_argument("file", metavar=_("FILE"), help=_("the backup to bring back"))
    # Runs without opening the local copy: restoring must work when it can no longer be opened.
    restoring.set_defaults(func=run_window, without_store=run_restore)


def run_restore(paths: Paths, arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from sitiv_desktop.services.backups import restore

    paths.ensure()
    result = restore(Path(arguments.file), paths.database, paths.backups, ProgressBar())
    print(_("The local copy was restored from {path}.").format(path=result.restored_from))
    if result.migrated:
        print(
            _("Its schema {revision} was brought up to date.").format(
                revision=result.revision_found
            )
        )
    if result.kept_copy is not None:
        print(_("The previous local copy was kept in {path}.").format(path=result.kept_copy))
    return 0


def add_brief(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    brief = commands.add_parser("brief", help=_("print a briefing pack as PDF"))
    packs = brief.add_subparsers(dest="pack", metavar=_("PACK"), required=True)
    meeting = packs.add_parser("meeting", help=_("the pack of a meeting with one commune"))
    meeting.add_argument("meeting", metavar=_("MEETING"), help=_("the meeting's identifier"))
    voeux = packs.add_parser("voeux", help=_("the New Year address pack"))
    voeux.add_argument(
        "--year", type=int, required=True, help=_("the year under review (its PPI is the next)")
    )
    agenda = packs.add_parser("agenda", help=_("the agenda of any meeting"))
    agenda.add_argument("meeting", metavar=_("MEETING"), help=_("the meeting's identifier"))
    for parser in (meeting, voeux, agenda):
        parser.add_argument(
            "-o", "--output", required=True, metavar=_("FILE.pdf"), help=_("the PDF to write")
        )
        parser.add_argument(
            "--draft", action="store_true", help=_("mark every page as a draft (« PROJET »)")
        )
    brief.set_defaults(func=run_brief)


def run_brief(context: Context, arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from sitiv_desktop.reports.document import BuildOptions
    from sitiv_desktop.reports.files import save_pdf
    from sitiv_desktop.reports.packs import build_pack
    from sitiv_desktop.services.briefings import gather_pack

    with context.database.read_session() as session:
        data = gather_pack(
            session,
            arguments.pack,
            getattr(arguments, "meeting", None),
            getattr(arguments, "year", None),
        )
    options = BuildOptions(draft=arguments.draft, progress=ProgressBar())
    output = Path(arguments.output)
    save_pdf(output, lambda stream: build_pack(data, stream, options))
    print(_("Pack written to {path}.").format(path=output))
    return 0


def add_server(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    server = commands.add_parser(
        "server", help=_("the sync service and its database (administrators)")
    )
    actions = server.add_subparsers(dest="server_action", metavar=_("ACTION"), required=True)
    init = actions.add_parser("init", help=_("create or upgrade the service's database"))
    run = actions.add_parser("run", help=_("start the sync service"))
    run.add_argument(
        "--listen", default="127.0.0.1:8765", metavar=_("ADDRESS:PORT"), help=_("where to listen")
    )
    run.add_argument(
        "--workers", type=int, default=1, metavar="N", help=_("service processes (default 1)")
    )
    adding = actions.add_parser("add-user", help=_("let a person sync, or set their password"))
    adding.add_argument("name", help=_("user name"))
    granting = actions.add_parser("grant", help=_("give a user a commune, with a role"))
    granting.add_argument("name", help=_("user name"))
    granting.add_argument("--commune", required=True, help=_("commune (name or INSEE code)"))
    granting.add_argument("--role", required=True, choices=ROLE_CHOICES)
    revoking = actions.add_parser("revoke", help=_("take a commune back from a user"))
    revoking.add_argument("name", help=_("user name"))
    revoking.add_argument("--commune", required=True, help=_("commune (name or INSEE code)"))
    disabling = actions.add_parser("disable", help=_("stop a person who leaves from syncing"))
    disabling.add_argument("name", help=_("user name"))
    listing = actions.add_parser("users", help=_("list the users and their grants"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    commune = actions.add_parser("add-commune", help=_("add a member commune"))
    commune.add_argument("name", help=_("the commune's name"))
    commune.add_argument("--insee", required=True, help=_("its INSEE code"))
    commune.add_argument("--population", type=int, default=0, help=_("its population"))
    commune.add_argument(
        "--intercommunalite", default="", help=_("Métropole de Lyon or Saint-Étienne Métropole")
    )
    commune.add_argument("--member-since", type=int, help=_("year it joined the syndicate"))
    communes = actions.add_parser(
        "import-communes", help=_("add the communes of a CSV or xlsx file")
    )
    communes.add_argument("file", help=_("the file, with the columns of the syndicate's list"))
    editing = actions.add_parser("edit-commune", help=_("change a member commune's details"))
    editing.add_argument("commune", help=_("commune (name or INSEE code)"))
    editing.add_argument("--name", help=_("its new name"))
    editing.add_argument("--insee", help=_("its INSEE code"))
    editing.add_argument("--population", type=int, help=_("its population"))
    editing.add_argument("--note", help=_("a note about it"))
    editing.add_argument(
        "--intercommunalite", help=_("Métropole de Lyon or Saint-Étienne Métropole")
    )
    editing.add_argument("--member-since", type=int, help=_("year it joined the syndicate"))
    ending = actions.add_parser(
        "end-membership", help=_("a commune leaves the syndicate (its history stays)")
    )
    ending.add_argument("commune", help=_("commune (name or INSEE code)"))
    ending.add_argument(
        "--on", required=True, metavar=_("DATE"), help=_("the last day, 31/12/2025")
    )
    merging = actions.add_parser(
        "merge-communes", help=_("record that a member commune merged into a new commune")
    )
    merging.add_argument("commune", help=_("commune (name or INSEE code)"))
    merging.add_argument("--into", required=True, help=_("the new commune's name"))
    merging.add_argument("--insee", required=True, help=_("the new commune's INSEE code"))
    merging.add_argument("--on", required=True, metavar=_("DATE"), help=_("the day of the merger"))
    merging.add_argument("--population", type=int, help=_("the new commune's population"))
    mayor = actions.add_parser("set-mayor", help=_("record a commune's new mayor"))
    mayor.add_argument("commune", help=_("commune (name or INSEE code)"))
    mayor.add_argument("mayor", help=_("the mayor's full name"))
    mayor.add_argument("--email", default="", help=_("the mayor's e-mail"))
    mayor.add_argument("--phone", default="", help=_("the mayor's phone"))
    listing_communes = actions.add_parser("communes", help=_("list the member communes"))
    listing_communes.add_argument("--json", action="store_true", help=_("print JSON"))
    for action in (
        init,
        run,
        adding,
        granting,
        revoking,
        disabling,
        listing,
        commune,
        communes,
        editing,
        ending,
        merging,
        mayor,
        listing_communes,
    ):
        action.add_argument(
            "--database",
            required=True,
            metavar="URL",
            help=_("the service's database: a PostgreSQL URL, or sqlite:///file"),
        )
    server.set_defaults(func=run_window, without_store=run_server)


ROLE_CHOICES = ("elu", "liaison", "secretariat", "admin")


def run_server(paths: Paths, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.roles import Role, role_label
    from sitiv_desktop.sync.service import admin

    action = arguments.server_action
    url = _database_url(arguments.database, must_exist=action != "init")
    if action == "init":
        role = admin.init_server(url, os.environ.get("SITIV_SERVICE_PASSWORD"))
        print(_("The sync service's database is ready."))
        if role:
            print(_("The service connects as the PostgreSQL role {role}.").format(role=role))
    elif action == "run":
        return _run_service(url, arguments.listen, arguments.workers)
    elif action == "add-user":
        created = admin.add_user(url, arguments.name, _ask_password(arguments.name, twice=True))
        message = _("User {name} can now connect.") if created else _("{name}'s password is set.")
        print(message.format(name=arguments.name))
    elif action == "grant":
        commune = admin.grant(url, arguments.name, arguments.commune, arguments.role)
        print(
            _("{name} now has {commune} ({role}).").format(
                name=arguments.name, commune=commune, role=role_label(Role(arguments.role))
            )
        )
    elif action == "revoke":
        commune = admin.revoke(url, arguments.name, arguments.commune)
        print(_("{name} no longer has {commune}.").format(name=arguments.name, commune=commune))
    elif action == "disable":
        admin.set_disabled(url, arguments.name)
        print(_("{name} can no longer connect.").format(name=arguments.name))
    elif action == "add-commune":
        since = arguments.member_since
        name = admin.add_commune(
            url,
            arguments.name,
            arguments.insee,
            arguments.population,
            admin.metropole_code(arguments.intercommunalite),
            dt.date(since, 1, 1) if since else None,
        )
        print(_("{commune} is a member commune.").format(commune=name))
    elif action == "import-communes":
        added, known = admin.import_communes(url, arguments.file)
        print(
            ngettext("{count} commune added", "{count} communes added", added).format(count=added)
            + ", "
            + ngettext("{count} already known.", "{count} already known.", known).format(
                count=known
            )
        )
    elif action in ("edit-commune", "end-membership", "merge-communes", "set-mayor", "communes"):
        return _run_commune_action(url, arguments)
    else:
        _print_accounts(admin.accounts(url), arguments.json)
    return 0


def _run_commune_action(url: str, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.validation import require_date
    from sitiv_desktop.sync.service import admin

    action = arguments.server_action
    if action == "edit-commune":
        changes: dict[str, Any] = {
            "name": arguments.name,
            "insee_code": arguments.insee,
            "population": arguments.population,
            "note": arguments.note,
        }
        if arguments.intercommunalite is not None:
            changes["metropole"] = admin.metropole_code(arguments.intercommunalite)
        if arguments.member_since is not None:
            changes["joined_on"] = dt.date(arguments.member_since, 1, 1)
        name = admin.edit_commune(url, arguments.commune, **changes)
        print(_("{commune} is up to date.").format(commune=name))
    elif action == "end-membership":
        day = require_date(arguments.on, "on", "--on")
        name = admin.end_membership(url, arguments.commune, day)
        print(
            _("{commune} is no longer a member after {date}; its history stays.").format(
                commune=name, date=admin.format_day(day)
            )
        )
    elif action == "merge-communes":
        day = require_date(arguments.on, "on", "--on")
        old, new = admin.merge_communes(
            url, arguments.commune, arguments.into, arguments.insee, day, arguments.population
        )
        print(
            _(
                "{old} is now {new} (INSEE {code}) since {date}: its projects, commitments, "
                "exchanges and history carry over."
            ).format(old=old, new=new, code=arguments.insee.strip(), date=admin.format_day(day))
        )
    elif action == "set-mayor":
        name, former = admin.set_mayor(
            url, arguments.commune, arguments.mayor, arguments.email, arguments.phone
        )
        print(
            _("{mayor} is the mayor of {commune}.").format(
                mayor=arguments.mayor.strip(), commune=name
            )
        )
        if former and former != arguments.mayor.strip():
            print(_("{former} is no longer listed as mayor.").format(former=former))
    else:
        found = admin.communes(url)
        if arguments.json:
            print_json(found)
        for commune in [] if arguments.json else found:
            left = (
                _(" (member until {date})").format(date=admin.format_day(commune.left_on))
                if commune.left_on
                else ""
            )
            mayor = commune.mayor or _("mayor not known")
            print(f"{commune.name} ({commune.insee_code}){left}: {mayor}")
    return 0


def _print_accounts(accounts: Sequence[Any], as_json: bool) -> None:
    if as_json:
        print_json(accounts)
        return
    if not accounts:
        print(_("No user yet."))
    for account in accounts:
        state = _(" (disabled)") if account.disabled else ""
        grants = ", ".join(f"{grant.commune} ({grant.role})" for grant in account.grants)
        nothing = _("no commune")
        print(f"{account.name}{state}: {grants or nothing}")


def _database_url(given: str, must_exist: bool = True) -> str:
    """``sqlite:///file`` as SQLAlchemy spells it for this project; PostgreSQL with psycopg 3.
    Only ``server init`` may name a SQLite file that does not exist yet."""
    if given.startswith("postgres://"):
        given = "postgresql://" + given.removeprefix("postgres://")
    if given.startswith("sqlite:///") and must_exist:
        from pathlib import Path

        if not Path(given.removeprefix("sqlite:///")).is_file():
            raise UserError(
                _("No service database at {path}: create it with « server init ».").format(
                    path=given.removeprefix("sqlite:///")
                ),
                "database",
            )
    if given.startswith("postgresql://"):
        return "postgresql+psycopg://" + given.removeprefix("postgresql://")
    if given.startswith("sqlite:///"):
        return "sqlite+pysqlite:///" + given.removeprefix("sqlite:///")
    if given.startswith(("postgresql+psycopg://", "sqlite+pysqlite:///")):
        return given
    raise UserError(
        _("--database: give a PostgreSQL URL (postgresql://…) or sqlite:///file."), "database"
    )


def _run_service(url: str, listen: str, workers: int = 1) -> int:
    import uvicorn

    from sitiv_desktop.sync.service.app import DATABASE_VARIABLE, create_app
    from sitiv_desktop.sync.service.guard import check_service_role

    host, _colon, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserError(_("--listen: give ADDRESS:PORT, such as 127.0.0.1:8765."), "listen")
    _check_free(host, int(port))
    if workers < 1:
        raise UserError(_("--workers: at least one process."), "workers")
    check_service_role(url)
    print(_("The sync service listens on http://{listen}.").format(listen=listen), flush=True)
    options: dict[str, Any] = {"host": host, "port": int(port), "log_level": "warning"}
    if workers > 1:
        os.environ[DATABASE_VARIABLE] = url
        uvicorn.run(
            "sitiv_desktop.sync.service.app:app_from_environment",
            factory=True, workers=workers, proxy_headers=True, **options,
        )  # fmt: skip
        return 0
    uvicorn.run(create_app(url, fault=_service_fault), proxy_headers=True, **options)
    return 0


def _check_free(host: str, port: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ExternalError(
                _(
                    "Cannot listen on {host}:{port} ({reason}): choose another with --listen."
                ).format(host=host, port=port, reason=error.strerror or error)
            ) from error


def _service_fault(step: str) -> None:
    # Lets the test suite kill the service at one step of a push, as a crash would.
    if os.environ.get("SITIV_TEST_KILL_SERVICE_AT") == step:
        os._exit(9)


def _ask_password(user: str, twice: bool = False) -> str:
    """The password from SITIV_PASSWORD, else asked on the terminal (never echoed)."""
    import getpass

    from sitiv_desktop.credentials import PASSWORD_VARIABLE

    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        raise UserError(_("Password: set SITIV_PASSWORD or run this command in a terminal."))
    password = getpass.getpass(_("Password for {user}: ").format(user=user))
    if twice and getpass.getpass(_("Again: ")) != password:
        raise UserError(_("Password: the two entries differ."), "password")
    return password


def add_connect(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    connect = commands.add_parser("connect", help=_("connect this laptop to the sync service"))
    connect.add_argument(
        "url", help=_("address of the sync service, such as https://sync.sitiv.fr")
    )
    connect.add_argument("--user", required=True, help=_("your user name on it"))
    connect.set_defaults(func=run_connect)


def run_connect(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.sync.connection import connect

    password = _ask_password(arguments.user)
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


def add_sync(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    syncing = commands.add_parser("sync", help=_("send local changes and receive the others"))
    syncing.set_defaults(func=run_sync)


def run_sync(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.sync.connection import open_service, sync_now
    from sitiv_desktop.sync.status import summary_sentence

    service = open_service(context, ask_password=_ask_password)
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


def add_conflicts(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    conflicts = commands.add_parser("conflicts", help=_("list the conflicts to resolve"))
    actions = conflicts.add_subparsers(dest="conflict_action", metavar=_("ACTION"))
    resolve = actions.add_parser("resolve", help=_("resolve one conflict"))
    resolve.add_argument("id", help=_("identifier of the conflict (its first characters suffice)"))
    resolve.add_argument("--keep", required=True, choices=("mine", "theirs"))
    dismiss = actions.add_parser("dismiss", help=_("remove a refused change from the list"))
    dismiss.add_argument("id", help=_("identifier of the refused change (its first characters)"))
    conflicts.add_argument("--json", action="store_true", help=_("print JSON"))
    conflicts.set_defaults(func=run_conflicts)


def run_conflicts(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.sync import conflicts

    if getattr(arguments, "conflict_action", None) == "resolve":
        with context.database.session() as session:
            conflicts.resolve_conflict(session, arguments.id, arguments.keep)
        print(_("Resolved; the choice is sent at the next sync."))
        return 0
    if getattr(arguments, "conflict_action", None) == "dismiss":
        with context.database.session() as session:
            matching = [
                r for r in conflicts.list_refused(session) if r.id.startswith(arguments.id.lower())
            ]
            if len(matching) != 1:
                raise UserError(
                    _("No refused change has the identifier « {id} ».").format(id=arguments.id)
                )
            conflicts.dismiss_refused(session, matching[0].id)
        print(_("Removed from the list of refused changes."))
        return 0
    with context.database.read_session() as session:
        found = conflicts.list_conflicts(session)
        refused = conflicts.list_refused(session)
    if arguments.json:
        print_json({"conflicts": found, "refused": refused})
        return 0
    if not found:
        print(_("No conflict."))
    for conflict in found:
        print(
            f"{conflict.id[:8]}  {conflict.record_label} « {conflict.title} »"
            f" — {conflict.description}"
        )
        print(_("    mine:   {value}").format(value=conflict.mine))
        print(_("    theirs: {value}").format(value=conflict.theirs))
    for item in refused:
        print(
            _("{id}  Refused by the sync service: {table} {row} ({reason})").format(
                id=item.id[:8], table=item.table, row=item.row_id[:8], reason=item.reason
            )
        )
    return 0


COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    add_window,
    add_demo,
    add_list,
    add_search,
    add_check,
    add_export,
    add_import,
    add_backup,
    add_restore,
    add_brief,
    add_server,
    add_connect,
    add_sync,
    add_conflicts,
]


# ---------------------------------------------------------------------------------------------
# Entry point


class ParserError(Exception):
    """The command line itself is wrong: argparse's complaint, said in one line."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class FrenchArgumentParser(argparse.ArgumentParser):
    """argparse, speaking the application's language and raising instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise ParserError(self.prog, message)


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


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    set_language(_language_from(arguments))
    parser = build_parser()
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
        return _run(namespace)
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


def _run(namespace: argparse.Namespace) -> int:
    from sitiv_desktop.store.database import store_failure

    handler: Handler = getattr(namespace, "func", run_window)
    try:
        without_store = getattr(namespace, "without_store", None)
        if without_store is not None:
            exit_code: int = without_store(resolve_paths(namespace.data_dir), namespace)
            return exit_code
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
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # the one place that turns a failure into a message
        failure = store_failure(error, folder=_data_folder(namespace))
        if failure is not None:
            return _fail(namespace, failure, 3, cause=error)
        if isinstance(error, OSError):
            return _fail(
                namespace,
                ExternalError(
                    _("A file could not be used: {error}.").format(
                        error=error.strerror or type(error).__name__
                    )
                ),
                3,
                cause=error,
            )
        return _fail(namespace, error, 1, bug=True)


def _language_from(arguments: Sequence[str]) -> str:
    for index, argument in enumerate(arguments):
        if argument == "--lang" and index + 1 < len(arguments):
            return arguments[index + 1]
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
    return "fr"


def _fail(
    namespace: argparse.Namespace,
    error: BaseException,
    code: int,
    bug: bool = False,
    cause: BaseException | None = None,
) -> int:
    # The details (which may hold SQL or what the user typed) go to the log, not the message.
    # With --debug, the console shows this log record and its traceback.
    log.info("failed with exit code %d", code, exc_info=cause or error)
    if bug:
        message = _("Unexpected error ({kind}).").format(kind=type(error).__name__)
    else:
        message = str(error)
    print(_("Error: {message}").format(message=message), file=sys.stderr)
    if bug and not namespace.debug:
        print(_("Run again with --debug to see the details."), file=sys.stderr)
    return code
