"""The data of the briefing packs: one function per pack, returning frozen records.

A pack for one commune holds nothing of another: every query here is limited to the commune
(its own commitments, exchanges and stakes; the projects it owns or takes part in; its share of
the PPI). The reference day of a meeting pack is the day of the meeting, so that the same data
always gives the same pack whatever day it is printed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import ColumnElement, extract, func, select
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
    PpiLineRecord,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, format_date, format_money
from sitiv_desktop.services.commitments import (
    CommitmentFilter,
    CommitmentState,
    commitment_state,
    list_commitments,
)
from sitiv_desktop.services.communes import get_commune, list_communes, list_contacts
from sitiv_desktop.services.conversions import from_cents_or_none
from sitiv_desktop.services.exchanges import exchange_timeline
from sitiv_desktop.services.meetings import get_meeting, previous_meeting
from sitiv_desktop.services.ppi import list_ppi_lines, ppi_table
from sitiv_desktop.services.projects import (
    ProjectFilter,
    commune_project_filter,
    list_projects,
)
from sitiv_desktop.services.stakes import list_stakes
from sitiv_desktop.store import models

RECENT_EXCHANGES = 12
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
    """The mayor meeting pack of a meeting with exactly one commune."""
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
    projects = tuple(list_projects(session, ProjectFilter(commune_id=commune_id)))
    commitments = list_commitments(session, CommitmentFilter(commune_id=commune_id))
    states = {record.id: commitment_state(record, today) for record in commitments}
    kept_since = tuple(
        record
        for record in commitments
        if states[record.id] is CommitmentState.KEPT and _within(record.closed_on, since, today)
    )
    exchanges = [
        record
        for record in exchange_timeline(session, commune_id, limit=None)
        if record.occurred_on <= today
    ]
    stakes = tuple(list_stakes(session, commune_id))
    data = MeetingPackData(
        syndicate=syndicate_name(),
        meeting=meeting,
        commune=commune,
        as_of=today,
        previous_meeting=previous,
        changes_since=since,
        changes=tuple(changes_since(session, commune_id, since, today)),
        exchanges_since_count=sum(1 for e in exchanges if since <= e.occurred_on),
        contacts=tuple(list_contacts(session, commune_id)),
        projects=projects,
        late=tuple(r for r in commitments if states[r.id] is CommitmentState.LATE),
        due_soon=tuple(r for r in commitments if states[r.id] is CommitmentState.DUE_SOON),
        kept_since=kept_since,
        open_commitments=sum(1 for r in commitments if not r.status.is_closed),
        exchanges=tuple(exchanges[:RECENT_EXCHANGES]),
        stakes=stakes,
        ppi_lines=tuple(list_ppi_lines(session, commune_id)),
        ppi_share=_ppi_share(session, commune_id),
        talking_points=(),
    )
    return _with_talking_points(data)


def _within(day: dt.date | None, since: dt.date, until: dt.date) -> bool:
    return day is not None and since <= day <= until


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
    milestones reached, projects delivered, AP votes). When the sync's change history
    answers « what changed for commune C since day D », this is the one function to switch.
    """
    entries: list[ChangeEntry] = []
    for record in list_commitments(session, CommitmentFilter(commune_id=commune_id)):
        if _within(record.made_on, since, until):
            entries.append(ChangeEntry(record.made_on, ChangeKind.COMMITMENT_MADE, record.title))
        if record.closed_on is not None and _within(record.closed_on, since, until):
            kind = (
                ChangeKind.COMMITMENT_KEPT
                if record.status is CommitmentStatus.KEPT
                else ChangeKind.COMMITMENT_ABANDONED
            )
            entries.append(ChangeEntry(record.closed_on, kind, record.title))
    projects = session.scalars(
        select(models.Project)
        .where(commune_project_filter(commune_id))
        .options(selectinload(models.Project.milestones))
    )
    for project in projects:
        label = f"{project.code} — {project.title}"
        if project.status == ProjectStatus.DELIVERED.value and _within(
            project.end_date, since, until
        ):
            assert project.end_date is not None
            entries.append(ChangeEntry(project.end_date, ChangeKind.PROJECT_DELIVERED, label))
        for milestone in project.milestones:
            if _within(milestone.done_on, since, until):
                assert milestone.done_on is not None
                entries.append(
                    ChangeEntry(
                        milestone.done_on, ChangeKind.MILESTONE_REACHED, label, milestone.title
                    )
                )
    votes = session.execute(
        select(models.ApRevision, models.Project)
        .join(models.PpiLine, models.ApRevision.line_id == models.PpiLine.id)
        .join(models.Project, models.PpiLine.project_id == models.Project.id)
        .where(
            commune_project_filter(commune_id),
            models.ApRevision.voted_on >= since,
            models.ApRevision.voted_on <= until,
        )
    )
    for revision, project in votes:
        amount = from_cents_or_none(revision.amount_cents) or Decimal(0)
        entries.append(
            ChangeEntry(
                revision.voted_on,
                ChangeKind.AP_VOTED,
                f"{project.code} — {project.title}",
                format_money(amount),
            )
        )
    entries.sort(key=lambda e: (e.day, e.kind.value, e.subject, e.detail))
    return entries


