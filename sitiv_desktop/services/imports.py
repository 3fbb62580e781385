"""Importing projects, commitments and PPI lines from a spreadsheet, without retyping a line.

The file is first read against the local copy into a preview: what will be created, what will
change, and every bad row with its row number and column. Nothing is written while a row is
bad, unless the caller chooses to skip the bad rows; then the import runs in the caller's one
transaction. Importing the same file twice changes nothing the second time, because rows are
matched to what exists by a key that does not depend on the local copy's identifiers:

- a project by its code;
- a commitment by its commune, the day it was made and its wording (ignoring case, accents and
  repeated spaces): edit its wording in the spreadsheet and it becomes another commitment;
- a PPI line by its project's code, its CP by project code + year, an AP vote by project code +
  the day of the vote.

An empty « Participating communes » cell leaves a project's participations as they are.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.enums import CommitmentStatus, ProjectDomain, ProjectStatus
from sitiv_desktop.domain.transfers import (
    ChangeAction,
    ImportKind,
    ImportPreview,
    PlannedChange,
    RowProblem,
)
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.commitments import CommitmentDraft, save_commitment
from sitiv_desktop.services.communes import find_commune
from sitiv_desktop.services.conversions import syndicate_name
from sitiv_desktop.services.files import ProgressCallback, no_progress, read_failed
from sitiv_desktop.services.projects import ProjectDraft, save_project
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
    MADE_ON,
    NOTE,
    OWNER,
    PARTICIPANTS,
    PARTNERS,
    PROGRESS,
    PROJECT_CODE,
    PROMISED_BY,
    RESPONSIBLE,
    START,
    STATUS,
    TITLE,
    YEAR,
    Cell,
    Column,
    SheetRows,
    read_spreadsheet,
    spreadsheet_format,
)
from sitiv_desktop.services.text import fold
from sitiv_desktop.services.validation import (
    check_order,
    check_percent,
    parse_amount,
    parse_choice,
    parse_date,
    require_date,
    require_text,
    to_cents,
)
from sitiv_desktop.store import models
from sitiv_desktop.store.types import new_id

T = TypeVar("T")
Action = Callable[[], None]
_SHARE = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<share>\d+)\s*%?\s*\)$")

REQUIRED_COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.PROJECTS: (CODE, TITLE, DOMAIN),
    ImportKind.COMMITMENTS: (COMMUNE, COMMITMENT, MADE_ON),
    ImportKind.PPI: (PROJECT_CODE,),
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
    """Read a file, then write what it brings unless ``dry_run``; returns the preview.

    Raises ``ImportRefused`` when a row is bad and ``skip_bad_rows`` is false: the caller's
    transaction then rolls back, so nothing is written.
    """
    if file_format is None:
        if not isinstance(source, Path):
            raise ValueError("a stream needs its file format")
        file_format = spreadsheet_format(source)
    progress(0.0, _("Reading the file"))
    try:
        sheet = read_spreadsheet(source, file_format)
    except OSError as error:
        raise read_failed(source if isinstance(source, Path) else Path("?"), error) from error
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
    plan = _Plan()
    missing = [c for c in REQUIRED_COLUMNS[kind] if _position(sheet.headers, c) is None]
    if missing:
        for column in missing:
            plan.problems.append(
                RowProblem(
                    1,
                    column.label,
                    _("{field}: this column is missing from the first row.").format(
                        field=column.label
                    ),
                )
            )
    else:
        planners = {
            ImportKind.PROJECTS: _ProjectPlanner,
            ImportKind.COMMITMENTS: _CommitmentPlanner,
            ImportKind.PPI: _PpiPlanner,
        }
        planners[kind](session, sheet, plan).plan_all(progress)
    preview = ImportPreview(
        kind=kind,
        rows_read=len(sheet.rows),
        changes=tuple(plan.changes),
        unchanged=plan.unchanged,
        problems=tuple(plan.problems),
    )
    if dry_run:
        return preview
    if plan.problems and not skip_bad_rows:
        raise ImportRefused(preview)
    for index, action in enumerate(plan.actions):
        progress(0.5 + 0.5 * index / max(len(plan.actions), 1), _("Writing"))
        action()
    session.flush()
    progress(1.0, _("Import done"))
    return ImportPreview(
        kind=kind,
        rows_read=preview.rows_read,
        changes=preview.changes,
        unchanged=preview.unchanged,
        problems=preview.problems,
        applied=True,
    )


# ---------------------------------------------------------------------------------------------
# Reading cells


@dataclass
class _Plan:
    changes: list[PlannedChange] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
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

    def text(self, column: Column) -> str:
        value = self.raw(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime | dt.date):
            return value.strftime("%d/%m/%Y")
        return str(value).strip()

    def date(self, column: Column) -> dt.date | None:
        value = self.raw(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return parse_date(self.text(column), column.header, column.label)

    def required_date(self, column: Column) -> dt.date:
        found = self.date(column)
        return require_date(found, column.header, column.label)

    def amount(self, column: Column) -> Decimal | None:
        value = self.raw(column)
        if value is None or value == "":
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return parse_amount(Decimal(str(value)), column.header, column.label)
        if isinstance(value, str):
            # Read « 1 234,56 » the French way whatever the language of the window.
            compact = re.sub(r"[\s\u00a0\u202f'€]", "", value)
            if "," in compact:
                compact = compact.replace(".", "").replace(",", ".")
            try:
                return parse_amount(Decimal(compact), column.header, column.label)
            except InvalidOperation:
                pass
        return parse_amount(str(value), column.header, column.label)

    def whole_number(self, column: Column) -> int | None:
        value = self.raw(column)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = re.sub(r"[\s\u00a0\u202f%]", "", str(value))
        if text.isdigit() or (text.startswith("-") and text[1:].isdigit()):
            return int(text)
        raise UserError(
            _("{field}: « {value} » is not a whole number.").format(
                field=column.label, value=value
            ),
            column.header,
        )


def _commune_id(row: _Row, column: Column, session: Session) -> uuid.UUID:
    try:
        return find_commune(session, row.text(column)).id
    except NotFound as error:
        raise UserError(
            _("{field}: {message}").format(field=column.label, message=error.message),
            column.header,
        ) from error


def _same_value_problem(column: Column, other_row: int) -> UserError:
    return UserError(
        _("{field}: row {other} already has this value; each record comes once.").format(
            field=column.label, other=other_row
        ),
        column.header,
    )


class _Planner:
    """Reads every row into a plan; a row that raises ``UserError`` becomes a problem."""

    columns: tuple[Column, ...] = ()

    def __init__(self, session: Session, sheet: SheetRows, plan: _Plan) -> None:
        self.session = session
        self.sheet = sheet
        self.plan = plan
        self.positions: dict[str, int] = {}
        for column in self.columns:
            position = _position(sheet.headers, column)
            if position is not None:
                self.positions[column.header] = position
        self.labels = {column.header: column.label for column in self.columns}

    def plan_all(self, progress: ProgressCallback) -> None:
        total = max(len(self.sheet.rows), 1)
        for index, (number, cells) in enumerate(self.sheet.rows):
            if index % 50 == 0:
                progress(0.5 * index / total, _("Checking row {row}").format(row=number))
            row = _Row(number, cells, self.positions)
            try:
                self.plan_row(row)
            except UserError as error:
                column = self.labels.get(error.field or "", "")
                self.plan.problems.append(RowProblem(number, column, error.message))

    def plan_row(self, row: _Row) -> None:
        raise NotImplementedError

    def record(self, row: _Row, action: ChangeAction, label: str, columns: list[str]) -> None:
        self.plan.changes.append(PlannedChange(row.number, action, label, tuple(columns)))


def _changed(before: dict[Column, object], after: dict[Column, object]) -> list[str]:
    return [column.label for column, value in after.items() if before.get(column) != value]


# ---------------------------------------------------------------------------------------------
# Projects


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

    def __init__(self, session: Session, sheet: SheetRows, plan: _Plan) -> None:
        super().__init__(session, sheet, plan)
        rows = session.scalars(
            select(models.Project).options(selectinload(models.Project.participations))
        )
        self.existing = {row.code: row for row in rows}
        self.seen: dict[str, int] = {}

    def plan_row(self, row: _Row) -> None:
        code = require_text(row.text(CODE), CODE.header, CODE.label, max_length=30)
        if code in self.seen:
            raise _same_value_problem(CODE, self.seen[code])
        draft, values = self._draft(row, code)
        self.seen[code] = row.number
        existing = self.existing.get(code)
        if existing is None:
            self.record(row, ChangeAction.CREATE, _("project {code}").format(code=code), [])
        else:
            draft.id = existing.id
            changed = _changed(self._values_of(existing), values)
            if not changed:
                self.plan.unchanged += 1
                return
            self.record(row, ChangeAction.UPDATE, _("project {code}").format(code=code), changed)
        self.plan.actions.append(lambda: _save_project(self.session, draft))

    def _draft(self, row: _Row, code: str) -> tuple[ProjectDraft, dict[Column, object]]:
        title = require_text(row.text(TITLE), TITLE.header, TITLE.label)
        domain = parse_choice(row.text(DOMAIN), ProjectDomain, DOMAIN.header, DOMAIN.label)
        status_text = row.text(STATUS)
        status = (
            parse_choice(status_text, ProjectStatus, STATUS.header, STATUS.label)
            if status_text
            else ProjectStatus.IDEA
        )
        owner_id = self._owner(row)
        shares = self._shares(row)
        start, end = row.date(START), row.date(END)
        check_order(start, end, END.header, END.label)
        progress = check_percent(row.whole_number(PROGRESS) or 0, PROGRESS.header, PROGRESS.label)
        partners, description = row.text(PARTNERS), row.text(DESCRIPTION)
        draft = ProjectDraft(
            code=code,
            title=title,
            domain=domain,
            status=status,
            description=description,
            owner_commune_id=owner_id,
            partners=partners,
            start_date=start,
            end_date=end,
            progress=progress,
            participations=shares or {},
        )
        values: dict[Column, object] = {
            TITLE: title,
            DOMAIN: domain.value,
            STATUS: status.value,
            OWNER: owner_id,
            START: start,
            END: end,
            PROGRESS: progress,
            PARTNERS: partners,
            DESCRIPTION: description,
        }
        if shares is not None:
            values[PARTICIPANTS] = shares
        return draft, values

    @staticmethod
    def _values_of(project: models.Project) -> dict[Column, object]:
        return {
            TITLE: project.title,
            DOMAIN: project.domain,
            STATUS: project.status,
            OWNER: project.owner_commune_id,
            START: project.start_date,
            END: project.end_date,
            PROGRESS: project.progress,
            PARTNERS: project.partners,
            DESCRIPTION: project.description,
            PARTICIPANTS: {p.commune_id: p.cost_share for p in project.participations},
        }

    def _owner(self, row: _Row) -> uuid.UUID | None:
        text = row.text(OWNER)
        if not text or fold(text) in (fold(syndicate_name()), fold("The syndicate")):
            return None
        return _commune_id(row, OWNER, self.session)

    def _shares(self, row: _Row) -> dict[uuid.UUID, int] | None:
        text = row.text(PARTICIPANTS)
        if not text:
            return None
        shares: dict[uuid.UUID, int] = {}
        for part in filter(None, (piece.strip() for piece in text.split(";"))):
            matched = _SHARE.match(part)
            name, share = (matched["name"], int(matched["share"])) if matched else (part, 0)
            try:
                commune_id = find_commune(self.session, name).id
            except NotFound as error:
                raise UserError(
                    _("{field}: {message}").format(field=PARTICIPANTS.label, message=error.message),
                    PARTICIPANTS.header,
                ) from error
            shares[commune_id] = check_percent(share, PARTICIPANTS.header, PARTICIPANTS.label)
        if sum(shares.values()) > 100:
            raise UserError(
                _("{field}: the shares add up to more than 100 %.").format(
                    field=PARTICIPANTS.label
                ),
                PARTICIPANTS.header,
            )
        return shares


def _save_project(session: Session, draft: ProjectDraft) -> None:
    save_project(session, draft)


# ---------------------------------------------------------------------------------------------
# Commitments


def project_ids_by_code(session: Session) -> dict[str, uuid.UUID]:
    rows = session.execute(select(models.Project.code, models.Project.id))
    return {code: project_id for code, project_id in rows}


def commitment_key(commune_id: uuid.UUID, made_on: dt.date, title: str) -> tuple[str, str, str]:
    """The stable key of a commitment across files and laptops (see the module's docstring)."""
    return (str(commune_id), made_on.isoformat(), " ".join(fold(title).split()))


class _CommitmentPlanner(_Planner):
    columns = COMMITMENT_COLUMNS

    def __init__(self, session: Session, sheet: SheetRows, plan: _Plan) -> None:
        super().__init__(session, sheet, plan)
        self.existing: dict[tuple[str, str, str], models.Commitment] = {}
        for commitment in session.scalars(select(models.Commitment).order_by(models.Commitment.id)):
            key = commitment_key(commitment.commune_id, commitment.made_on, commitment.title)
            self.existing.setdefault(key, commitment)
        self.project_ids = project_ids_by_code(session)
        self.seen: dict[tuple[str, str, str], int] = {}

    def plan_row(self, row: _Row) -> None:
        commune_id = _commune_id(row, COMMUNE, self.session)
        title = require_text(row.text(COMMITMENT), COMMITMENT.header, COMMITMENT.label)
        made_on = row.required_date(MADE_ON)
        due_date = row.date(DUE_DATE)
        if due_date is not None and due_date < made_on:
            raise UserError(
                _("Due date: the due date cannot come before the day the commitment was made."),
                DUE_DATE.header,
            )
        status_text = row.text(STATUS)
        status = (
            parse_choice(status_text, CommitmentStatus, STATUS.header, STATUS.label)
            if status_text
            else CommitmentStatus.OPEN
        )
        closed_on = row.date(CLOSED_ON) if status.is_closed else None
        project_id = self._project(row)
        key = commitment_key(commune_id, made_on, title)
        if key in self.seen:
            raise _same_value_problem(COMMITMENT, self.seen[key])
        self.seen[key] = row.number
        values: dict[Column, object] = {
            DUE_DATE: due_date,
            STATUS: status.value,
            PROJECT_CODE: project_id,
            PROMISED_BY: row.text(PROMISED_BY),
            RESPONSIBLE: row.text(RESPONSIBLE),
            DESCRIPTION: row.text(DESCRIPTION),
        }
        if closed_on is not None:
            values[CLOSED_ON] = closed_on
        existing = self.existing.get(key)
        label = _("commitment « {title} »").format(title=title)
        if existing is None:
            self.record(row, ChangeAction.CREATE, label, [])
        else:
            before: dict[Column, object] = {
                DUE_DATE: existing.due_date,
                STATUS: existing.status,
                PROJECT_CODE: existing.project_id,
                PROMISED_BY: existing.promised_by,
                RESPONSIBLE: existing.responsible,
                DESCRIPTION: existing.description,
                CLOSED_ON: existing.closed_on,
            }
            changed = _changed(before, values)
            if not changed:
                self.plan.unchanged += 1
                return
            self.record(row, ChangeAction.UPDATE, label, changed)
        draft = CommitmentDraft(
            commune_id=commune_id,
            title=title if existing is None else existing.title,
            made_on=made_on,
            due_date=due_date,
            status=status,
            description=row.text(DESCRIPTION),
            promised_by=row.text(PROMISED_BY),
            responsible=row.text(RESPONSIBLE),
            meeting_id=existing.meeting_id if existing is not None else None,
            project_id=project_id,
            id=existing.id if existing is not None else None,
        )
        self.plan.actions.append(lambda: _save_commitment(self.session, draft, closed_on))

    def _project(self, row: _Row) -> uuid.UUID | None:
        code = row.text(PROJECT_CODE)
        if not code:
            return None
        found = self.project_ids.get(code)
        if found is None:
            raise UserError(
                _("{field}: no project has the code « {code} ».").format(
                    field=PROJECT_CODE.label, code=code
                ),
                PROJECT_CODE.header,
            )
        return found


def _save_commitment(session: Session, draft: CommitmentDraft, closed_on: dt.date | None) -> None:
    saved = save_commitment(session, draft, today=closed_on)
    if closed_on is not None:
        row = session.get(models.Commitment, saved.id)
        if row is not None:
            row.closed_on = closed_on


# ---------------------------------------------------------------------------------------------
# PPI lines


@dataclass
class _LineState:
    """A PPI line as the plan sees it: what exists, plus what earlier rows will add."""

    project_id: uuid.UUID
    exists: bool
    note: str
    cp_cents: dict[int, int]
    ap_cents: dict[dt.date, int]
    cp_rows: dict[int, int] = field(default_factory=dict)
    ap_rows: dict[dt.date, int] = field(default_factory=dict)


class _PpiPlanner(_Planner):
    columns = (PROJECT_CODE, YEAR, CP, AP_IN_FORCE, AP_VOTED_ON, NOTE)

    def __init__(self, session: Session, sheet: SheetRows, plan: _Plan) -> None:
        super().__init__(session, sheet, plan)
        self.project_ids = project_ids_by_code(session)
        self.lines: dict[uuid.UUID, _LineState] = {}
        lines = session.scalars(
            select(models.PpiLine).options(
                selectinload(models.PpiLine.revisions),
                selectinload(models.PpiLine.payment_credits),
            )
        )
        for line in lines:
            self.lines[line.project_id] = _LineState(
                project_id=line.project_id,
                exists=True,
                note=line.note,
                cp_cents={credit.year: credit.amount_cents for credit in line.payment_credits},
                ap_cents={vote.voted_on: vote.amount_cents for vote in line.revisions},
            )

    def plan_row(self, row: _Row) -> None:
        code = require_text(row.text(PROJECT_CODE), PROJECT_CODE.header, PROJECT_CODE.label)
        project_id = self.project_ids.get(code)
        if project_id is None:
            raise UserError(
                _("{field}: no project has the code « {code} ».").format(
                    field=PROJECT_CODE.label, code=code
                ),
                PROJECT_CODE.header,
            )
        year, cp_cents = self._credit(row)
        ap = self._vote(row)
        note = row.text(NOTE)
        state = self.lines.get(project_id) or _LineState(project_id, False, "", {}, {})
        if year is not None and year in state.cp_rows:
            raise _same_value_problem(YEAR, state.cp_rows[year])
        if ap is not None and ap[0] in state.ap_rows and state.ap_cents[ap[0]] != ap[1]:
            raise UserError(
                _("{field}: row {other} gives another amount for the vote of the same day.").format(
                    field=AP_IN_FORCE.label, other=state.ap_rows[ap[0]]
                ),
                AP_IN_FORCE.header,
            )
        self._plan_changes(row, code, state, year, cp_cents, ap, note)

    def _plan_changes(
        self,
        row: _Row,
        code: str,
        state: _LineState,
        year: int | None,
        cp_cents: int | None,
        ap: tuple[dt.date, int] | None,
        note: str,
    ) -> None:
        created = not state.exists
        changed: list[str] = []
        if year is not None and cp_cents is not None:
            state.cp_rows[year] = row.number
            if year not in state.cp_cents:
                created = True
            elif state.cp_cents[year] != cp_cents:
                changed.append(CP.label)
            else:
                year = None  # nothing to write for this year
        if ap is not None:
            state.ap_rows.setdefault(ap[0], row.number)
            if state.ap_cents.get(ap[0]) is None:
                created = True
            elif state.ap_cents[ap[0]] != ap[1]:
                changed.append(AP_IN_FORCE.label)
            else:
                ap = None
        if note and note != state.note:
            changed.append(NOTE.label)
        else:
            note = ""
        state.exists = True
        self.lines[state.project_id] = state
        if year is not None and cp_cents is not None:
            state.cp_cents[year] = cp_cents
        if ap is not None:
            state.ap_cents[ap[0]] = ap[1]
        if note:
            state.note = note
        if not created and not changed:
            self.plan.unchanged += 1
            return
        label = (
            _("PPI line {code}, {year}").format(code=code, year=year)
            if year is not None
            else _("PPI line {code}").format(code=code)
        )
        self.record(row, ChangeAction.CREATE if created else ChangeAction.UPDATE, label, changed)
        project_id = state.project_id
        self.plan.actions.append(
            lambda: _write_ppi(self.session, project_id, year, cp_cents, ap, note)
        )

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


def _write_ppi(
    session: Session,
    project_id: uuid.UUID,
    year: int | None,
    cp_cents: int | None,
    ap: tuple[dt.date, int] | None,
    note: str,
) -> None:
    line = session.scalar(select(models.PpiLine).where(models.PpiLine.project_id == project_id))
    if line is None:
        line = models.PpiLine(id=new_id(), project_id=project_id, note="")
        session.add(line)
        session.flush()
    if note:
        line.note = note
    if year is not None and cp_cents is not None:
        credit = session.scalar(
            select(models.PaymentCredit).where(
                models.PaymentCredit.line_id == line.id, models.PaymentCredit.year == year
            )
        )
        if credit is None:
            session.add(models.PaymentCredit(line_id=line.id, year=year, amount_cents=cp_cents))
        else:
            credit.amount_cents = cp_cents
    if ap is not None:
        vote = session.scalar(
            select(models.ApRevision).where(
                models.ApRevision.line_id == line.id, models.ApRevision.voted_on == ap[0]
            )
        )
        if vote is None:
            session.add(
                models.ApRevision(line_id=line.id, voted_on=ap[0], amount_cents=ap[1], note="")
            )
        else:
            vote.amount_cents = ap[1]
    session.flush()
