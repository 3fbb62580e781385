"""The data of the New Year address (vœux) pack: the year under review, one page per commune,
and the PPI of the year after.

Built before the year ends, the pack's figures stand at the day it is built (« au 1er décembre
2026 »): nothing after that day is counted, and no commitment not yet due is late. A year not
begun has no review.

Each figure is true at the day it stands at, read from the dates the records carry: delivered
on, made on, kept or abandoned on (a commitment late at a year's end and kept since was late
then), joined and left on. One is not: a project's status at a past day is recorded nowhere
complete (the shared history covers only what went through the sync, not imports nor a laptop
never synced, and a suspension carries no date), so a past year's pack counts the projects in
progress today and says so (``VoeuxPackData.in_progress_today``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from sitiv_desktop.domain.briefings import CommuneYear, VoeuxPackData, YearFigures
from sitiv_desktop.domain.enums import CommitmentStatus, MeetingKind, MeetingStatus, ProjectStatus
from sitiv_desktop.domain.records import (
    CommuneRecord,
    MeetingRecord,
    PpiLineRecord,
    PpiRow,
    PpiTable,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.briefings.common import (
    COMMUNE_PAGE_SHOWN,
    DELIVERED_SHOWN,
    NEXT_PPI_LINES_SHOWN,
    commitments_where,
    count_projects,
    projects_where,
    syndicate_name,
)
from sitiv_desktop.services.briefings.talking_points import speaker_notes
from sitiv_desktop.services.commitments import OPEN_STATUSES
from sitiv_desktop.services.communes import list_communes
from sitiv_desktop.services.meetings import get_meeting
from sitiv_desktop.services.ppi import list_ppi_lines, ppi_table
from sitiv_desktop.services.projects import commune_project_filter
from sitiv_desktop.store import models


def voeux_pack_data(session: Session, year: int, today: dt.date | None = None) -> VoeuxPackData:
    """The year ``year`` under review up to ``today`` (the day it is built) or its end, and the
    PPI of the year after.

    Figures are counted by the database over everything; the lists are capped selections.
    """
    if not 1972 <= year <= 2100:
        raise UserError(_("Year: give a year between 1972 and 2100."), "year")
    today = today or dt.date.today()
    if year > today.year:
        raise UserError(
            _("Year: {year} has not begun; give {current} or an earlier year.").format(
                year=year, current=today.year
            ),
            "year",
        )
    as_of = min(dt.date(year, 12, 31), today)
    period = _Period(dt.date(year, 1, 1), as_of)
    communes = [c for c in list_communes(session) if period.member_during(c)]
    delivered_in_year = period.delivered()
    delivered, delivered_count = projects_where(session, delivered_in_year, DELIVERED_SHOWN)
    exchanges = _exchanges_per_commune(session, period)
    meetings = _meetings_held_per_commune(session, period)
    both_years = ppi_table(session, years=(year, year + 1))
    next_ppi = _one_year(both_years, year + 1)
    next_share = {row.commune_id: row.cp_by_year.get(year + 1, Decimal(0)) for row in next_ppi.rows}
    made = _count_per_commune(session, period.made())
    kept = _count_per_commune(session, period.kept())
    commune_years = tuple(
        _commune_year(session, commune, period, made, kept, exchanges, meetings, next_share)
        for commune in communes
    )
    figures = YearFigures(
        communes=sum(1 for c in communes if period.member_at_end(c)),
        projects_delivered=delivered_count,
        projects_in_progress=count_projects(
            session, [models.Project.status == ProjectStatus.IN_PROGRESS.value]
        ),
        commitments_made=sum(made.values()),
        commitments_kept=sum(kept.values()),
        exchanges=sum(exchanges.values()),
        meetings_held=_meetings_held(session, period),
        cp_year=both_years.total_cp(year),
        cp_next_year=next_ppi.total_cp(year + 1),
    )
    next_lines, next_line_count = _lines_with_credits(session, year + 1)
    data = VoeuxPackData(
        syndicate=syndicate_name(),
        year=year,
        as_of=as_of,
        figures=figures,
        delivered=tuple(delivered),
        communes=commune_years,
        next_ppi=next_ppi,
        next_ppi_lines=next_lines,
        next_ppi_line_count=next_line_count,
        speaker_notes=(),
        address_meeting=address_meeting(session, year + 1),
        in_progress_today=as_of < today,
    )
    return VoeuxPackData(**{**data.__dict__, "speaker_notes": speaker_notes(data)})


def address_meeting(session: Session, year: int) -> MeetingRecord | None:
    """The New Year address meeting of ``year`` (its vœux, given in its first weeks, or in the
    December before): the one with the president's notes when several are recorded, else the
    first; a cancelled one never."""
    rows = session.execute(
        select(models.Meeting.id, models.Meeting.speaker_notes)
        .where(
            models.Meeting.kind == MeetingKind.NEW_YEAR.value,
            models.Meeting.status != MeetingStatus.CANCELLED.value,
            models.Meeting.starts_at >= dt.datetime(year - 1, 12, 1),
            models.Meeting.starts_at < dt.datetime(year + 1, 1, 1),
        )
        .order_by(models.Meeting.starts_at, models.Meeting.id)
    ).all()
    if not rows:
        return None
    chosen = next((row.id for row in rows if row.speaker_notes.strip()), rows[0].id)
    return get_meeting(session, chosen)


class _Period:
    """From the first of January to the day the figures stand at, both included."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last

    def delivered(self) -> list[ColumnElement[bool]]:
        return [
            models.Project.status == ProjectStatus.DELIVERED.value,
            models.Project.end_date >= self.first,
            models.Project.end_date <= self.last,
        ]

    def made(self) -> list[ColumnElement[bool]]:
        return [models.Commitment.made_on >= self.first, models.Commitment.made_on <= self.last]

    def kept(self) -> list[ColumnElement[bool]]:
        return [
            models.Commitment.status == CommitmentStatus.KEPT.value,
            models.Commitment.closed_on >= self.first,
            models.Commitment.closed_on <= self.last,
        ]

    def late(self) -> list[ColumnElement[bool]]:
        """Made by the last day, due before it, and still open on it: open today, or closed
        (kept, abandoned) after it."""
        return [
            models.Commitment.made_on <= self.last,
            models.Commitment.due_date < self.last,
            or_(
                models.Commitment.status.in_(OPEN_STATUSES),
                models.Commitment.closed_on > self.last,
            ),
        ]

    def member_during(self, commune: CommuneRecord) -> bool:
        """A member on one day of the period at least: it has its page."""
        joined = commune.joined_on is None or commune.joined_on <= self.last
        return joined and (commune.left_on is None or commune.left_on >= self.first)

    def member_at_end(self, commune: CommuneRecord) -> bool:
        """A member on the day the figures stand at: it counts among the member communes."""
        joined = commune.joined_on is None or commune.joined_on <= self.last
        return joined and (commune.left_on is None or commune.left_on > self.last)

    def held(self) -> list[ColumnElement[bool]]:
        return [
            models.Meeting.starts_at >= dt.datetime.combine(self.first, dt.time()),
            models.Meeting.starts_at <= dt.datetime.combine(self.last, dt.time.max),
            models.Meeting.status == MeetingStatus.HELD.value,
        ]


