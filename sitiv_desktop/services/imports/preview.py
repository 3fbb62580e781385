"""The preview of an import: the columns found, missing and unknown, then every row planned by
the rules of its kind (``projects``, ``commitments``, ``ppi``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sitiv_desktop.domain.transfers import ImportKind, ImportPreview, RowProblem
from sitiv_desktop.i18n import _, ngettext
from sitiv_desktop.progress import Progress, no_progress
from sitiv_desktop.services.columns import (
    CODE,
    COMMITMENT,
    COMMUNE,
    MADE_ON,
    PPI_SHOWN_ONLY,
    PROJECT_CODE,
    Column,
)
from sitiv_desktop.services.imports.cells import header_key, position_of
from sitiv_desktop.services.imports.commitments import CommitmentPlanner
from sitiv_desktop.services.imports.ppi import PpiPlanner
from sitiv_desktop.services.imports.projects import ProjectPlanner
from sitiv_desktop.services.imports.staging import ImportPlan, Planner, Staged
from sitiv_desktop.services.reading import SheetRows

REQUIRED_COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    # A project's title and domain are needed only to create it (see ``NEEDED_TO_CREATE``).
    ImportKind.PROJECTS: (CODE,),
    ImportKind.COMMITMENTS: (COMMUNE, COMMITMENT, MADE_ON),
    ImportKind.PPI: (PROJECT_CODE,),
}
# Columns an export writes for people to read, which an import does not bring back.
EXPORT_ONLY_COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.PROJECTS: (),
    ImportKind.COMMITMENTS: (),
    ImportKind.PPI: PPI_SHOWN_ONLY,
}


def plan_import(
    session: Session, kind: ImportKind, sheet: SheetRows, progress: Progress = no_progress
) -> ImportPlan:
    """Read every row against the local copy: changes, problems, and the writes to make."""
    planners: dict[ImportKind, type[Planner]] = {
        ImportKind.PROJECTS: ProjectPlanner,
        ImportKind.COMMITMENTS: CommitmentPlanner,
        ImportKind.PPI: PpiPlanner,
    }
    planner_class = planners[kind]
    plan = Staged()
    read = (*planner_class.columns, *planner_class.checked_columns, *EXPORT_ONLY_COLUMNS[kind])
    known = {header_key(c.label) for c in read} | {header_key(c.header) for c in read}
    unknown = tuple(h for h in sheet.headers if h and header_key(h) not in known)
    missing_optional = tuple(
        c.label
        for c in planner_class.columns
        if c not in REQUIRED_COLUMNS[kind] and position_of(sheet.headers, c) is None
    )
    missing = [c for c in REQUIRED_COLUMNS[kind] if position_of(sheet.headers, c) is None]
    header_problems = [p for p in sheet.problems if p.row == sheet.header_row]
    for column in missing:
        plan.problems.append(
            RowProblem(
                sheet.header_row,
                column.label,
                _("{field}: this column is missing from the first row.").format(field=column.label),
            )
        )
    for problem in header_problems:
        plan.problems.append(
            RowProblem(
                problem.row,
                problem.letter,
                _("Column {column}: {message}").format(
                    column=problem.letter, message=problem.message
                ),
            )
        )
    if not missing and not header_problems:
        planner_class(session, sheet, plan).plan_all(progress)
    plan.problems.sort(key=lambda problem: problem.row)
    preview = ImportPreview(
        kind=kind,
        rows_read=len(sheet.rows),
        changes=tuple(plan.changes),
        unchanged=plan.unchanged,
        problems=tuple(plan.problems),
        missing_columns=missing_optional,
        unknown_columns=unknown,
        notices=tuple(plan.notices),
        refused=len({p.row for p in plan.problems if p.row != sheet.header_row}),
    )
    return ImportPlan(preview, plan.writes)


def preview_summary(preview: ImportPreview) -> str:
    """« 3 lignes lues : 1 à créer, 0 à modifier, 1 inchangée, 1 refusée. »: every row read is
    counted once, the refused ones too."""
    return _("{read}: {created} to create, {updated} to change, {unchanged}, {refused}.").format(
        read=ngettext("{count} row read", "{count} rows read", preview.rows_read).format(
            count=preview.rows_read
        ),
        created=preview.created,
        updated=preview.updated,
        unchanged=ngettext("{count} unchanged", "{count} unchanged", preview.unchanged).format(
            count=preview.unchanged
        ),
        refused=ngettext("{count} refused", "{count} refused", preview.refused).format(
            count=preview.refused
        ),
    )


def applied_summary(preview: ImportPreview) -> str:
    """« Import terminé : 1 créé, 0 modifié, 2 inchangés. », of the records written."""
    return _("Import done: {created}, {updated}, {unchanged}.").format(
        created=ngettext("{count} created", "{count} created", preview.created).format(
            count=preview.created
        ),
        updated=ngettext("{count} changed", "{count} changed", preview.updated).format(
            count=preview.updated
        ),
        unchanged=ngettext(
            "{count} kept as it was", "{count} kept as they were", preview.unchanged
        ).format(count=preview.unchanged),
    )
