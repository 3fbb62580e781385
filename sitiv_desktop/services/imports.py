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

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import CommitmentStatus, ProjectDomain, ProjectStatus
from sitiv_desktop.domain.transfers import (
    ChangeAction,
    ImportKind,
    ImportPreview,
    PlannedChange,
    RowProblem,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, format_money
from sitiv_desktop.services.conversions import syndicate_name
from sitiv_desktop.services.files import ProgressCallback, no_progress
from sitiv_desktop.services.projects import ap_in_force_cents
from sitiv_desktop.services.reading import Cell, SheetRows
from sitiv_desktop.services.roles import EDITABLE, granted_roles, role_in, role_label
from sitiv_desktop.services.spreadsheets import (
    AP_IN_FORCE,
    AP_VOTED_ON,
    CLOSED_ON,
    CODE,
    COMMITMENT,
    COMMITMENT_COLUMNS,
    COMMUNE,
    CP,
    DESCRIPTION,
    DOMAIN,
    DUE_DATE,
    END,
    EVIDENCE,
    MADE_ON,
    NOTE,
    OWNER,
    PARTICIPANTS,
    PARTNERS,
    PPI_LINE_COLUMNS,
    PROGRESS,
    PROJECT_CODE,
    PROMISED_BY,
    RESPONSIBLE,
    START,
    STATUS,
    TITLE,
    YEAR,
    Column,
    read_spreadsheet,
    spreadsheet_format,
)
from sitiv_desktop.services.text import fold
from sitiv_desktop.services.validation import (
    MAX_WHOLE_NUMBER,
    check_order,
    check_percent,
    check_text,
    exact_cents,
    parse_choice,
    parse_date,
    parse_typed_amount,
    require_date,
    require_text,
    to_cents,
)
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from sitiv_desktop.store.types import new_id

_SHARE = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<share>\d{1,3})\s*%?\s*\)$")
SHORT_TEXT = 200

REQUIRED_COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.PROJECTS: (CODE, TITLE, DOMAIN),
    ImportKind.COMMITMENTS: (COMMUNE, COMMITMENT, MADE_ON),
    ImportKind.PPI: (PROJECT_CODE,),
}
# Columns an export writes for people to read, which an import does not bring back.
EXPORT_ONLY_COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.PROJECTS: (),
    ImportKind.COMMITMENTS: (),
    ImportKind.PPI: tuple(c for c in PPI_LINE_COLUMNS if c.header in ("Project", "Owner")),
}


class ImportRefused(UserError):
    """The file has bad rows and the user did not choose to skip them: nothing was written."""

    def __init__(self, preview: ImportPreview) -> None:
        count = len(preview.problems)
        super().__init__(
            _(
                "Nothing was imported: {count} row(s) with a problem. Correct them, or choose to "
                "skip the bad rows."
            ).format(count=count),
            "file",
        )
        self.preview = preview


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
    progress: ProgressCallback = no_progress,
) -> ImportPreview:
    """Read a file, check it against one snapshot of the local copy, then write it set-wise.

    The checking holds no lock: the window and a sync go on meanwhile. The writing is one
    short transaction; if another writer committed in between, the file is checked again
    under the lock, so nothing is written from a stale plan.
    """
    progress(0.0, _("Reading the file"))
    sheet = read_import_file(source, file_format)
    if dry_run:
        with database.read_session() as session:
            return plan_import(session, kind, sheet, progress).preview
    plan = database.planned_write(
        lambda session: plan_import(session, kind, sheet, progress),
        lambda session, planned: _apply(session, planned, skip_bad_rows, progress),
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
    progress: ProgressCallback = no_progress,
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
    progress: ProgressCallback = no_progress,
) -> ImportPreview:
    plan = plan_import(session, kind, sheet, progress)
    if dry_run:
        return plan.preview
    _apply(session, plan, skip_bad_rows, progress)
    return plan.applied_preview()


def _apply(session: Session, plan: ImportPlan, skip_bad_rows: bool, progress: Any) -> ImportPlan:
    if plan.preview.problems and not skip_bad_rows:
        raise ImportRefused(plan.preview)
    progress(0.6, _("Writing"))
    plan.writes.apply(session)
    progress(1.0, _("Import done"))
    return plan


# ---------------------------------------------------------------------------------------------
# The plan: what the file changes, as set-wise writes