def _one_year(table: PpiTable, year: int) -> PpiTable:
    """The PPI table of one of the years of ``table``: read once, shown twice."""
    rows = tuple(
        PpiRow(row.commune_id, row.commune_name, row.ap, {year: row.cp_by_year[year]})
        for row in table.rows
    )
    return PpiTable(years=(year,), rows=rows)


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
    period: _Period,
    made: dict[uuid.UUID, int],
    kept: dict[uuid.UUID, int],
    exchanges: dict[uuid.UUID, int],
    meetings: dict[uuid.UUID, int],
    next_share: dict[uuid.UUID | None, Decimal],
) -> CommuneYear:
    own_projects = commune_project_filter(commune.id)
    own = models.Commitment.commune_id == commune.id
    late = [own, *period.late()]
    kept_order = (models.Commitment.closed_on.desc(), models.Commitment.title)
    late_order = (models.Commitment.due_date, models.Commitment.title)
    delivered, delivered_count = projects_where(
        session, [own_projects, *period.delivered()], COMMUNE_PAGE_SHOWN
    )
    return CommuneYear(
        commune=commune,
        projects_delivered=tuple(delivered),
        delivered_count=delivered_count,
        projects_in_progress=count_projects(
            session, [own_projects, models.Project.status == ProjectStatus.IN_PROGRESS.value]
        ),
        commitments_made=made.get(commune.id, 0),
        commitments_kept=tuple(
            commitments_where(session, [own, *period.kept()], kept_order, COMMUNE_PAGE_SHOWN)
        ),
        kept_count=kept.get(commune.id, 0),
        commitments_late=tuple(commitments_where(session, late, late_order, COMMUNE_PAGE_SHOWN)),
        late_count=_count_per_commune(session, late).get(commune.id, 0),
        exchanges=exchanges.get(commune.id, 0),
        meetings_held=meetings.get(commune.id, 0),
        cp_next_year=next_share.get(commune.id, Decimal(0)),
    )


def _exchanges_per_commune(session: Session, period: _Period) -> dict[uuid.UUID, int]:
    """Each commune's exchanges of the period (communes without any left out), counted commune
    by commune along the index on (commune, date), which holds all a count needs: one count
    over the period's dates would read every exchange of the year from the table."""
    exchange = models.Exchange
    counted = (
        select(func.count())
        .where(
            exchange.commune_id == models.Commune.id,
            exchange.occurred_on >= period.first,
            exchange.occurred_on <= period.last,
        )
        .scalar_subquery()
    )
    rows = session.execute(select(models.Commune.id, counted))
    return {commune_id: count for commune_id, count in rows if count}


def _meetings_held(session: Session, period: _Period) -> int:
    statement = select(func.count()).select_from(models.Meeting).where(*period.held())
    return session.scalar(statement) or 0


def _meetings_held_per_commune(session: Session, period: _Period) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(models.MeetingCommune.commune_id, func.count())
        .join(models.Meeting, models.Meeting.id == models.MeetingCommune.meeting_id)
        .where(*period.held())
        .group_by(models.MeetingCommune.commune_id)
    )
    return {commune_id: count for commune_id, count in rows}
