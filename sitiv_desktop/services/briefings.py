"""The data of the briefing packs: one function per pack, returning frozen records.

A pack for one commune holds nothing of another: every query here is limited to the commune
(its own commitments, exchanges and stakes; the projects it owns or takes part in; its share of
the PPI). The reference day of a meeting pack is the day of the meeting, so that the same data
always gives the same pack whatever day it is printed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, case, exists, extract, func, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.briefings import (
    AgendaPackData,
    ChangeEntry,
    ChangeKind,
    CommuneYear,
    MeetingPackData,
    PointTopic,
    PpiShare,
    TalkingPoint,
    VoeuxPackData,
    YearFigures,
)
from sitiv_desktop.domain.enums import (
    CommitmentStatus,
    MeetingStatus,
    Priority,
    ProjectStatus,
)
from sitiv_desktop.domain.records import (
    CommitmentRecord,
    CommuneRecord,
    ExchangeRecord,
    PpiLineRecord,
    PpiRow,
    PpiTable,
    ProjectRecord,
    StakeRecord,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, format_date, format_money
from sitiv_desktop.services.commitments import DUE_SOON_DAYS, OPEN_STATUSES
from sitiv_desktop.services.communes import get_commune, list_communes, list_contacts
from sitiv_desktop.services.conversions import (
    commitment_record,
    exchange_record,
    from_cents_or_none,
    stake_record,
)
from sitiv_desktop.services.meetings import get_meeting, previous_meeting
from sitiv_desktop.services.ppi import list_ppi_lines, ppi_table
from sitiv_desktop.services.projects import (
    ap_in_force_cents,
    commune_project_filter,
    projects_by_id,
)
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
# Without an earlier meeting, « what changed » looks back this far.
FIRST_MEETING_LOOKBACK_DAYS = 365
TALKING_POINTS_PER_TOPIC = 5


def syndicate_name() -> str:
    return _("SITIV — Intercommunal syndicate for information technologies")


# ---------------------------------------------------------------------------------------------
# Agenda


def agenda_pack_data(session: Session, meeting_id: uuid.UUID) -> AgendaPackData:
    return AgendaPackData(syndicate=syndicate_name(), meeting=get_meeting(session, meeting_id))


# ---------------------------------------------------------------------------------------------
# Mayor meeting pack


def meeting_pack_data(
    session: Session, meeting_id: uuid.UUID, as_of: dt.date | None = None
) -> MeetingPackData:
    """The mayor meeting pack of a meeting with exactly one commune.

    Each list is read already filtered, ordered and capped by the database; only its count
    is read in full.
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
    today = as_of or meeting.starts_at.date()
    previous = previous_meeting(session, commune_id, meeting.starts_at)
    since = (
        previous.starts_at.date()
        if previous is not None
        else today - dt.timedelta(days=FIRST_MEETING_LOOKBACK_DAYS)
    )
    agenda_projects = {item.project_id for item in meeting.agenda if item.project_id is not None}
    projects, project_counts = _chosen_projects(session, commune_id, agenda_projects, since, today)
    commitments = _CommitmentLists(session, commune_id, today, since)
    changes = changes_since(session, commune_id, since, today)
    stakes, stake_count = _chosen_stakes(session, commune_id)
    ppi_lines, ppi_line_count = _chosen_ppi_lines(session, commune_id, today.year)
    data = MeetingPackData(
        syndicate=syndicate_name(),
        meeting=meeting,
        commune=commune,
        as_of=today,
        previous_meeting=previous,
        changes_since=since,
        changes=tuple(changes[-CHANGES_SHOWN:]),
        change_count=len(changes),
        exchanges_since_count=_count_exchanges(session, commune_id, since, today),
        contacts=tuple(list_contacts(session, commune_id)),
        projects=projects,
        project_count=sum(project_counts.values()),
        projects_under_way=project_counts[ProjectStatus.STUDY]
        + project_counts[ProjectStatus.IN_PROGRESS],
        late=commitments.late,
        late_count=commitments.late_count,
        due_soon=commitments.due_soon,
        due_soon_count=commitments.due_soon_count,
        kept_since=commitments.kept_since,
        kept_since_count=commitments.kept_since_count,
        open_commitments=commitments.open_count,
        exchanges=tuple(_recent_exchanges(session, commune_id, today)),
        stakes=stakes,
        stake_count=stake_count,
        ppi_lines=ppi_lines,
        ppi_line_count=ppi_line_count,
        ppi_share=_ppi_share(session, commune_id),
        talking_points=(),
    )
    return _with_talking_points(data, changes)


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
    latest = ap_in_force_cents().subquery()
    rows = session.execute(
        select(
            models.Project.id,
            models.Project.code,
            models.Project.status,
            models.Project.end_date,
            latest.c.amount_cents,
        )
        .outerjoin(latest, latest.c.project_id == models.Project.id)
        .where(commune_project_filter(commune_id))
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
        return tuple(_commitments_where(self.session, conditions, order, limit))

    def _count(self, conditions: list[ColumnElement[bool]]) -> int:
        statement = select(func.count()).select_from(models.Commitment).where(*conditions)
        return self.session.scalar(statement) or 0


def _commitments_where(
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


def _count_exchanges(
    session: Session, commune_id: uuid.UUID, since: dt.date, until: dt.date
) -> int:
    statement = (
        select(func.count())
        .select_from(models.Exchange)
        .where(
            models.Exchange.commune_id == commune_id,
            models.Exchange.occurred_on >= since,
            models.Exchange.occurred_on <= until,
        )
    )
    return session.scalar(statement) or 0


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
            return PpiShare(ap=row.ap, cp_by_year=dict(row.cp_by_year))
    return PpiShare(ap=Decimal(0), cp_by_year={})


def changes_since(
    session: Session, commune_id: uuid.UUID, since: dt.date, until: dt.date
) -> list[ChangeEntry]:
    """What changed for a commune between two days, from the dates the records carry.

    This reads the dated facts of the records themselves (commitments made and closed,
    milestones reached, projects delivered, AP votes), each query limited to the period.
    When the sync's change history answers « what changed for commune C since day D », this
    is the one function to switch.
    """
    entries: list[ChangeEntry] = []
    commitment = models.Commitment
    made = session.execute(
        select(commitment.made_on, commitment.title).where(
            commitment.commune_id == commune_id,
            commitment.made_on >= since,
            commitment.made_on <= until,
        )
    )
    for made_on, title in made:
        entries.append(ChangeEntry(made_on, ChangeKind.COMMITMENT_MADE, title))
    closed = session.execute(
        select(commitment.closed_on, commitment.status, commitment.title).where(
            commitment.commune_id == commune_id,
            commitment.closed_on >= since,
            commitment.closed_on <= until,
        )
    )
    for closed_on, status, title in closed:
        assert closed_on is not None  # the range leaves NULL out
        kind = (
            ChangeKind.COMMITMENT_KEPT
            if status == CommitmentStatus.KEPT.value
            else ChangeKind.COMMITMENT_ABANDONED
        )
        entries.append(ChangeEntry(closed_on, kind, title))
    project = models.Project
    delivered = session.execute(
        select(project.end_date, project.code, project.title).where(
            commune_project_filter(commune_id),
            project.status == ProjectStatus.DELIVERED.value,
            project.end_date >= since,
            project.end_date <= until,
        )
    )
    for end_date, code, title in delivered:
        assert end_date is not None
        entries.append(ChangeEntry(end_date, ChangeKind.PROJECT_DELIVERED, f"{code} — {title}"))
    milestones = session.execute(
        select(models.Milestone.done_on, models.Milestone.title, project.code, project.title)
        .join(project, models.Milestone.project_id == project.id)
        .where(
            commune_project_filter(commune_id),
            models.Milestone.done_on >= since,
            models.Milestone.done_on <= until,
        )
    )
    for done_on, milestone, code, title in milestones:
        assert done_on is not None
        entries.append(
            ChangeEntry(done_on, ChangeKind.MILESTONE_REACHED, f"{code} — {title}", milestone)
        )
    votes = session.execute(
        select(
            models.ApRevision.voted_on, models.ApRevision.amount_cents, project.code, project.title
        )
        .join(models.PpiLine, models.ApRevision.line_id == models.PpiLine.id)
        .join(project, models.PpiLine.project_id == project.id)
        .where(
            commune_project_filter(commune_id),
            models.ApRevision.voted_on >= since,
            models.ApRevision.voted_on <= until,
        )
    )
    for voted_on, cents, code, title in votes:
        amount = from_cents_or_none(cents) or Decimal(0)
        entries.append(
            ChangeEntry(voted_on, ChangeKind.AP_VOTED, f"{code} — {title}", format_money(amount))
        )
    entries.sort(key=lambda e: (e.day, e.kind.value, e.subject, e.detail))
    return entries


def _with_talking_points(data: MeetingPackData, changes: Sequence[ChangeEntry]) -> MeetingPackData:
    """Talking points derived from the data: there is no field for them yet.

    ``changes`` is the whole list of changes, of which the pack details the latest only.
    """
    points: list[TalkingPoint] = []
    points += _capped(
        TalkingPoint(
            PointTopic.ADDRESS,
            _("Take stock of « {title} », late since {date}{responsible}.").format(
                title=c.title,
                date=format_date(c.due_date, "long") if c.due_date else "",
                responsible=_responsible_suffix(c),
            ),
        )
        for c in data.late
    )
    points += _capped(_decisions_to_obtain(data))
    points += _capped(
        TalkingPoint(
            PointTopic.ANNOUNCE,
            _("Announce that « {title} » falls due on {date}.").format(
                title=c.title, date=format_date(c.due_date, "long") if c.due_date else ""
            ),
        )
        for c in data.due_soon
    )
    points += _capped(
        TalkingPoint(
            PointTopic.CELEBRATE,
            _("Welcome the delivery of « {title} » ({date}).").format(
                title=change.subject, date=format_date(change.day, "long")
            ),
        )
        for change in changes
        if change.kind is ChangeKind.PROJECT_DELIVERED
    )
    points += _capped(
        TalkingPoint(
            PointTopic.CELEBRATE,
            _("Recall the commitment kept: « {title} ».").format(title=c.title),
        )
        for c in data.kept_since
    )
    order = list(PointTopic)
    points.sort(key=lambda p: order.index(p.topic))
    return MeetingPackData(**{**data.__dict__, "talking_points": tuple(points)})


def _responsible_suffix(record: CommitmentRecord) -> str:
    if not record.responsible:
        return ""
    return _(" (responsible: {name})").format(name=record.responsible)


def _decisions_to_obtain(data: MeetingPackData) -> Iterable[TalkingPoint]:
    """Agenda items on projects still at the idea or study stage call for the commune's go."""
    undecided = {
        p.id: p for p in data.projects if p.status in (ProjectStatus.IDEA, ProjectStatus.STUDY)
    }
    for item in data.meeting.agenda:
        project = undecided.get(item.project_id) if item.project_id else None
        if project is not None:
            yield TalkingPoint(
                PointTopic.OBTAIN,
                _("Item {number}: obtain the commune's decision on « {title} » ({status}).").format(
                    number=item.position + 1, title=project.title, status=project.status.label
                ),
            )
    for stake in data.stakes:
        if stake.priority is Priority.HIGH and not stake.project_ids:
            yield TalkingPoint(
                PointTopic.OBTAIN,
                _(
                    "Agree on an answer to the high-priority stake « {action} », "
                    "which no project covers yet."
                ).format(action=stake.action),
            )


def _capped(points: Iterable[TalkingPoint]) -> list[TalkingPoint]:
    return list(points)[:TALKING_POINTS_PER_TOPIC]


# ---------------------------------------------------------------------------------------------
# New Year address pack


def voeux_pack_data(session: Session, year: int) -> VoeuxPackData:
    """The year ``year`` under review, and the PPI of the year after.

    Figures are counted by the database over everything; the lists are capped selections.
    """
    if not 1972 <= year <= 2100:
        raise UserError(_("Year: give a year between 1972 and 2100."), "year")
    year_end = dt.date(year, 12, 31)
    communes = list_communes(session)
    delivered_in_year = _delivered_in(year)
    delivered = _projects_where(session, delivered_in_year, DELIVERED_SHOWN)
    exchanges = _exchanges_per_commune(session, year)
    meetings = _meetings_held_per_commune(session, year)
    both_years = ppi_table(session, years=(year, year + 1))
    next_ppi = _one_year(both_years, year + 1)
    next_share = {row.commune_id: row.cp_by_year.get(year + 1, Decimal(0)) for row in next_ppi.rows}
    made = _count_per_commune(session, _made_in(year))
    kept = _count_per_commune(session, _kept_in(year))
    commune_years = tuple(
        _commune_year(session, commune, year, made, kept, exchanges, meetings, next_share)
        for commune in communes
    )
    figures = YearFigures(
        communes=len(communes),
        projects_delivered=_count_projects(session, delivered_in_year),
        projects_in_progress=_count_projects(
            session, [models.Project.status == ProjectStatus.IN_PROGRESS.value]
        ),
        commitments_made=sum(made.values()),
        commitments_kept=sum(kept.values()),
        exchanges=sum(exchanges.values()),
        meetings_held=_meetings_held(session, year),
        cp_year=both_years.total_cp(year),
        cp_next_year=next_ppi.total_cp(year + 1),
    )
    next_lines, next_line_count = _lines_with_credits(session, year + 1)
    data = VoeuxPackData(
        syndicate=syndicate_name(),
        year=year,
        as_of=year_end,
        figures=figures,
        delivered=tuple(delivered),
        communes=commune_years,
        next_ppi=next_ppi,
        next_ppi_lines=next_lines,
        next_ppi_line_count=next_line_count,
        speaker_notes=(),
    )
    return VoeuxPackData(**{**data.__dict__, "speaker_notes": tuple(_speaker_notes(data))})


def _one_year(table: PpiTable, year: int) -> PpiTable:
    """The PPI table of one of the years of ``table``: read once, shown twice."""
    rows = tuple(
        PpiRow(row.commune_id, row.commune_name, row.ap, {year: row.cp_by_year[year]})
        for row in table.rows
    )
    return PpiTable(years=(year,), rows=rows)


def _delivered_in(year: int) -> list[ColumnElement[bool]]:
    return [
        models.Project.status == ProjectStatus.DELIVERED.value,
        models.Project.end_date >= dt.date(year, 1, 1),
        models.Project.end_date <= dt.date(year, 12, 31),
    ]


def _made_in(year: int) -> list[ColumnElement[bool]]:
    return [
        models.Commitment.made_on >= dt.date(year, 1, 1),
        models.Commitment.made_on <= dt.date(year, 12, 31),
    ]


def _kept_in(year: int) -> list[ColumnElement[bool]]:
    return [
        models.Commitment.status == CommitmentStatus.KEPT.value,
        models.Commitment.closed_on >= dt.date(year, 1, 1),
        models.Commitment.closed_on <= dt.date(year, 12, 31),
    ]


def _late_on(year: int) -> list[ColumnElement[bool]]:
    """Made by the end of the year, still open, and due before the next one begins."""
    return [
        models.Commitment.made_on <= dt.date(year, 12, 31),
        models.Commitment.status.in_(OPEN_STATUSES),
        models.Commitment.due_date < dt.date(year + 1, 1, 1),
    ]


def _projects_where(
    session: Session, conditions: list[ColumnElement[bool]], limit: int
) -> list[ProjectRecord]:
    """The largest projects by AP in force, then by code."""
    latest = ap_in_force_cents().subquery()
    statement = (
        select(models.Project.id)
        .outerjoin(latest, latest.c.project_id == models.Project.id)
        .where(*conditions)
        .order_by(func.coalesce(latest.c.amount_cents, 0).desc(), models.Project.code)
        .limit(limit)
    )
    chosen = list(session.scalars(statement))
    records = {record.id: record for record in projects_by_id(session, chosen)}
    return [records[project_id] for project_id in chosen]


def _count_projects(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    statement = select(func.count()).select_from(models.Project).where(*conditions)
    return session.scalar(statement) or 0


def _count_per_commune(
    session: Session, conditions: list[ColumnElement[bool]]
) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(models.Commitment.commune_id, func.count())
        .where(*conditions)
        .group_by(models.Commitment.commune_id)
    )
    return {commune_id: count for commune_id, count in rows}


def _lines_with_credits(session: Session, year: int) -> tuple[tuple[PpiLineRecord, ...], int]:
    """The PPI lines with payment credits in ``year``, the largest first, and their count."""
    with_credits = (
        select(models.PaymentCredit.line_id)
        .where(models.PaymentCredit.year == year, models.PaymentCredit.amount_cents > 0)
        .order_by(models.PaymentCredit.amount_cents.desc(), models.PaymentCredit.line_id)
    )
    line_ids = list(dict.fromkeys(session.scalars(with_credits)))
    chosen = line_ids[:NEXT_PPI_LINES_SHOWN]
    records = {line.id: line for line in list_ppi_lines(session, line_ids=chosen)}
    return tuple(records[line_id] for line_id in chosen), len(line_ids)


def _commune_year(
    session: Session,
    commune: CommuneRecord,
    year: int,
    made: dict[uuid.UUID, int],
    kept: dict[uuid.UUID, int],
    exchanges: dict[uuid.UUID, int],
    meetings: dict[uuid.UUID, int],
    next_share: dict[uuid.UUID | None, Decimal],
) -> CommuneYear:
    own_projects = commune_project_filter(commune.id)
    own = models.Commitment.commune_id == commune.id
    late = [own, *_late_on(year)]
    kept_order = (models.Commitment.closed_on.desc(), models.Commitment.title)
    late_order = (models.Commitment.due_date, models.Commitment.title)
    return CommuneYear(
        commune=commune,
        projects_delivered=tuple(
            _projects_where(session, [own_projects, *_delivered_in(year)], COMMUNE_PAGE_SHOWN)
        ),
        delivered_count=_count_projects(session, [own_projects, *_delivered_in(year)]),
        projects_in_progress=_count_projects(
            session, [own_projects, models.Project.status == ProjectStatus.IN_PROGRESS.value]
        ),
        commitments_made=made.get(commune.id, 0),
        commitments_kept=tuple(
            _commitments_where(session, [own, *_kept_in(year)], kept_order, COMMUNE_PAGE_SHOWN)
        ),
        kept_count=kept.get(commune.id, 0),
        commitments_late=tuple(_commitments_where(session, late, late_order, COMMUNE_PAGE_SHOWN)),
        late_count=_count_per_commune(session, late).get(commune.id, 0),
        exchanges=exchanges.get(commune.id, 0),
        meetings_held=meetings.get(commune.id, 0),
        cp_next_year=next_share.get(commune.id, Decimal(0)),
    )


def _exchanges_per_commune(session: Session, year: int) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(models.Exchange.commune_id, func.count())
        .where(extract("year", models.Exchange.occurred_on) == year)
        .group_by(models.Exchange.commune_id)
    )
    return {commune_id: count for commune_id, count in rows}


def _held_in(year: int) -> list[ColumnElement[bool]]:
    start = dt.datetime(year, 1, 1)
    return [
        models.Meeting.starts_at >= start,
        models.Meeting.starts_at < start.replace(year=year + 1),
        models.Meeting.status == MeetingStatus.HELD.value,
    ]


def _meetings_held(session: Session, year: int) -> int:
    statement = select(func.count()).select_from(models.Meeting).where(*_held_in(year))
    return session.scalar(statement) or 0


def _meetings_held_per_commune(session: Session, year: int) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(models.MeetingCommune.commune_id, func.count())
        .join(models.Meeting, models.Meeting.id == models.MeetingCommune.meeting_id)
        .where(*_held_in(year))
        .group_by(models.MeetingCommune.commune_id)
    )
    return {commune_id: count for commune_id, count in rows}