@dataclass
class Writes:
    """Rows to insert, update (by primary key, changed columns only) and delete, per table."""

    inserts: dict[type[models.Base], list[dict[str, Any]]] = field(default_factory=dict)
    updates: dict[type[models.Base], list[dict[str, Any]]] = field(default_factory=dict)
    deletes: dict[type[models.Base], list[uuid.UUID]] = field(default_factory=dict)

    # Parents before children for inserts; children's deletions first.
    ORDER = (
        models.Project,
        models.Participation,
        models.Commitment,
        models.PpiLine,
        models.PaymentCredit,
        models.ApRevision,
    )

    def insert(self, model: type[models.Base], row: dict[str, Any]) -> None:
        self.inserts.setdefault(model, []).append(row)

    def update(self, model: type[models.Base], row: dict[str, Any]) -> None:
        self.updates.setdefault(model, []).append(row)

    def delete(self, model: type[models.Base], row_id: uuid.UUID) -> None:
        self.deletes.setdefault(model, []).append(row_id)

    def apply(self, session: Session) -> None:
        model: Any
        for model in reversed(self.ORDER):
            ids = self.deletes.get(model, [])
            for start in range(0, len(ids), 500):
                session.execute(delete(model).where(model.id.in_(ids[start : start + 500])))
        for model in self.ORDER:
            rows = self.inserts.get(model)
            if rows:
                session.execute(insert(model), rows)
            by_columns: dict[frozenset[str], list[dict[str, Any]]] = {}
            for row in self.updates.get(model, []):
                by_columns.setdefault(frozenset(row), []).append(row)
            for group in by_columns.values():
                session.execute(update(model), group)
        session.flush()


@dataclass
class ImportPlan:
    preview: ImportPreview
    writes: Writes

    def applied_preview(self) -> ImportPreview:
        from dataclasses import replace

        return replace(self.preview, applied=True)


@dataclass
class _Plan:
    changes: list[PlannedChange] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[RowProblem] = field(default_factory=list)
    writes: Writes = field(default_factory=Writes)
    unchanged: int = 0


def _header_key(header: str) -> str:
    # People type « Maître d'ouvrage » with a straight apostrophe; the export writes ’.
    return " ".join(fold(header).replace("’", "'").split())


def _position(headers: tuple[str, ...], column: Column) -> int | None:
    wanted = {_header_key(column.label), _header_key(column.header)}
    for index, header in enumerate(headers):
        if _header_key(header) in wanted:
            return index
    return None


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def plan_import(
    session: Session, kind: ImportKind, sheet: SheetRows, progress: ProgressCallback = no_progress
) -> ImportPlan:
    """Read every row against the local copy: changes, problems, and the writes to make."""
    planners: dict[ImportKind, type[_Planner]] = {
        ImportKind.PROJECTS: _ProjectPlanner,
        ImportKind.COMMITMENTS: _CommitmentPlanner,
        ImportKind.PPI: _PpiPlanner,
    }
    planner_class = planners[kind]
    plan = _Plan()
    read = (*planner_class.columns, *planner_class.checked_columns, *EXPORT_ONLY_COLUMNS[kind])
    known = {_header_key(c.label) for c in read} | {_header_key(c.header) for c in read}
    unknown = tuple(h for h in sheet.headers if h and _header_key(h) not in known)
    missing_optional = tuple(
        c.label
        for c in planner_class.columns
        if c not in REQUIRED_COLUMNS[kind] and _position(sheet.headers, c) is None
    )
    missing = [c for c in REQUIRED_COLUMNS[kind] if _position(sheet.headers, c) is None]
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
    )
    return ImportPlan(preview, plan.writes)


# ---------------------------------------------------------------------------------------------
# Reading cells


