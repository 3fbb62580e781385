"""Commands on files: ``import``, ``export``, ``backup``, ``restore`` and ``check``.

``restore`` and ``check`` run on the paths alone: they must work when the local copy can no
longer be opened.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sitiv_desktop.cli.output import ProgressBar, confirm
from sitiv_desktop.cli.parser import Command
from sitiv_desktop.context import Context
from sitiv_desktop.domain.transfers import ImportPreview
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import N_, _, format_datetime, ngettext
from sitiv_desktop.paths import Paths

if TYPE_CHECKING:
    from sitiv_desktop.services.backups import AutomaticBackup

EXPORT_KINDS = ("projects", "commitments", "ppi", "exchanges", "meetings")
IMPORT_KINDS = ("projects", "commitments", "ppi")


def backup_before(context: Context, reason: str) -> None:
    """Take an automatic backup before a command that replaces or changes data."""
    taken = _automatic_backup(context)
    if taken is not None:
        print(
            _("Backup taken before {reason}: {path}{same}.").format(
                reason=reason, path=taken.path, same=_same_as(taken)
            )
        )


def _automatic_backup(context: Context) -> AutomaticBackup | None:
    from sitiv_desktop.services.backups import take_automatic_backup

    kept = max(1, context.settings.backups_kept)
    return take_automatic_backup(context.paths.database, context.paths.backups, kept)


def _same_as(taken: AutomaticBackup) -> str:
    """« (identical to the backup of …: not duplicated) » when the new backup took the place of
    the newest one, byte for byte the same (nothing changed in between)."""
    if taken.same_as is None:
        return ""
    return " " + _("(identical to the backup of {moment}: not duplicated)").format(
        moment=format_datetime(taken.same_as, "short")
    )


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


def export_arguments(export: argparse.ArgumentParser) -> None:
    export.add_argument(
        "kind",
        choices=EXPORT_KINDS,
        metavar=_("KIND"),
        help=_("what to export: %(choices)s"),
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
    force_argument(export)


def run_export(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.calendars import export_calendar
    from sitiv_desktop.services.communes import find_commune
    from sitiv_desktop.services.spreadsheets import ExportKind, export_spreadsheet

    # The format is checked before the file: no « add --force » for a file that cannot be made.
    calendar = Path(arguments.output).suffix.lower() == ".ics"
    if calendar and arguments.kind != "meetings":
        raise UserError(_("--output: only meetings go to a calendar (.ics)."), "output")
    path = file_to_write(arguments.output, arguments.force)
    with context.database.read_session() as session:
        commune_id = find_commune(session, arguments.commune).id if arguments.commune else None
        if calendar:
            count = export_calendar(session, path, commune_id, ProgressBar())
            written = ngettext(
                "{count} meeting written to {path}.", "{count} meetings written to {path}.", count
            )
        else:
            count = export_spreadsheet(
                session, ExportKind(arguments.kind), path, commune_id, ProgressBar()
            )
            written = ngettext(
                "{count} row written to {path}.", "{count} rows written to {path}.", count
            )
    print(written.format(count=count, path=path))
    return 0


def import_arguments(importing: argparse.ArgumentParser) -> None:
    importing.add_argument(
        "kind",
        choices=IMPORT_KINDS,
        metavar=_("KIND"),
        help=_("what the file holds: %(choices)s"),
    )
    importing.add_argument("file", metavar=_("FILE"), help=_("a .xlsx or .csv file"))
    importing.add_argument(
        "--dry-run", action="store_true", help=_("show what would change, and write nothing")
    )
    importing.add_argument(
        "--skip-bad-rows", action="store_true", help=_("import the good rows, leave out the bad")
    )


def run_import(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.domain.transfers import ImportKind
    from sitiv_desktop.services.imports import ImportRefused, import_file
    from sitiv_desktop.services.imports.preview import applied_summary

    try:
        # The backup is taken only once the file is checked and will change something.
        preview = import_file(
            context.database,
            ImportKind(arguments.kind),
            Path(arguments.file),
            skip_bad_rows=arguments.skip_bad_rows,
            dry_run=arguments.dry_run,
            progress=ProgressBar(),
            before_writing=lambda: backup_before(context, _("the import")),
        )
    except ImportRefused as refused:
        print_preview(refused.preview)
        raise
    print_preview(preview)
    if preview.applied:
        print(applied_summary(preview))
        return 0
    print(_("Nothing was written (--dry-run)."))
    return 2 if preview.problems and not arguments.skip_bad_rows else 0


def print_preview(preview: ImportPreview) -> None:
    from sitiv_desktop.services.imports.preview import preview_summary

    print(preview_summary(preview))
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
    for notice in preview.notices:
        print(f"  {notice}", file=sys.stderr)
    for problem in preview.problems:
        print(f"  {problem}", file=sys.stderr)


def backup_arguments(backing_up: argparse.ArgumentParser) -> None:
    backing_up.add_argument(
        "file",
        nargs="?",
        metavar=_("FILE"),
        help=_("where to write it (default: an automatic backup in the data folder)"),
    )
    force_argument(backing_up)


def force_argument(parser: argparse.ArgumentParser) -> None:
    """``--force``: the commands that write a file the person names replace it only when
    asked (on a terminal) or told."""
    parser.add_argument(
        "--force", action="store_true", help=_("replace FILE if it exists, without asking")
    )


def file_to_write(given: str, force: bool) -> Path:
    """The file a command is to write, checked before any work: a folder or a missing folder is
    refused (none is made), and a file already there is replaced only with --force or a yes."""
    from sitiv_desktop.services.files import check_target

    target = Path(given)
    check_target(target)
    if (
        target.exists()
        and not force
        and not confirm(_("{path} exists. Replace it? [y/N] ").format(path=target))
    ):
        raise UserError(
            _("{path} exists and was left as it is; give --force to replace it.").format(
                path=target
            ),
            "file",
        )
    return target


def run_backup(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.backups import backup

    if arguments.file:
        target = file_to_write(arguments.file, arguments.force)
        written = backup(context.paths.database, target, ProgressBar())
        same = ""
    else:
        taken = _automatic_backup(context)
        assert taken is not None  # at least one is kept
        written, same = taken.path, _same_as(taken)
    print(_("Backup written to {path}{same}.").format(path=written, same=same))
    return 0


def restore_arguments(restoring: argparse.ArgumentParser) -> None:
    restoring.add_argument("file", metavar=_("FILE"), help=_("the backup to bring back"))


def run_restore(paths: Paths, arguments: argparse.Namespace) -> int:
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


CHECK = Command("check", N_("check the integrity of the local copy"), run_without_store=run_check)
EXPORT = Command(
    "export",
    N_("export to a spreadsheet (.xlsx, .csv) or, for meetings, a calendar (.ics)"),
    export_arguments,
    run=run_export,
)
IMPORT = Command(
    "import",
    N_("import projects, commitments or PPI lines from a spreadsheet (.xlsx, .csv)"),
    import_arguments,
    run=run_import,
    fills_a_new_copy=True,
    description=N_(
        "Reads the file, shows what will be created or changed, then imports it in one go. "
        "Nothing is written while a row is bad, unless --skip-bad-rows is given. Importing "
        "the same file twice changes nothing: projects are matched by code, commitments by "
        "commune, date made and wording, PPI lines by project code and year."
    ),
)
BACKUP = Command(
    "backup",
    N_("write a consistent copy of the local copy, even while the window is open"),
    backup_arguments,
    run=run_backup,
)
RESTORE = Command(
    "restore",
    N_("replace the local copy by a backup, after checking the backup"),
    restore_arguments,
    run_without_store=run_restore,
)
