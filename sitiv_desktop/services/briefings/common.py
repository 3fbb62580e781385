"""What the packs' queries share: how many entries each list details, and a few counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.records import CommitmentRecord, ProjectRecord
from sitiv_desktop.i18n import _, format_long_date
from sitiv_desktop.services.conversions import commitment_record
from sitiv_desktop.services.projects import ap_in_force_cents, projects_by_id
from sitiv_desktop.store import models

# How many entries each list of a pack details, at most: a pack is read before a meeting, in
# the car, and the application holds the full lists. Totals always count everything.
RECENT_EXCHANGES = 12
PROJECTS_SHOWN = 25
# Late commitments are what a meeting must address first: their list is the longest.
LATE_SHOWN = 80
DUE_SOON_SHOWN = 25
KEPT_SHOWN = 25
CHANGES_SHOWN = 30
STAKES_SHOWN = 20
PPI_LINES_SHOWN = 20
# The New Year address pack: the syndicate-wide lists, then each commune's page, kept to one.
DELIVERED_SHOWN = 30
NEXT_PPI_LINES_SHOWN = 30
COMMUNE_PAGE_SHOWN = 6
# Without an earlier mayor meeting, « what changed » looks back this far.
FIRST_MEETING_LOOKBACK_DAYS = 365
TALKING_POINTS_PER_TOPIC = 5


def syndicate_name() -> str:
    return _("SITIV — Intercommunal syndicate for information technologies")


def commitments_where(
    session: Session,
    conditions: list[ColumnElement[bool]],
    order: tuple[Any, ...],
    limit: int,
) -> list[CommitmentRecord]:
    statement = (
        select(models.Commitment)
        .where(*conditions)
        .options(selectinload(models.Commitment.commune), selectinload(models.Commitment.project))
        .order_by(*order, models.Commitment.id)
        .limit(limit)
    )
    return [commitment_record(row) for row in session.scalars(statement)]


def count_commitments(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    statement = select(func.count()).select_from(models.Commitment).where(*conditions)
    return session.scalar(statement) or 0


def projects_where(
    session: Session, conditions: list[ColumnElement[bool]], limit: int
) -> tuple[list[ProjectRecord], int]:
    """The largest projects by AP in force, then by code, and how many meet the conditions
    (counted by the same query, before its limit)."""
    latest = ap_in_force_cents(select(models.Project.id).where(*conditions)).subquery()
    statement = (
        select(models.Project.id, func.count().over())
        .outerjoin(latest, latest.c.project_id == models.Project.id)
        .where(*conditions)
        .order_by(func.coalesce(latest.c.amount_cents, 0).desc(), models.Project.code)
        .limit(limit)
    )
    found = session.execute(statement).all()
    chosen = [project_id for project_id, _count in found]
    records = {record.id: record for record in projects_by_id(session, chosen)}
    return [records[project_id] for project_id in chosen], found[0][1] if found else 0


def count_projects(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    statement = select(func.count()).select_from(models.Project).where(*conditions)
    return session.scalar(statement) or 0


def long_date(day: dt.date) -> str:
    """« 1er décembre 2026 », « 5 février 2027 »: the one date format of the packs, whose spaces
    never break a line."""
    return format_long_date(day).replace(" ", "\u00a0")