class _Row:
    """One data row, read by column whatever the order of the columns in the file."""

    def __init__(self, number: int, cells: tuple[Cell, ...], positions: dict[str, int]) -> None:
        self.number = number
        self.cells = cells
        self.positions = positions

    def has(self, column: Column) -> bool:
        return column.header in self.positions

    def raw(self, column: Column) -> Cell:
        index = self.positions.get(column.header)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        return value.strip() if isinstance(value, str) else value

    def text(self, column: Column, max_length: int | None = None) -> str:
        value = self.raw(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if isinstance(value, dt.datetime | dt.date):
            return value.strftime("%d/%m/%Y")
        return check_text(str(value), column.header, column.label, max_length)

    def date(self, column: Column) -> dt.date | None:
        value = self.raw(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, int | float | Decimal):
            raise UserError(
                _("{field}: « {value} » is not a date; write it as 20/01/2015.").format(
                    field=column.label, value=value
                ),
                column.header,
            )
        return parse_date(self.text(column), column.header, column.label)

    def required_date(self, column: Column) -> dt.date:
        found = self.date(column)
        return require_date(found, column.header, column.label)

    def amount(self, column: Column) -> Decimal | None:
        value = self.raw(column)
        if value is None or value == "":
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                raise UserError(
                    _("{field}: « {value} » is not an amount.").format(
                        field=column.label, value=value
                    ),
                    column.header,
                )
            return exact_cents(Decimal(str(value)), column.header, column.label, str(value))
        if isinstance(value, dt.date):
            raise UserError(
                _("{field}: « {value} » is not an amount.").format(
                    field=column.label, value=self.text(column)
                ),
                column.header,
            )
        return parse_typed_amount(str(value), column.header, column.label)

    def whole_number(self, column: Column) -> int | None:
        value = self.raw(column)
        if value is None or value == "":
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str):
            text = re.sub(r"[\s\u00a0\u202f%]", "", value)
            if re.fullmatch(r"-?\d{1,12}", text, re.ASCII):
                number = int(text)
        if number is None or abs(number) > MAX_WHOLE_NUMBER:
            raise UserError(
                _("{field}: « {value} » is not a whole number.").format(
                    field=column.label, value=str(value)[:40]
                ),
                column.header,
            )
        return number


def _same_value_problem(column: Column, other_row: int) -> UserError:
    return UserError(
        _("{field}: row {other} already has this value; each record comes once.").format(
            field=column.label, other=other_row
        ),
        column.header,
    )


class _Communes:
    """Communes found by name (any case or accents) or INSEE code, read once."""

    def __init__(self, session: Session) -> None:
        self.by_key: dict[str, uuid.UUID] = {}
        self.names: dict[uuid.UUID, str] = {}
        for commune_id, name, insee in session.execute(
            select(models.Commune.id, models.Commune.name, models.Commune.insee_code)
        ):
            self.names[commune_id] = name
            self.by_key.setdefault(fold(name), commune_id)
            self.by_key.setdefault(insee, commune_id)

    def find(self, text: str, column: Column) -> uuid.UUID:
        found = self.by_key.get(fold(text))
        if found is None:
            raise UserError(
                _("{field}: {message}").format(
                    field=column.label,
                    message=_(
                        "No commune is called « {name} »; give its name or its INSEE code."
                    ).format(name=text[:60]),
                ),
                column.header,
            )
        return found


class _Planner:
    """Reads every row into a plan; a row that raises ``UserError`` becomes a problem."""

    columns: tuple[Column, ...] = ()
    # Columns read to check a row, whose value the import does not write (not listed missing).
    checked_columns: tuple[Column, ...] = ()

    def __init__(self, session: Session, sheet: SheetRows, plan: _Plan) -> None:
        self.session = session
        self.sheet = sheet
        self.plan = plan
        self.positions: dict[str, int] = {}
        read = (*self.columns, *self.checked_columns)
        for column in read:
            position = _position(sheet.headers, column)
            if position is not None:
                self.positions[column.header] = position
        self.labels = {column.header: column.label for column in read}
        self.communes = _Communes(session)
        self.roles = {str(commune): role for commune, role in granted_roles(session).items()}
        self.bad_cells: dict[int, list[RowProblem]] = {}
        for problem in sheet.problems:
            header = (
                sheet.headers[problem.column - 1] if problem.column <= len(sheet.headers) else ""
            )
            label = header or _("Column {column}").format(column=problem.letter)
            self.bad_cells.setdefault(problem.row, []).append(
                RowProblem(
                    problem.row,
                    label,
                    _("{field}: {message}").format(field=label, message=problem.message),
                )
            )

    def plan_all(self, progress: ProgressCallback) -> None:
        total = max(len(self.sheet.rows), 1)
        for index, (number, cells) in enumerate(self.sheet.rows):
            if index % 500 == 0:
                progress(0.6 * index / total, _("Checking row {row}").format(row=number))
            bad = self.bad_cells.pop(number, None)
            if bad:
                self.plan.problems.extend(bad)
                continue
            row = _Row(number, cells, self.positions)
            try:
                self.plan_row(row)
            except UserError as error:
                column = self.labels.get(error.field or "", "")
                self.plan.problems.append(RowProblem(number, column, error.message))
        for problems in self.bad_cells.values():
            self.plan.problems.extend(problems)

    def plan_row(self, row: _Row) -> None:
        raise NotImplementedError

    def check_writable(
        self, kind: str, commune_ids: tuple[uuid.UUID | None, ...], column: Column
    ) -> None:
        """Refuse a row that would change what the user's role only lets them read (an elected
        official or the secretariat); the sync service would refuse it anyway."""
        for commune_id in commune_ids:
            role = role_in(self.roles, commune_id)
            if kind in EDITABLE[role]:
                continue
            name = (
                self.communes.names.get(commune_id, "") if commune_id is not None else ""
            ) or syndicate_name()
            raise UserError(
                _(
                    "{field}: your role in {commune} is « {role} »: you may read its records, "
                    "not change them."
                ).format(field=column.label, commune=name, role=role_label(role)),
                column.header,
            )

    def record(self, row: _Row, action: ChangeAction, label: str, columns: list[str]) -> None:
        self.plan.changes.append(PlannedChange(row.number, action, label, tuple(columns)))


