"""The data of the mayor meeting pack: one meeting with one commune.

A pack for one commune holds nothing of another: every query here is limited to the commune
(its own commitments, exchanges and stakes; the projects it owns or takes part in; its share of
the PPI). Its figures stand at the meeting's day, or at the day it is built when that comes
first: nothing not yet due is counted late.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, case, exists, func, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.briefings import ChangeEntry, ChangeKind, MeetingPackData, PpiShare
from sitiv_desktop.domain.enums import CommitmentStatus, Priority, ProjectStatus
from sitiv_desktop.domain.records import (
    CommitmentRecord,
    ExchangeRecord,
    PpiLineRecord,
    ProjectRecord,
    StakeRecord,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.briefings.changes import changes_since, last_mayor_meeting
from sitiv_desktop.services.briefings.common import (
    CHANGES_SHOWN,
    DUE_SOON_SHOWN,
    FIRST_MEETING_LOOKBACK_DAYS,
    KEPT_SHOWN,
    LATE_SHOWN,
    PPI_LINES_SHOWN,
    PROJECTS_SHOWN,
    RECENT_EXCHANGES,
    STAKES_SHOWN,
    commitments_where,
    count_commitments,
    syndicate_name,
)
from sitiv_desktop.services.briefings.talking_points import with_talking_points
from sitiv_desktop.services.commitments import DUE_SOON_DAYS, OPEN_STATUSES
from sitiv_desktop.services.communes import get_commune, list_contacts
from sitiv_desktop.services.conversions import exchange_record, stake_record
from sitiv_desktop.services.meetings import get_meeting
from sitiv_desktop.services.ppi import (
    balance,
    list_ppi_lines,
    ppi_table,
    share_left_to_program,
)
from sitiv_desktop.services.projects import (
    ap_in_force_cents,
    commune_project_filter,
    projects_by_id,
)
from sitiv_desktop.store import models


def meeting_pack_data(
    session: Session,
    meeting_id: uuid.UUID,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
) -> MeetingPackData:
    """The mayor meeting pack of a meeting with exactly one commune.

    Its figures stand at ``as_of`` when given, else at the meeting's day or ``today`` (the
    day it is built) when that comes first. Each list is read already filtered, ordered and
    capped by the database; only its count is read in full.
    """
    meeting = get_meeting(session, meeting_id)
    if len(meeting.commune_ids) != 1:
        raise UserError(
            _(
                "Meeting: the meeting pack is for a meeting with one commune, and this one "
                "concerns {count}; print its agenda instead."
            ).format(count=len(meeting.commune_ids)),
            "meeting",
        )
    commune_id = meeting.commune_ids[0]
    commune = get_commune(session, commune_id)
    stands_at = as_of or min(meeting.starts_at.date(), today or dt.date.today())
    previous = last_mayor_meeting(session, commune_id, meeting.starts_at)
    since_moment = (
        previous.starts_at
        if previous is not None
        else dt.datetime.combine(
            stands_at - dt.timedelta(days=FIRST_MEETING_LOOKBACK_DAYS), dt.time()
        )
    )
    until_moment = min(meeting.starts_at, dt.datetime.combine(stands_at, dt.time.max))
    since = since_moment.date()
    agenda_projects = {item.project_id for item in meeting.agenda if item.project_id is not None}
    projects, project_counts = _chosen_projects(
        session, commune_id, agenda_projects, since, stands_at
    )
    commitments = _CommitmentLists(session, commune_id, stands_at, since)
    changes = changes_since(session, commune_id, since_moment, until_moment, today)
    stakes, stake_count = _chosen_stakes(session, commune_id)
    ppi_lines, ppi_line_count = _chosen_ppi_lines(session, commune_id, stands_at.year)
    balances = [balance(line) for line in ppi_lines]
    data = MeetingPackData(
        syndicate=syndicate_name(),
        meeting=meeting,
        commune=commune,
        as_of=stands_at,
        previous_meeting=previous,
        changes_since=since,
        changes=tuple(changes[-CHANGES_SHOWN:]),
        change_count=len(changes),
        change_counts=_counts_by_kind(changes),
        contacts=tuple(list_contacts(session, commune_id)),
        projects=projects,
        project_count=sum(project_counts.values()),
        # « En cours » is the status In progress, as the dashboard, the lists and the New
        # Year pack count it: a project under study is not under way.
        projects_under_way=project_counts[ProjectStatus.IN_PROGRESS],
        late=commitments.late,
        late_count=commitments.late_count,
        due_soon=commitments.due_soon,
        due_soon_count=commitments.due_soon_count,
        kept_since=commitments.kept_since,
        kept_since_count=commitments.kept_since_count,
        open_commitments=commitments.open_count,
        exchanges=tuple(_recent_exchanges(session, commune_id, stands_at)),
        stakes=stakes,
        stake_count=stake_count,
        ppi_lines=ppi_lines,
        ppi_line_count=ppi_line_count,
        ppi_share=_ppi_share(session, commune_id),
        ppi_remaining={b.line_id: b.remaining for b in balances},
        ppi_overrun={b.line_id: b.overrun for b in balances if b.overrun > 0},
        talking_points=(),
    )
    return with_talking_points(data, changes)


def _within(day: dt.date | None, since: dt.date, until: dt.date) -> bool:
    return day is not None and since <= day <= until


# The order projects are detailed in: those on the agenda, the news since the last meeting,
# then the work under way, then the rest.
_PROJECT_GROUPS = {
    ProjectStatus.IN_PROGRESS: 2,
    ProjectStatus.STUDY: 3,
    ProjectStatus.IDEA: 4,
    ProjectStatus.SUSPENDED: 5,
}
_CLOSED_EARLIER = 6


def _chosen_projects(
    session: Session,
    commune_id: uuid.UUID,
    agenda_projects: set[uuid.UUID],
    since: dt.date,
    today: dt.date,
) -> tuple[tuple[ProjectRecord, ...], Counter[ProjectStatus]]:
    """The commune's most relevant projects, and how many it has of each status.

    The ranking reads a few columns of every project; only the chosen ones are read whole.
    """
    mine = commune_project_filter(commune_id)
    latest = ap_in_force_cents(select(models.Project.id).where(mine)).subquery()
    rows = session.execute(
        select(
            models.Project.id,
            models.Project.code,
            models.Project.status,
            models.Project.end_date,
            latest.c.amount_cents,
        )
        .outerjoin(latest, latest.c.project_id == models.Project.id)
        .where(mine)
    ).all()
    counts: Counter[ProjectStatus] = Counter(ProjectStatus(row.status) for row in rows)

    def rank(row: Row[Any]) -> tuple[int, int, int, str]:
        status = ProjectStatus(row.status)
        group = _PROJECT_GROUPS.get(status, _CLOSED_EARLIER)
        if row.id in agenda_projects:
            group = 0
        elif group == _CLOSED_EARLIER and _within(row.end_date, since, today):
            group = 1
        if group == _CLOSED_EARLIER:  # the latest first
            return group, -(row.end_date or dt.date.min).toordinal(), 0, row.code
        return group, 0, -(row.amount_cents or 0), row.code

    chosen = [row.id for row in sorted(rows, key=rank)[:PROJECTS_SHOWN]]
    records = {record.id: record for record in projects_by_id(session, chosen)}
    return tuple(records[project_id] for project_id in chosen), counts


class _CommitmentLists:
    """The commune's late, due-soon and recently kept commitments, each capped, and counts."""

    def __init__(
        self, session: Session, commune_id: uuid.UUID, today: dt.date, since: dt.date
    ) -> None:
        self.session = session
        own = models.Commitment.commune_id == commune_id
        is_open = models.Commitment.status.in_(OPEN_STATUSES)
        due = models.Commitment.due_date
        late = [own, is_open, due < today]
        due_soon = [own, is_open, due >= today, due <= today + dt.timedelta(DUE_SOON_DAYS)]
        kept = [
            own,
            models.Commitment.status == CommitmentStatus.KEPT.value,
            models.Commitment.closed_on >= since,
            models.Commitment.closed_on <= today,
        ]
        by_due_date = (due, models.Commitment.title)
        self.late = self._chosen(late, by_due_date, LATE_SHOWN)
        self.late_count = self._count(late)
        self.due_soon = self._chosen(due_soon, by_due_date, DUE_SOON_SHOWN)
        self.due_soon_count = self._count(due_soon)
        self.kept_since = self._chosen(
            kept, (models.Commitment.closed_on.desc(), models.Commitment.title), KEPT_SHOWN
        )
        self.kept_since_count = self._count(kept)
        self.open_count = self._count([own, is_open])

    def _chosen(
        self,
        conditions: list[ColumnElement[bool]],
        order: tuple[Any, ...],
        limit: int,
    ) -> tuple[CommitmentRecord, ...]:
        return tuple(commitments_where(self.session, conditions, order, limit))

    def _count(self, conditions: list[ColumnElement[bool]]) -> int:
        return count_commitments(self.session, conditions)