def _speaker_notes(data: VoeuxPackData) -> list[TalkingPoint]:
    """The speaker's notes, worded from the year's figures: there is no field for them yet."""
    figures = data.figures
    notes = [
        TalkingPoint(
            PointTopic.CELEBRATE,
            _("Thank the {count} member communes for their trust and their work in {year}.").format(
                count=figures.communes, year=data.year
            ),
        )
    ]
    if data.delivered:
        largest = sorted(data.delivered, key=lambda p: (-(p.budget or 0), p.code))[:3]
        notes.append(
            TalkingPoint(
                PointTopic.CELEBRATE,
                _("Welcome the {count} projects delivered in {year}, among them {titles}.").format(
                    count=figures.projects_delivered,
                    year=data.year,
                    titles=", ".join(f"« {p.title} »" for p in largest),
                ),
            )
        )
    best = _most_kept(data.communes)
    if best is not None:
        notes.append(
            TalkingPoint(
                PointTopic.CELEBRATE,
                _(
                    "{kept} commitments kept in {year}; {commune} saw the most of them ({count})."
                ).format(
                    kept=figures.commitments_kept,
                    year=data.year,
                    commune=best.commune.name,
                    count=best.kept_count,
                ),
            )
        )
    late = sum(c.late_count for c in data.communes)
    if late:
        notes.append(
            TalkingPoint(
                PointTopic.ADDRESS,
                _(
                    "Acknowledge the {count} commitments still late on 31 December and say "
                    "how they will be taken up in {year}."
                ).format(count=late, year=data.next_year),
            )
        )
    notes.append(
        TalkingPoint(
            PointTopic.ANNOUNCE,
            _("Announce the PPI {year}: {amount} of payment credits{lines}.").format(
                year=data.next_year,
                amount=format_money(figures.cp_next_year),
                lines=_main_lines(data.next_ppi_lines, data.next_year),
            ),
        )
    )
    if figures.exchanges:
        notes.append(
            TalkingPoint(
                PointTopic.ANNOUNCE,
                _(
                    "Recall the {count} exchanges with the communes in {year}: the syndicate "
                    "stays close to each of them."
                ).format(count=figures.exchanges, year=data.year),
            )
        )
    order = list(PointTopic)
    notes.sort(key=lambda p: order.index(p.topic))
    return notes