def _changes(
    before: dict[Column, object], after: dict[Column, object]
) -> tuple[list[str], list[Column]]:
    changed = [column for column, value in after.items() if before.get(column) != value]
    return [column.label for column in changed], changed


# ---------------------------------------------------------------------------------------------
# Projects


_PROJECT_FIELDS: dict[Column, str] = {
    TITLE: "title",
    DOMAIN: "domain",
    STATUS: "status",
    OWNER: "owner_commune_id",
    START: "start_date",
    END: "end_date",
    PROGRESS: "progress",
    PARTNERS: "partners",
    DESCRIPTION: "description",
}


class _ProjectPlanner(_Planner):
    columns = (
        CODE,
        TITLE,
        DOMAIN,
        STATUS,
        OWNER,
        PARTICIPANTS,
        START,
        END,
        PROGRESS,
        PARTNERS,
        DESCRIPTION,
    )
    # Only the AP in force travels in a spreadsheet, and an AP changes by a vote, which has a
    # date: the projects sheet shows it, the PPI lines change it.
    checked_columns = (AP_IN_FORCE,)

    def __init__(self, session: Session, sheet: SheetRows, plan: _Plan) -> None:
        super().__init__(session, sheet, plan)
        votes: list[Any] = list(session.execute(ap_in_force_cents()))
        self.ap_cents: dict[uuid.UUID, int] = {row[0]: row[1] for row in votes}
        self.existing: dict[str, dict[Column, Any]] = {}
        self.ids: dict[str, uuid.UUID] = {}
        for row in session.execute(select(models.Project)).scalars():
            self.ids[row.code] = row.id
            self.existing[row.code] = {
                column: getattr(row, name) for column, name in _PROJECT_FIELDS.items()
            }
        self.shares: dict[uuid.UUID, dict[uuid.UUID, tuple[uuid.UUID, int]]] = {}
        for participation_id, project_id, commune_id, share in session.execute(
            select(
                models.Participation.id,
                models.Participation.project_id,
                models.Participation.commune_id,
                models.Participation.cost_share,
            )
        ):
            self.shares.setdefault(project_id, {})[commune_id] = (participation_id, share)
        self.seen: dict[str, int] = {}
        self.syndicate = {fold(syndicate_name()), fold("The syndicate")}

    def plan_row(self, row: _Row) -> None:
        code = require_text(row.text(CODE), CODE.header, CODE.label, max_length=30)
        if code in self.seen:
            raise _same_value_problem(CODE, self.seen[code])
        existing = self.existing.get(code)
        values = self._values(row, existing)
        shares = self._shares(row)
        self._check_ap(row, self.ids.get(code))
        self.seen[code] = row.number
        label = _("project {code}").format(code=code)
        writes = self.plan.writes
        if existing is None:
            self.check_writable("project", (values[OWNER],), OWNER)
            project_id = new_id()
            self.record(row, ChangeAction.CREATE, label, [])
            writes.insert(
                models.Project,
                {"id": project_id, "code": code}
                | {name: values[column] for column, name in _PROJECT_FIELDS.items()},
            )
            for commune_id, share in (shares or {}).items():
                writes.insert(
                    models.Participation,
                    {
                        "id": new_id(),
                        "project_id": project_id,
                        "commune_id": commune_id,
                        "cost_share": share,
                    },
                )
            return
        project_id = self.ids[code]
        labels, changed = _changes(existing, values)
        current = self.shares.get(project_id, {})
        new_shares = shares is not None and {c: s for c, (_i, s) in current.items()} != shares
        if labels or new_shares:
            self.check_writable("project", (existing[OWNER], values[OWNER]), OWNER)
        if shares is not None and new_shares:
            labels.append(PARTICIPANTS.label)
            for commune_id, (participation_id, share) in current.items():
                if commune_id not in shares:
                    writes.delete(models.Participation, participation_id)
                elif shares[commune_id] != share:
                    writes.update(
                        models.Participation,
                        {"id": participation_id, "cost_share": shares[commune_id]},
                    )
            for commune_id, share in shares.items():
                if commune_id not in current:
                    writes.insert(
                        models.Participation,
                        {
                            "id": new_id(),
                            "project_id": project_id,
                            "commune_id": commune_id,
                            "cost_share": share,
                        },
                    )
        if not labels:
            self.plan.unchanged += 1
            return
        self.record(row, ChangeAction.UPDATE, label, labels)
        if changed:
            writes.update(
                models.Project,
                {"id": project_id} | {_PROJECT_FIELDS[c]: values[c] for c in changed},
            )

    def _values(self, row: _Row, existing: dict[Column, Any] | None) -> dict[Column, Any]:
        """Every field's new value: from the file where it has the column, else as it is."""
        values: dict[Column, Any] = {
            TITLE: require_text(row.text(TITLE), TITLE.header, TITLE.label),
            DOMAIN: parse_choice(
                row.text(DOMAIN), ProjectDomain, DOMAIN.header, DOMAIN.label
            ).value,
        }
        defaults: dict[Column, Any] = {
            STATUS: ProjectStatus.IDEA.value,
            OWNER: None,
            START: None,
            END: None,
            PROGRESS: 0,
            PARTNERS: "",
            DESCRIPTION: "",
        }
        kept = existing if existing is not None else defaults
        status_text = row.text(STATUS)
        values[STATUS] = (
            parse_choice(status_text, ProjectStatus, STATUS.header, STATUS.label).value
            if status_text
            else kept[STATUS]
        )
        values[OWNER] = self._owner(row) if row.has(OWNER) else kept[OWNER]
        values[START] = row.date(START) if row.has(START) else kept[START]
        values[END] = row.date(END) if row.has(END) else kept[END]
        check_order(values[START], values[END], END.header, END.label)
        progress = row.whole_number(PROGRESS)
        values[PROGRESS] = (
            check_percent(progress, PROGRESS.header, PROGRESS.label)
            if progress is not None
            else kept[PROGRESS]
        )
        values[PARTNERS] = row.text(PARTNERS) if row.has(PARTNERS) else kept[PARTNERS]
        values[DESCRIPTION] = row.text(DESCRIPTION) if row.has(DESCRIPTION) else kept[DESCRIPTION]
        return values

    def _check_ap(self, row: _Row, project_id: uuid.UUID | None) -> None:
        """The AP in force comes back as exported. One that contradicts the vote the copy holds
        makes the row bad; one for a project without a vote yet is named in the preview's
        notices (it comes with the PPI lines, as when a whole export is imported afresh)."""
        amount = row.amount(AP_IN_FORCE) if row.has(AP_IN_FORCE) else None
        if amount is None:
            return
        voted = self.ap_cents.get(project_id) if project_id is not None else None
        if to_cents(amount) == (voted or 0):
            return
        where = _(
            "an AP changes only by a vote: import it with the PPI lines ({code}, {amount}, {date})."
        ).format(code=PROJECT_CODE.label, amount=AP_IN_FORCE.label, date=AP_VOTED_ON.label)
        if voted is None:
            message = _(
                "{field}: this project has no AP voted yet, so this one is not written; {where}"
            )
            self.plan.notices.append(
                RowProblem(
                    row.number,
                    AP_IN_FORCE.label,
                    message.format(field=AP_IN_FORCE.label, where=where),
                )
            )
            return
        raise UserError(
            _("{field}: the AP voted is {voted}; {where}").format(
                field=AP_IN_FORCE.label, voted=format_money(Decimal(voted) / 100), where=where
            ),
            AP_IN_FORCE.header,
        )

    def _owner(self, row: _Row) -> uuid.UUID | None:
        text = row.text(OWNER)
        if not text or fold(text) in self.syndicate:
            return None
        return self.communes.find(text, OWNER)

    def _shares(self, row: _Row) -> dict[uuid.UUID, int] | None:
        text = row.text(PARTICIPANTS)
        if not text:
            return None
        shares: dict[uuid.UUID, int] = {}
        for part in filter(None, (piece.strip() for piece in text.split(";"))):
            matched = _SHARE.match(part)
            name, share = (matched["name"], int(matched["share"])) if matched else (part, 0)
            commune_id = self.communes.find(name, PARTICIPANTS)
            if commune_id in shares:
                raise UserError(
                    _("Participating communes: a commune takes part only once."),
                    PARTICIPANTS.header,
                )
            shares[commune_id] = check_percent(share, PARTICIPANTS.header, PARTICIPANTS.label)
        if sum(shares.values()) > 100:
            raise UserError(
                _("{field}: the shares add up to more than 100 %.").format(
                    field=PARTICIPANTS.label
                ),
                PARTICIPANTS.header,
            )
        return shares


