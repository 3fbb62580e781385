"""Mandate stakes: what each commune's mandate plan asks of digital services."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.records import StakeRecord
from sitiv_desktop.services.conversions import stake_record
from sitiv_desktop.store import models


def list_stakes(session: Session, commune_id: uuid.UUID | None = None) -> list[StakeRecord]:
    """Stakes in the order the mandate plan reads: axis, line, action."""
    statement = (
        select(models.MandateStake)
        .options(
            selectinload(models.MandateStake.answers).selectinload(models.StakeProject.project)
        )
        .order_by(models.MandateStake.axis, models.MandateStake.line, models.MandateStake.action)
    )
    if commune_id is not None:
        statement = statement.where(models.MandateStake.commune_id == commune_id)
    return [stake_record(row) for row in session.scalars(statement)]