def _with_talking_points(data: MeetingPackData) -> MeetingPackData:
    """Talking points derived from the data: there is no field for them yet."""
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
        for change in data.changes
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
    """The year ``year`` under review, and the PPI of the year after."""
    if not 1972 <= year <= 2100:
        raise UserError(_("Year: give a year between 1972 and 2100."), "year")
    year_end = dt.date(year, 12, 31)
    communes = list_communes(session)
    projects = list_projects(session)
    delivered = tuple(
        sorted(
            (
                p
                for p in projects
                if p.status is ProjectStatus.DELIVERED
                and p.end_date is not None
                and p.end_date.year == year
            ),
            key=lambda p: (p.end_date or year_end, p.code),
        )
    )
    commitments = list_commitments(session)
    made = [c for c in commitments if c.made_on.year == year]
    kept = [
        c
        for c in commitments
        if c.status is CommitmentStatus.KEPT
        and c.closed_on is not None
        and c.closed_on.year == year
    ]
    exchanges = _exchanges_per_commune(session, year)
    meetings = _meetings_held_per_commune(session, year)
    next_ppi = ppi_table(session, years=(year + 1,))
    this_ppi = ppi_table(session, years=(year,))
    next_share = {row.commune_id: row.cp_by_year.get(year + 1, Decimal(0)) for row in next_ppi.rows}
    commune_years = tuple(
        _commune_year(session, commune, year, commitments, exchanges, meetings, next_share)
        for commune in communes
    )
    figures = YearFigures(
        communes=len(communes),
        projects_delivered=len(delivered),
        projects_in_progress=sum(1 for p in projects if p.status is ProjectStatus.IN_PROGRESS),
        commitments_made=len(made),
        commitments_kept=len(kept),
        exchanges=sum(exchanges.values()),
        meetings_held=_meetings_held(session, year),
        cp_year=this_ppi.total_cp(year),
        cp_next_year=next_ppi.total_cp(year + 1),
    )
    next_lines = tuple(
        line for line in list_ppi_lines(session) if line.cp_by_year.get(year + 1, Decimal(0)) > 0
    )
    data = VoeuxPackData(
        syndicate=syndicate_name(),
        year=year,
        as_of=year_end,
        figures=figures,
        delivered=delivered,
        communes=commune_years,
        next_ppi=next_ppi,
        next_ppi_lines=next_lines,
        speaker_notes=(),
    )
    return VoeuxPackData(**{**data.__dict__, "speaker_notes": tuple(_speaker_notes(data))})


def _commune_year(
    session: Session,
    commune: CommuneRecord,
    year: int,
    commitments: list[CommitmentRecord],
    exchanges: dict[uuid.UUID, int],
    meetings: dict[uuid.UUID, int],
    next_share: dict[uuid.UUID | None, Decimal],
) -> CommuneYear:
    year_end = dt.date(year, 12, 31)
    own = [c for c in commitments if c.commune_id == commune.id]
    projects = list_projects(session, ProjectFilter(commune_id=commune.id))
    return CommuneYear(
        commune=commune,
        projects_delivered=tuple(
            p
            for p in projects
            if p.status is ProjectStatus.DELIVERED
            and p.end_date is not None
            and p.end_date.year == year
        ),
        projects_in_progress=sum(1 for p in projects if p.status is ProjectStatus.IN_PROGRESS),
        commitments_made=sum(1 for c in own if c.made_on.year == year),
        commitments_kept=tuple(
            c
            for c in own
            if c.status is CommitmentStatus.KEPT
            and c.closed_on is not None
            and c.closed_on.year == year
        ),
        commitments_late=tuple(
            c
            for c in own
            if c.made_on <= year_end
            and commitment_state(c, year_end + dt.timedelta(days=1)) is CommitmentState.LATE
        ),
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
                    count=len(data.delivered),
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
                    count=len(best.commitments_kept),
                ),
            )
        )
    late = sum(len(c.commitments_late) for c in data.communes)
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
        (c for c in communes if c.commitments_kept),
        key=lambda c: (-len(c.commitments_kept), c.commune.name),
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
