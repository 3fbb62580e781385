"""The rules of a projects sheet: one row per project, matched by its code."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import ProjectDomain, ProjectStatus
from sitiv_desktop.domain.transfers import (
    ChangeAction,
    RowProblem,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, format_money, ngettext
from sitiv_desktop.services.columns import (
    AP_IN_FORCE,
    AP_VOTED_ON,
    CODE,
    DESCRIPTION,
    DOMAIN,
    END,
    OWNER,
    PARTICIPANTS,
    PARTNERS,
    PROGRESS,
    PROJECT_CODE,
    PROJECT_IMPORTED,
    START,
    STATUS,
    TITLE,
    Column,
)
from sitiv_desktop.services.conversions import syndicate_name
from sitiv_desktop.services.imports.cells import Row, same_value_problem
from sitiv_desktop.services.imports.staging import Planner, Staged, changed_columns
from sitiv_desktop.services.projects import ap_in_force_cents
from sitiv_desktop.services.reading import SheetRows
from sitiv_desktop.services.text import fold
from sitiv_desktop.services.validation import (
    check_order,
    check_percent,
    parse_choice,
    require_text,
    to_cents,
)
from sitiv_desktop.store import models
from sitiv_desktop.store.types import new_id

# The columns a new project's row needs; a row that changes a project may lack them.
NEEDED_TO_CREATE = (TITLE, DOMAIN)
_SHARE = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<share>\d{1,3})\s*%?\s*\)$")


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


class ProjectPlanner(Planner):
    columns = PROJECT_IMPORTED
    # Only the AP in force travels in a spreadsheet, and an AP changes by a vote, which has a
    # date: the projects sheet shows it, the PPI lines change it.
    checked_columns = (AP_IN_FORCE,)

    def __init__(self, session: Session, sheet: SheetRows, plan: Staged) -> None:
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

    def plan_row(self, row: Row) -> None:
        code = require_text(row.text(CODE), CODE.header, CODE.label, max_length=30)
        if code in self.seen:
            raise same_value_problem(CODE, self.seen[code])
        existing = self.existing.get(code)
        values = self._values(row, code, existing)
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
        labels, changed = changed_columns(existing, values)
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

    def _values(self, row: Row, code: str, existing: dict[Column, Any] | None) -> dict[Column, Any]:
        """Every field's new value: from the file where it has the column, else as it is. A
        project the copy does not hold yet needs its title and domain from the file."""
        lacking = [c for c in NEEDED_TO_CREATE if not row.has(c)] if existing is None else []
        if lacking:
            raise UserError(
                ngettext(
                    "{fields}: no project has the code « {code} » yet, and creating it needs "
                    "this column, which the file lacks.",
                    "{fields}: no project has the code « {code} » yet, and creating it needs "
                    "these columns, which the file lacks.",
                    len(lacking),
                ).format(fields=", ".join(c.label for c in lacking), code=code[:40]),
                lacking[0].header,
            )
        values: dict[Column, Any] = {}
        values[TITLE] = (
            require_text(row.text(TITLE), TITLE.header, TITLE.label)
            if existing is None or row.has(TITLE)
            else existing[TITLE]
        )
        values[DOMAIN] = (
            parse_choice(row.text(DOMAIN), ProjectDomain, DOMAIN.header, DOMAIN.label).value
            if existing is None or row.has(DOMAIN)
            else existing[DOMAIN]
        )
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

    def _check_ap(self, row: Row, project_id: uuid.UUID | None) -> None:
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

    def _owner(self, row: Row) -> uuid.UUID | None:
        text = row.text(OWNER)
        if not text or fold(text) in self.syndicate:
            return None
        return self.communes.find(text, OWNER)

    def _shares(self, row: Row) -> dict[uuid.UUID, int] | None:
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
