"""Talking points of the mayor meeting pack and speaker's notes of the New Year address pack,
worded from the data; the packs print the president's own words (a meeting's speaker's notes)
before them.

A point is never said twice, never announces a zero, and a pack with nothing to say says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sitiv_desktop.domain.briefings import (
    ChangeEntry,
    ChangeKind,
    CommuneYear,
    MeetingPackData,
    PointTopic,
    TalkingPoint,
    VoeuxPackData,
)
from sitiv_desktop.domain.enums import Priority, ProjectStatus
from sitiv_desktop.domain.records import CommitmentRecord, PpiLineRecord
from sitiv_desktop.i18n import _, format_money, ngettext
from sitiv_desktop.services.briefings.common import TALKING_POINTS_PER_TOPIC, long_date


def with_talking_points(data: MeetingPackData, changes: Sequence[ChangeEntry]) -> MeetingPackData:
    """The meeting pack with its talking points.

    ``changes`` is the whole list of changes, of which the pack details the latest only.
    """
    points: list[TalkingPoint] = []
    points += _capped(
        TalkingPoint(
            PointTopic.ADDRESS,
            _("Take stock of « {title} », late since {date}{responsible}.").format(
                title=c.title,
                date=long_date(c.due_date) if c.due_date else "",
                responsible=_responsible_suffix(c),
            ),
        )
        for c in data.late
    )
    points += _capped(
        TalkingPoint(
            PointTopic.ADDRESS,
            _("Explain why « {title} » moved: {detail}.").format(
                title=change.subject, detail=change.detail
            ),
        )
        for change in changes
        if change.kind is ChangeKind.DUE_DATE_MOVED
    )
    points += _capped(_decisions_to_obtain(data))
    points += _capped(
        TalkingPoint(
            PointTopic.ANNOUNCE,
            _("Announce that « {title} » falls due on {date}.").format(
                title=c.title, date=long_date(c.due_date) if c.due_date else ""
            ),
        )
        for c in data.due_soon
    )
    points += _capped(
        TalkingPoint(
            PointTopic.CELEBRATE,
            _("Welcome the delivery of « {title} » ({date}).").format(
                title=change.subject, date=long_date(change.day)
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
    return MeetingPackData(**{**data.__dict__, "talking_points": _ordered(points)})


def _ordered(points: Iterable[TalkingPoint]) -> tuple[TalkingPoint, ...]:
    """By heading, in reading order, each point once (two commitments may read alike)."""
    unique = list(dict.fromkeys(points))
    order = list(PointTopic)
    unique.sort(key=lambda p: order.index(p.topic))
    return tuple(unique)


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
    return list(dict.fromkeys(points))[:TALKING_POINTS_PER_TOPIC]


# ---------------------------------------------------------------------------------------------


def speaker_notes(data: VoeuxPackData) -> tuple[TalkingPoint, ...]:
    """The speaker's notes, worded from the year's figures, each figure said only when it is
    not zero; the late commitments are counted at the day the figures stand at."""
    figures = data.figures
    notes = [
        TalkingPoint(
            PointTopic.CELEBRATE,
            ngettext(
                "Thank the member commune for its trust and its work in {year}.",
                "Thank the {count} member communes for their trust and their work in {year}.",
                figures.communes,
            ).format(count=figures.communes, year=data.year),
        )
    ]
    if data.delivered:
        largest = sorted(data.delivered, key=lambda p: (-(p.budget or 0), p.code))[:3]
        notes.append(
            TalkingPoint(
                PointTopic.CELEBRATE,
                ngettext(
                    "Welcome the project delivered in {year}: {titles}.",
                    "Welcome the {count} projects delivered in {year}, among them {titles}.",
                    figures.projects_delivered,
                ).format(
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
                ngettext(
                    "{kept} commitment kept in {year}, with {commune}.",
                    "{kept} commitments kept in {year}; {commune} saw the most of them ({count}).",
                    figures.commitments_kept,
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
                ngettext(
                    "Acknowledge the commitment still late on {date} and say how it will be "
                    "taken up in {year}.",
                    "Acknowledge the {count} commitments still late on {date} and say how "
                    "they will be taken up in {year}.",
                    late,
                ).format(count=late, date=long_date(data.as_of), year=data.next_year),
            )
        )
    if figures.cp_next_year > 0:
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
                ngettext(
                    "Recall the exchange with the communes in {year}.",
                    "Recall the {count} exchanges with the communes in {year}: the syndicate "
                    "stays close to each of them.",
                    figures.exchanges,
                ).format(count=figures.exchanges, year=data.year),
            )
        )
    return _ordered(notes)


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