def _counts_by_kind(changes: Sequence[ChangeEntry]) -> tuple[tuple[ChangeKind, int], ...]:
    """How many changes of each kind, in the order of ``ChangeKind``; the kinds absent left out."""
    counts = Counter(change.kind for change in changes)
    return tuple((kind, counts[kind]) for kind in ChangeKind if counts[kind])


def _recent_exchanges(
    session: Session, commune_id: uuid.UUID, until: dt.date
) -> list[ExchangeRecord]:
    """The latest exchanges up to the reference day, the latest first."""
    statement = (
        select(models.Exchange)
        .where(models.Exchange.commune_id == commune_id, models.Exchange.occurred_on <= until)
        .options(selectinload(models.Exchange.commune))
        .order_by(models.Exchange.occurred_on.desc(), models.Exchange.id.desc())
        .limit(RECENT_EXCHANGES)
    )
    return [exchange_record(row) for row in session.scalars(statement)]


def _chosen_stakes(session: Session, commune_id: uuid.UUID) -> tuple[tuple[StakeRecord, ...], int]:
    """High priority first, those no project answers before the others, the least advanced
    first; shown in the order the mandate plan reads."""
    stake = models.MandateStake
    priority = case(
        {Priority.HIGH.value: 0, Priority.MEDIUM.value: 1, Priority.LOW.value: 2},
        value=stake.priority,
        else_=3,
    )
    answered = exists().where(models.StakeProject.stake_id == stake.id)
    statement = (
        select(stake)
        .where(stake.commune_id == commune_id)
        .options(selectinload(stake.answers).selectinload(models.StakeProject.project))
        .order_by(
            priority, answered, stake.progress, stake.axis, stake.line, stake.action, stake.id
        )
        .limit(STAKES_SHOWN)
    )
    chosen = sorted(
        (stake_record(row) for row in session.scalars(statement)),
        key=lambda s: (s.axis, s.line, s.action),
    )
    count = select(func.count()).select_from(stake).where(stake.commune_id == commune_id)
    return tuple(chosen), session.scalar(count) or 0


