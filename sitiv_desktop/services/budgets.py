"""A project's budget as people edit it: its PPI line, the AP votes (kept, never rewritten) and
the CP of each year."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.domain.records import PpiLineRecord
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.ppi import list_ppi_lines
from sitiv_desktop.services.validation import (
    check_budget_date,
    check_year,
    parse_amount,
    require_date,
    to_cents,
)
from sitiv_desktop.store import models


@dataclass
class ApVoteDraft:
    """A new vote of the AP: the day and the amount (the text as typed)."""

    voted_on: str | dt.date | None
    amount: str | Decimal | None
    note: str = ""


@dataclass
class PpiLineDraft:
    project_id: uuid.UUID | None
    note: str = ""
    new_votes: Sequence[ApVoteDraft] = field(default_factory=tuple)
    cp_by_year: Mapping[int, str | Decimal | None] = field(default_factory=dict)


def ppi_line_of(session: Session, project_id: uuid.UUID) -> PpiLineRecord | None:
    line_id = session.scalar(
        select(models.PpiLine.id).where(models.PpiLine.project_id == project_id)
    )
    if line_id is None:
        return None
    found = list_ppi_lines(session, line_ids=[line_id])
    return found[0] if found else None


def get_ppi_line(session: Session, line_id: uuid.UUID) -> PpiLineRecord:
    found = list_ppi_lines(session, line_ids=[line_id])
    if not found:
        raise NotFound(_("No PPI line has this identifier."))
    return found[0]


def save_ppi_line(session: Session, draft: PpiLineDraft) -> PpiLineRecord:
    """Create or update a project's PPI line: new AP votes are added to its history, the CP of
    each year given replace the old ones (an empty amount removes that year)."""
    if draft.project_id is None or session.get(models.Project, draft.project_id) is None:
        raise UserError(_("Project: choose the project of this PPI line."), "project")
    votes = []
    for vote in draft.new_votes:
        voted_on = check_budget_date(
            require_date(vote.voted_on, "ap_votes", _("AP vote")), "ap_votes", _("AP vote")
        )
        amount = parse_amount(vote.amount, "ap_votes", _("AP vote"))
        if amount is None or amount <= 0:
            raise UserError(_("AP vote: the amount voted must be more than zero."), "ap_votes")
        votes.append((voted_on, amount, vote.note.strip()))
    credits: dict[int, Decimal | None] = {}
    for year, typed in draft.cp_by_year.items():
        check_year(year, "cp", _("CP"))
        credits[year] = parse_amount(typed, "cp", _("CP {year}").format(year=year))
    line = session.scalar(
        select(models.PpiLine).where(models.PpiLine.project_id == draft.project_id)
    )
    if line is None:
        line = models.PpiLine(project_id=draft.project_id, note="")
        session.add(line)
    line.note = draft.note.strip()
    for voted_on, amount, note in votes:
        line.revisions.append(
            models.ApRevision(voted_on=voted_on, amount_cents=to_cents(amount), note=note)
        )
    existing = {credit.year: credit for credit in line.payment_credits}
    for year, amount in credits.items():
        if amount is None:
            if year in existing:
                line.payment_credits.remove(existing[year])
        elif year in existing:
            existing[year].amount_cents = to_cents(amount)
        else:
            line.payment_credits.append(
                models.PaymentCredit(year=year, amount_cents=to_cents(amount))
            )
    session.flush()
    session.expire_all()
    return get_ppi_line(session, line.id)


def delete_ppi_line(session: Session, line_id: uuid.UUID) -> None:
    row = session.get(models.PpiLine, line_id)
    if row is None:
        raise NotFound(_("No PPI line has this identifier."))
    session.delete(row)
