"""The trace of every exchange with a commune: the timeline, and noting a new exchange."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.enums import ExchangeChannel, ExchangeDirection
from sitiv_desktop.domain.records import ExchangeRecord
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.conversions import exchange_record
from sitiv_desktop.services.validation import parse_choice, require_date, require_text
from sitiv_desktop.store import models


def _filtered(commune_id: uuid.UUID | None, since: dt.date | None) -> Select[models.Exchange]:
    statement = select(models.Exchange)
    if commune_id is not None:
        statement = statement.where(models.Exchange.commune_id == commune_id)
    if since is not None:
        statement = statement.where(models.Exchange.occurred_on >= since)
    return statement


def count_exchanges(session: Session, commune_id: uuid.UUID | None = None) -> int:
    return (
        session.scalar(
            _filtered(commune_id, None).with_only_columns(func.count(), maintain_column_froms=True)
        )
        or 0
    )


def exchange_timeline(
    session: Session,
    commune_id: uuid.UUID | None = None,
    since: dt.date | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[ExchangeRecord]:
    """Exchanges, the most recent first."""
    statement = (
        _filtered(commune_id, since)
        .options(selectinload(models.Exchange.commune))
        .order_by(models.Exchange.occurred_on.desc(), models.Exchange.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [exchange_record(row) for row in session.scalars(statement)]


@dataclass
class ExchangeDraft:
    """What a person typed in « noter un échange », before it is checked."""

    commune_id: uuid.UUID | None
    subject: str
    occurred_on: str | dt.date | None
    channel: str | ExchangeChannel = ExchangeChannel.PHONE
    direction: str | ExchangeDirection = ExchangeDirection.INCOMING
    summary: str = ""
    follow_up: str = ""
    author: str = ""
    project_id: uuid.UUID | None = None
    commitment_id: uuid.UUID | None = None
    id: uuid.UUID | None = None


def record_exchange(session: Session, draft: ExchangeDraft) -> ExchangeRecord:
    """Create or update an exchange after checking it."""
    if draft.commune_id is None or session.get(models.Commune, draft.commune_id) is None:
        raise UserError(_("Commune: choose the commune of this exchange."), "commune")
    subject = require_text(draft.subject, "subject", _("Subject"))
    occurred_on = require_date(draft.occurred_on, "occurred_on", _("Date"))
    channel = parse_choice(draft.channel, ExchangeChannel, "channel", _("Channel"))
    direction = parse_choice(draft.direction, ExchangeDirection, "direction", _("Direction"))
    author = require_text(draft.author, "author", _("Author"))
    if draft.project_id is not None and session.get(models.Project, draft.project_id) is None:
        raise UserError(_("Project: the project chosen no longer exists."), "project")
    if (
        draft.commitment_id is not None
        and session.get(models.Commitment, draft.commitment_id) is None
    ):
        raise UserError(_("Commitment: the commitment chosen no longer exists."), "commitment")
    row = models.Exchange() if draft.id is None else session.get(models.Exchange, draft.id)
    if row is None:
        raise NotFound(_("No exchange has this identifier."))
    row.commune_id, row.subject, row.occurred_on = draft.commune_id, subject, occurred_on
    row.channel, row.direction = channel.value, direction.value
    row.summary, row.follow_up = draft.summary.strip(), draft.follow_up.strip()
    row.author, row.project_id, row.commitment_id = (
        author,
        draft.project_id,
        draft.commitment_id,
    )
    session.add(row)
    session.flush()
    session.refresh(row)
    return exchange_record(row)


def delete_exchange(session: Session, exchange_id: uuid.UUID) -> None:
    row = session.get(models.Exchange, exchange_id)
    if row is None:
        raise NotFound(_("No exchange has this identifier."))
    session.delete(row)
