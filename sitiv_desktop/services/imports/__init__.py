"""Importing projects, commitments and PPI lines from a spreadsheet, without retyping a line.

The file is first read against the local copy into a preview: what will be created, what will
change, and every bad row with its row number and column. Nothing is written while a row is
bad, unless the caller chooses to skip the bad rows. Importing the same file twice changes
nothing the second time, because rows are matched to what exists by a key that does not depend
on the local copy's identifiers:

- a project by its code;
- a commitment by its commune, the day it was made and its wording (ignoring case, accents and
  repeated spaces): edit its wording in the spreadsheet and it becomes another commitment;
- a PPI line by its project's code, its CP by project code + year, an AP vote by project code +
  the day of the vote.

The import never guesses. A column the file lacks leaves that field as it is (the preview names
the columns not found, and the columns it does not know); an empty « Participating communes »
cell leaves a project's participations as they are; a cell that could be read two ways (an
amount « 12,000 », a merged cell, a formula without its value) makes its row bad.

The checking reads one snapshot and takes no lock; the writing is set-wise, in one short
transaction (see ``Database.planned_write``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from sitiv_desktop.domain.transfers import ImportKind, ImportPreview
from sitiv_desktop.i18n import _
from sitiv_desktop.progress import Progress, no_progress
from sitiv_desktop.services.imports.matching import commitment_key, project_ids_by_code
from sitiv_desktop.services.imports.preview import (
    EXPORT_ONLY_COLUMNS,
    REQUIRED_COLUMNS,
    plan_import,
)
from sitiv_desktop.services.imports.staging import ImportPlan
from sitiv_desktop.services.imports.writing import ImportRefused, Writes
from sitiv_desktop.services.reading import SheetRows
from sitiv_desktop.services.spreadsheets import read_spreadsheet, spreadsheet_format
from sitiv_desktop.store.database import Database

__all__ = [
    "EXPORT_ONLY_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportPlan",
    "ImportRefused",
    "Writes",
    "commitment_key",
    "import_file",
    "import_rows",
    "import_spreadsheet",
    "plan_import",
    "project_ids_by_code",
    "read_import_file",
]


def read_import_file(source: Path | BinaryIO, file_format: str | None = None) -> SheetRows:
    if file_format is None:
        if not isinstance(source, Path):
            raise ValueError("a stream needs its file format")
        file_format = spreadsheet_format(source)
    return read_spreadsheet(source, file_format)


def import_file(
    database: Database,
    kind: ImportKind,
    source: Path | BinaryIO,
    file_format: str | None = None,
    *,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
    progress: Progress = no_progress,
    before_writing: Callable[[], object] | None = None,
) -> ImportPreview:
    """Read a file, check it against one snapshot of the local copy, then write it set-wise.

    The checking holds no lock: the window and a sync go on meanwhile. The writing is one
    short transaction; if another writer committed in between, the file is checked again
    under the lock, so nothing is written from a stale plan.

    ``before_writing`` (the command line's automatic backup) is called once, only when the
    file was checked and something is about to be written: a refused file, a dry run or a
    file that changes nothing takes no backup, so it never lets an older one go.
    """
    progress(0.0, _("Reading the file"))
    sheet = read_import_file(source, file_format)
    if dry_run:
        with database.read_session() as session:
            return plan_import(session, kind, sheet, progress).preview
    called = False

    def prepare(session: Session) -> ImportPlan:
        nonlocal called
        planned = plan_import(session, kind, sheet, progress)
        if before_writing is not None and not called and planned.will_write(skip_bad_rows):
            called = True
            before_writing()
        return planned

    plan = database.planned_write(
        prepare, lambda session, planned: apply_plan(session, planned, skip_bad_rows, progress)
    )
    return plan.applied_preview()


def import_spreadsheet(
    session: Session,
    kind: ImportKind,
    source: Path | BinaryIO,
    file_format: str | None = None,
    *,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportPreview:
    """Read a file and, unless ``dry_run``, write it in the caller's transaction.

    Raises ``ImportRefused`` when a row is bad and ``skip_bad_rows`` is false: the caller's
    transaction then rolls back, so nothing is written.
    """
    progress(0.0, _("Reading the file"))
    sheet = read_import_file(source, file_format)
    return import_rows(
        session, kind, sheet, skip_bad_rows=skip_bad_rows, dry_run=dry_run, progress=progress
    )


def import_rows(
    session: Session,
    kind: ImportKind,
    sheet: SheetRows,
    *,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportPreview:
    plan = plan_import(session, kind, sheet, progress)
    if dry_run:
        return plan.preview
    apply_plan(session, plan, skip_bad_rows, progress)
    return plan.applied_preview()


def apply_plan(
    session: Session, plan: ImportPlan, skip_bad_rows: bool, progress: Progress
) -> ImportPlan:
    if plan.preview.problems and not skip_bad_rows:
        raise ImportRefused(plan.preview)
    progress(0.6, _("Writing"))
    plan.writes.apply(session)
    progress(1.0, _("Import done"))
    return plan