def _most_kept(communes: Iterable[CommuneYear]) -> CommuneYear | None:
    ranked = sorted(
        (c for c in communes if c.kept_count),
        key=lambda c: (-c.kept_count, c.commune.name),
    )
    return ranked[0] if ranked else None


def _main_lines(lines: tuple[PpiLineRecord, ...], year: int) -> str:
    largest = sorted(lines, key=lambda line: (-line.cp_by_year.get(year, 0), line.project_code))
    if not largest:
        return ""
    titles = ", ".join(f"« {line.project_title} »" for line in largest[:3])
    return _(", chiefly {titles}").format(titles=titles)


# ---------------------------------------------------------------------------------------------
# One entry point for the command line and the window

PACK_KINDS = ("meeting", "voeux", "agenda")
PackData = MeetingPackData | VoeuxPackData | AgendaPackData


def parse_meeting_id(text: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(text).strip())
    except ValueError:
        raise UserError(
            _(
                "Meeting: « {text} » is not a meeting identifier; "
                "`list meetings --json` gives them."
            ).format(text=text),
            "meeting",
        ) from None


def gather_pack(
    session: Session, kind: str, meeting: str | None = None, year: int | None = None
) -> PackData:
    """The data of a pack named by its kind: ``meeting``, ``voeux`` or ``agenda``."""
    if kind == "meeting":
        return meeting_pack_data(session, parse_meeting_id(meeting))
    if kind == "agenda":
        return agenda_pack_data(session, parse_meeting_id(meeting))
    if kind == "voeux":
        if year is None:
            raise UserError(_("Year: give the year under review."), "year")
        return voeux_pack_data(session, year)
    raise UserError(_("Pack: choose meeting, voeux or agenda."), "pack")