# ---------------------------------------------------------------------------------------------
# Commitments


def project_ids_by_code(session: Session) -> dict[str, uuid.UUID]:
    rows = session.execute(select(models.Project.code, models.Project.id))
    return {code: project_id for code, project_id in rows}


def commitment_key(commune_id: uuid.UUID, made_on: dt.date, title: str) -> tuple[str, str, str]:
    """The stable key of a commitment across files and laptops (see the module's docstring)."""
    return (str(commune_id), made_on.isoformat(), " ".join(fold(title).split()))


_COMMITMENT_FIELDS: dict[Column, str] = {
    DUE_DATE: "due_date",
    STATUS: "status",
    CLOSED_ON: "closed_on",
    PROJECT_CODE: "project_id",
    PROMISED_BY: "promised_by",
    RESPONSIBLE: "responsible",
    DESCRIPTION: "description",
    EVIDENCE: "evidence",
}


class _CommitmentPlanner(_Planner):
    columns = COMMITMENT_COLUMNS

    def __init__(
        self,
        session: Session,
        sheet: SheetRows,
        plan: _Plan,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__(session, sheet, plan)
        self.today = today()
        self.existing: dict[tuple[str, str, str], tuple[uuid.UUID, dict[Column, Any]]] = {}
        statement = select(
            models.Commitment.id,
            models.Commitment.commune_id,
            models.Commitment.made_on,
            models.Commitment.title,
            *(getattr(models.Commitment, name) for name in _COMMITMENT_FIELDS.values()),
        ).order_by(models.Commitment.id)
        for commitment_id, commune_id, made_on, title, *rest in session.execute(statement):
            key = commitment_key(commune_id, made_on, title)
            if key not in self.existing:
                self.existing[key] = (
                    commitment_id,
                    dict(zip(_COMMITMENT_FIELDS, rest, strict=True)),
                )
        self.project_ids = project_ids_by_code(session)
        self.seen: dict[tuple[str, str, str], int] = {}

    def plan_row(self, row: _Row) -> None:
        commune_id = self.communes.find(row.text(COMMUNE), COMMUNE)
        title = require_text(row.text(COMMITMENT), COMMITMENT.header, COMMITMENT.label)
        made_on = row.required_date(MADE_ON)
        key = commitment_key(commune_id, made_on, title)
        found = self.existing.get(key)
        existing = found[1] if found is not None else None
        kept: dict[Column, Any] = existing or {
            DUE_DATE: None,
            STATUS: CommitmentStatus.OPEN.value,
            CLOSED_ON: None,
            PROJECT_CODE: None,
            PROMISED_BY: "",
            RESPONSIBLE: "",
            DESCRIPTION: "",
            EVIDENCE: "",
        }
        values: dict[Column, Any] = {}
        values[DUE_DATE] = row.date(DUE_DATE) if row.has(DUE_DATE) else kept[DUE_DATE]
        if values[DUE_DATE] is not None and values[DUE_DATE] < made_on:
            raise UserError(
                _("Due date: the due date cannot come before the day the commitment was made."),
                DUE_DATE.header,
            )
        status_text = row.text(STATUS)
        status = (
            parse_choice(status_text, CommitmentStatus, STATUS.header, STATUS.label)
            if status_text
            else CommitmentStatus(kept[STATUS])
        )
        values[STATUS] = status.value
        closed_on = row.date(CLOSED_ON) if row.has(CLOSED_ON) else None
        if not status.is_closed:
            values[CLOSED_ON] = None
        else:
            values[CLOSED_ON] = closed_on or kept[CLOSED_ON] or self.today
        values[PROJECT_CODE] = self._project(row) if row.has(PROJECT_CODE) else kept[PROJECT_CODE]
        for column in (PROMISED_BY, RESPONSIBLE):
            values[column] = row.text(column, SHORT_TEXT) if row.has(column) else kept[column]
        values[DESCRIPTION] = row.text(DESCRIPTION) if row.has(DESCRIPTION) else kept[DESCRIPTION]
        values[EVIDENCE] = row.text(EVIDENCE) if row.has(EVIDENCE) else kept[EVIDENCE]
        if key in self.seen:
            raise _same_value_problem(COMMITMENT, self.seen[key])
        self.seen[key] = row.number
        label = _("commitment « {title} »").format(title=title)
        if found is None:
            self.check_writable("commitment", (commune_id,), COMMUNE)
            self.record(row, ChangeAction.CREATE, label, [])
            self.plan.writes.insert(
                models.Commitment,
                {
                    "id": new_id(),
                    "commune_id": commune_id,
                    "title": title,
                    "made_on": made_on,
                    "meeting_id": None,
                }
                | {name: values[column] for column, name in _COMMITMENT_FIELDS.items()},
            )
            return
        labels, changed = _changes(kept, values)
        if not changed:
            self.plan.unchanged += 1
            return
        self.check_writable("commitment", (commune_id,), COMMUNE)
        self.record(row, ChangeAction.UPDATE, label, labels)
        self.plan.writes.update(
            models.Commitment,
            {"id": found[0]} | {_COMMITMENT_FIELDS[c]: values[c] for c in changed},
        )

    def _project(self, row: _Row) -> uuid.UUID | None:
        code = row.text(PROJECT_CODE)
        if not code:
            return None
        found = self.project_ids.get(code)
        if found is None:
            raise UserError(
                _("{field}: no project has the code « {code} ».").format(
                    field=PROJECT_CODE.label, code=code[:40]
                ),
                PROJECT_CODE.header,
            )
        return found


# ---------------------------------------------------------------------------------------------
# PPI lines


@dataclass
class _LineState:
    """A PPI line as the plan sees it: what exists, plus what earlier rows will add."""

    line_id: uuid.UUID
    exists: bool
    note: str
    cp: dict[int, tuple[uuid.UUID | None, int]]
    ap: dict[dt.date, tuple[uuid.UUID | None, int]]
    cp_rows: dict[int, int] = field(default_factory=dict)
    ap_rows: dict[dt.date, int] = field(default_factory=dict)


def _line_changes(
    state: _LineState,
    year: int | None,
    cp_cents: int | None,
    vote: tuple[dt.date, int] | None,
    note: str,
) -> bool:
    """Whether a PPI row writes anything (the same tests as ``_PpiPlanner._plan_changes``)."""
    if not state.exists or (note and note != state.note):
        return True
    if year is not None and cp_cents is not None:
        credit = state.cp.get(year)
        if credit is None or credit[1] != cp_cents:
            return True
    if vote is not None:
        existing = state.ap.get(vote[0])
        if existing is None or existing[1] != vote[1]:
            return True
    return False


class _PpiPlanner(_Planner):
    columns = (PROJECT_CODE, YEAR, CP, AP_IN_FORCE, AP_VOTED_ON, NOTE)

    def __init__(self, session: Session, sheet: SheetRows, plan: _Plan) -> None:
        super().__init__(session, sheet, plan)
        self.project_ids = project_ids_by_code(session)
        self.owners: dict[uuid.UUID, uuid.UUID | None] = {
            project_id: owner
            for project_id, owner in session.execute(
                select(models.Project.id, models.Project.owner_commune_id)
            )
        }
        self.lines: dict[uuid.UUID, _LineState] = {}
        by_line: dict[uuid.UUID, _LineState] = {}
        for line_id, project_id, note in session.execute(
            select(models.PpiLine.id, models.PpiLine.project_id, models.PpiLine.note)
        ):
            state = _LineState(line_id, True, note, {}, {})
            self.lines[project_id] = by_line[line_id] = state
        for credit_id, line_id, year, cents in session.execute(
            select(
                models.PaymentCredit.id,
                models.PaymentCredit.line_id,
                models.PaymentCredit.year,
                models.PaymentCredit.amount_cents,
            )
        ):
            by_line[line_id].cp[year] = (credit_id, cents)
        for vote_id, line_id, voted_on, cents in session.execute(
            select(
                models.ApRevision.id,
                models.ApRevision.line_id,
                models.ApRevision.voted_on,
                models.ApRevision.amount_cents,
            ).order_by(models.ApRevision.id)
        ):
            by_line[line_id].ap.setdefault(voted_on, (vote_id, cents))

    def plan_row(self, row: _Row) -> None:
        code = require_text(row.text(PROJECT_CODE), PROJECT_CODE.header, PROJECT_CODE.label)
        project_id = self.project_ids.get(code)
        if project_id is None:
            raise UserError(
                _("{field}: no project has the code « {code} ».").format(
                    field=PROJECT_CODE.label, code=code[:40]
                ),
                PROJECT_CODE.header,
            )
        year, cp_cents = self._credit(row)
        vote = self._vote(row)
        note = row.text(NOTE)
        state = self.lines.get(project_id) or _LineState(new_id(), False, "", {}, {})
        if year is not None and year in state.cp_rows:
            raise _same_value_problem(YEAR, state.cp_rows[year])
        if vote is not None and vote[0] in state.ap_rows and state.ap[vote[0]][1] != vote[1]:
            raise UserError(
                _("{field}: row {other} gives another amount for the vote of the same day.").format(
                    field=AP_IN_FORCE.label, other=state.ap_rows[vote[0]]
                ),
                AP_IN_FORCE.header,
            )
        if _line_changes(state, year, cp_cents, vote, note):
            self.check_writable("ppi_line", (self.owners.get(project_id),), PROJECT_CODE)
        self._plan_changes(row, code, project_id, state, year, cp_cents, vote, note)

    def _plan_changes(
        self,
        row: _Row,
        code: str,
        project_id: uuid.UUID,
        state: _LineState,
        year: int | None,
        cp_cents: int | None,
        vote: tuple[dt.date, int] | None,
        note: str,
    ) -> None:
        writes = self.plan.writes
        created = not state.exists
        changed: list[str] = []
        if created:
            writes.insert(
                models.PpiLine, {"id": state.line_id, "project_id": project_id, "note": note}
            )
            state.exists, state.note = True, note
            self.lines[project_id] = state
        elif note and note != state.note:
            changed.append(NOTE.label)
            writes.update(models.PpiLine, {"id": state.line_id, "note": note})
            state.note = note
        shown_year = year
        if year is not None and cp_cents is not None:
            state.cp_rows[year] = row.number
            credit = state.cp.get(year)
            if credit is None:
                created = True
                writes.insert(
                    models.PaymentCredit,
                    {
                        "id": new_id(),
                        "line_id": state.line_id,
                        "year": year,
                        "amount_cents": cp_cents,
                    },
                )
                state.cp[year] = (None, cp_cents)
            elif credit[1] != cp_cents:
                changed.append(CP.label)
                if credit[0] is not None:
                    writes.update(models.PaymentCredit, {"id": credit[0], "amount_cents": cp_cents})
                state.cp[year] = (credit[0], cp_cents)
        if vote is not None:
            voted_on, cents = vote
            state.ap_rows.setdefault(voted_on, row.number)
            existing = state.ap.get(voted_on)
            if existing is None:
                created = True
                writes.insert(
                    models.ApRevision,
                    {
                        "id": new_id(),
                        "line_id": state.line_id,
                        "voted_on": voted_on,
                        "amount_cents": cents,
                        "note": "",
                    },
                )
                state.ap[voted_on] = (None, cents)
            elif existing[1] != cents:
                changed.append(AP_IN_FORCE.label)
                if existing[0] is not None:
                    writes.update(models.ApRevision, {"id": existing[0], "amount_cents": cents})
                state.ap[voted_on] = (existing[0], cents)
        if not created and not changed:
            self.plan.unchanged += 1
            return
        label = (
            _("PPI line {code}, {year}").format(code=code, year=shown_year)
            if shown_year is not None
            else _("PPI line {code}").format(code=code)
        )
        self.record(row, ChangeAction.CREATE if created else ChangeAction.UPDATE, label, changed)

    def _credit(self, row: _Row) -> tuple[int | None, int | None]:
        year = row.whole_number(YEAR)
        amount = row.amount(CP)
        if year is not None and not 1972 <= year <= 2100:
            raise UserError(
                _("{field}: {value} is not a year of the plan (1972 to 2100).").format(
                    field=YEAR.label, value=year
                ),
                YEAR.header,
            )
        if amount is not None and year is None:
            raise UserError(
                _("{field}: give the year of these payment credits.").format(field=YEAR.label),
                YEAR.header,
            )
        return year, to_cents(amount) if amount is not None else None

    def _vote(self, row: _Row) -> tuple[dt.date, int] | None:
        amount = row.amount(AP_IN_FORCE)
        if amount is None or amount == 0:
            return None
        voted_on = row.required_date(AP_VOTED_ON)
        return voted_on, to_cents(amount)
