"""The rules of a PPI sheet: one row per line and year of CP, with the AP vote in force."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.domain.transfers import (
    ChangeAction,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.columns import (
    AP_IN_FORCE,
    AP_VOTED_ON,
    CP,
    NOTE,
    PPI_IMPORTED,
    PROJECT_CODE,
    YEAR,
)
from sitiv_desktop.services.imports.cells import Row, same_value_problem
from sitiv_desktop.services.imports.matching import project_ids_by_code
from sitiv_desktop.services.imports.staging import Planner, Staged
from sitiv_desktop.services.reading import SheetRows
from sitiv_desktop.services.validation import (
    check_budget_date,
    check_year,
    require_text,
    to_cents,
)
from sitiv_desktop.store import models
from sitiv_desktop.store.types import new_id


@dataclass
class LineState:
    """A PPI line as the plan sees it: what exists, plus what earlier rows will add."""

    line_id: uuid.UUID
    exists: bool
    note: str
    cp: dict[int, tuple[uuid.UUID | None, int]]
    ap: dict[dt.date, tuple[uuid.UUID | None, int]]
    cp_rows: dict[int, int] = field(default_factory=dict)
    ap_rows: dict[dt.date, int] = field(default_factory=dict)
    # Created by an earlier row of the file: its other rows create its CP and votes too.
    new: bool = False


def line_changes(
    state: LineState,
    year: int | None,
    cp_cents: int | None,
    vote: tuple[dt.date, int] | None,
    note: str,
) -> bool:
    """Whether a PPI row writes anything (the same tests as ``PpiPlanner._plan_changes``)."""
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


class PpiPlanner(Planner):
    columns = PPI_IMPORTED

    def __init__(self, session: Session, sheet: SheetRows, plan: Staged) -> None:
        super().__init__(session, sheet, plan)
        self.project_ids = project_ids_by_code(session)
        self.owners: dict[uuid.UUID, uuid.UUID | None] = {
            project_id: owner
            for project_id, owner in session.execute(
                select(models.Project.id, models.Project.owner_commune_id)
            )
        }
        self.lines: dict[uuid.UUID, LineState] = {}
        by_line: dict[uuid.UUID, LineState] = {}
        for line_id, project_id, note in session.execute(
            select(models.PpiLine.id, models.PpiLine.project_id, models.PpiLine.note)
        ):
            state = LineState(line_id, True, note, {}, {})
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

    def plan_row(self, row: Row) -> None:
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
        state = self.lines.get(project_id) or LineState(new_id(), False, "", {}, {})
        if year is not None and year in state.cp_rows:
            raise same_value_problem(YEAR, state.cp_rows[year])
        if vote is not None and vote[0] in state.ap_rows and state.ap[vote[0]][1] != vote[1]:
            raise UserError(
                _("{field}: row {other} gives another amount for the vote of the same day.").format(
                    field=AP_IN_FORCE.label, other=state.ap_rows[vote[0]]
                ),
                AP_IN_FORCE.header,
            )
        if line_changes(state, year, cp_cents, vote, note):
            self.check_writable("ppi_line", (self.owners.get(project_id),), PROJECT_CODE)
        self._plan_changes(row, code, project_id, state, year, cp_cents, vote, note)

    def _plan_changes(
        self,
        row: Row,
        code: str,
        project_id: uuid.UUID,
        state: LineState,
        year: int | None,
        cp_cents: int | None,
        vote: tuple[dt.date, int] | None,
        note: str,
    ) -> None:
        """Write what the row adds or changes. A row of a line that exists changes it, and the
        preview names each field it changes: the CP of the year, the AP of a vote already
        held, a new AP vote (by its day), the note."""
        writes = self.plan.writes
        created = False
        changed: list[str] = []
        if not state.exists:
            created = True
            writes.insert(
                models.PpiLine, {"id": state.line_id, "project_id": project_id, "note": note}
            )
            state.exists, state.new, state.note = True, True, note
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
                created = created or state.new
                if not state.new:
                    changed.append(CP.label)
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
                created = created or state.new
                if not state.new:
                    changed.append(
                        _("new AP vote of {day}").format(day=voted_on.strftime("%d/%m/%Y"))
                    )
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

    def _credit(self, row: Row) -> tuple[int | None, int | None]:
        year = row.whole_number(YEAR)
        amount = row.amount(CP)
        if year is not None:
            check_year(year, YEAR.header, YEAR.label)
        if amount is not None and year is None:
            raise UserError(
                _("{field}: give the year of these payment credits.").format(field=YEAR.label),
                YEAR.header,
            )
        return year, to_cents(amount) if amount is not None else None

    def _vote(self, row: Row) -> tuple[dt.date, int] | None:
        amount = row.amount(AP_IN_FORCE)
        if amount is None or amount == 0:
            return None
        voted_on = check_budget_date(
            row.required_date(AP_VOTED_ON), AP_VOTED_ON.header, AP_VOTED_ON.label
        )
        return voted_on, to_cents(amount)
