"""The rules of a commitments sheet: one row per commitment, matched by commune, day and
wording.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import CommitmentStatus
from sitiv_desktop.domain.transfers import (
    ChangeAction,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.columns import (
    CLOSED_ON,
    COMMITMENT,
    COMMITMENT_COLUMNS,
    COMMUNE,
    DESCRIPTION,
    DUE_DATE,
    EVIDENCE,
    MADE_ON,
    PROJECT_CODE,
    PROMISED_BY,
    RESPONSIBLE,
    STATUS,
    Column,
)
from sitiv_desktop.services.imports.cells import Row, same_value_problem
from sitiv_desktop.services.imports.matching import commitment_key, project_ids_by_code
from sitiv_desktop.services.imports.staging import Planner, Staged, changed_columns
from sitiv_desktop.services.reading import SheetRows
from sitiv_desktop.services.validation import (
    parse_choice,
    require_text,
)
from sitiv_desktop.store import models
from sitiv_desktop.store.types import new_id

SHORT_TEXT = 200


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


class CommitmentPlanner(Planner):
    columns = COMMITMENT_COLUMNS

    def __init__(
        self,
        session: Session,
        sheet: SheetRows,
        plan: Staged,
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

    def plan_row(self, row: Row) -> None:
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
            raise same_value_problem(COMMITMENT, self.seen[key])
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
        labels, changed = changed_columns(kept, values)
        if not changed:
            self.plan.unchanged += 1
            return
        self.check_writable("commitment", (commune_id,), COMMUNE)
        self.record(row, ChangeAction.UPDATE, label, labels)
        self.plan.writes.update(
            models.Commitment,
            {"id": found[0]} | {_COMMITMENT_FIELDS[c]: values[c] for c in changed},
        )

    def _project(self, row: Row) -> uuid.UUID | None:
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