def _chosen_ppi_lines(
    session: Session, commune_id: uuid.UUID, year: int
) -> tuple[tuple[PpiLineRecord, ...], int]:
    """The lines with the largest payment credits this year and next come first, then those
    whose credits end the latest."""
    rows = session.execute(
        select(
            models.PpiLine.id,
            models.Project.code,
            models.PaymentCredit.year,
            models.PaymentCredit.amount_cents,
        )
        .join(models.Project, models.PpiLine.project_id == models.Project.id)
        .outerjoin(models.PaymentCredit, models.PaymentCredit.line_id == models.PpiLine.id)
        .where(commune_project_filter(commune_id))
    ).all()
    codes: dict[uuid.UUID, str] = {}
    coming: dict[uuid.UUID, int] = defaultdict(int)
    last_year: dict[uuid.UUID, int] = defaultdict(int)
    for line_id, code, credit_year, cents in rows:
        codes[line_id] = code
        if credit_year is None:
            continue
        if credit_year in (year, year + 1):
            coming[line_id] += cents or 0
        last_year[line_id] = max(last_year[line_id], credit_year)
    ranked = sorted(
        codes,
        key=lambda line_id: (
            coming[line_id] <= 0,
            -coming[line_id],
            -last_year[line_id],
            codes[line_id],
        ),
    )
    chosen = ranked[:PPI_LINES_SHOWN]
    records = {line.id: line for line in list_ppi_lines(session, commune_id, line_ids=chosen)}
    return tuple(records[line_id] for line_id in chosen), len(codes)


def _ppi_share(session: Session, commune_id: uuid.UUID) -> PpiShare:
    table = ppi_table(session, commune_id)
    for row in table.rows:
        if row.commune_id == commune_id:
            return PpiShare(
                ap=row.ap,
                cp_by_year=dict(row.cp_by_year),
                left_to_program=share_left_to_program(session, commune_id),
            )
    return PpiShare(ap=Decimal(0), cp_by_year={})
