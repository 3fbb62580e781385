"""Pieces several packs share: section numbering, the cover, the agenda table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from sitiv_desktop.domain.briefings import PointTopic, TalkingPoint
from sitiv_desktop.domain.records import MeetingRecord
from sitiv_desktop.i18n import _
from sitiv_desktop.reports.flowables import (
    SectionHeading,
    data_table,
    empty_note,
    markup,
    para,
)
from sitiv_desktop.reports.fonts import BODY
from sitiv_desktop.reports.styles import ACCENT, FRAME_WIDTH, RULE, Styles, pack_date, pack_time


class Sections:
    """Numbers the sections of a pack as they are added: « 3. Projets »."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.count = 0

    def section(self, title: str, commune: str | None = None) -> SectionHeading:
        self.count += 1
        return SectionHeading(f"{self.count}. {title}", self.styles.h1, 0, commune)

    def subsection(self, title: str, commune: str | None = None) -> SectionHeading:
        return SectionHeading(title, self.styles.h2, 1, commune)


def meeting_moment(meeting: MeetingRecord) -> str:
    """« 20 janvier 2015 à 14 h 30 », in the one date format of the packs."""
    return _("{date} at {time}").format(
        date=pack_date(meeting.starts_at.date()), time=pack_time(meeting.starts_at)
    )


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("{hours} h {minutes:02d}").format(hours=hours, minutes=rest)
    if hours:
        return _("{hours} h").format(hours=hours)
    return _("{minutes} min").format(minutes=rest)


def cover(
    styles: Styles,
    kicker: str,
    title: str,
    subtitle: str,
    details: Sequence[tuple[str, str]],
) -> list[Flowable]:
    """The first page: who, what, when, where, in large and sober type."""
    rows = [
        [para(label, styles.muted), para(value, styles.cover_detail)] for label, value in details
    ]
    table = Table(rows, colWidths=[38 * mm, FRAME_WIDTH - 38 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("FONTNAME", (0, 0), (-1, -1), BODY),
            ]
        )
    )
    rule = Table([[""]], colWidths=[40 * mm], rowHeights=[2], hAlign="LEFT")
    rule.setStyle(
        TableStyle([("BACKGROUND", (0, 0), (-1, -1), ACCENT), ("FONTNAME", (0, 0), (-1, -1), BODY)])
    )
    return [
        Spacer(1, 38 * mm),
        para(kicker, styles.cover_kicker),
        Spacer(1, 5 * mm),
        para(title, styles.cover_title),
        para(subtitle, styles.cover_subtitle),
        Spacer(1, 8 * mm),
        rule,
        Spacer(1, 10 * mm),
        table,
    ]


def agenda_table(meeting: MeetingRecord, styles: Styles, with_outcomes: bool) -> list[Flowable]:
    """The items in order with their start time, presenter and duration, then the total."""
    if not meeting.agenda:
        return [empty_note(_("No item is on the agenda of this meeting yet."), styles)]
    headers = [_("No."), _("Time"), _("Item"), _("Presenter"), _("Duration")]
    widths = [10 * mm, 15 * mm, 87 * mm, 38 * mm, 20 * mm]
    if with_outcomes:
        headers.append(_("Outcome"))
        widths = [10 * mm, 14 * mm, 62 * mm, 30 * mm, 17 * mm, 37 * mm]
    rows: list[list[str | Flowable]] = []
    start = meeting.starts_at
    for item in meeting.agenda:
        row: list[str | Flowable] = [
            str(item.position + 1),
            pack_time(start),
            _item_cell(item.title, item.linked_label, item.carried_from_id is not None, styles),
            item.presenter or "—",
            duration_text(item.duration_minutes) if item.duration_minutes else "—",
        ]
        if with_outcomes:
            row.append(_outcome_text(item.outcome.label, item.outcome_text))
        rows.append(row)
        start += dt.timedelta(minutes=item.duration_minutes)
    flowables: list[Flowable] = [data_table(headers, rows, widths, styles, right_columns=(0, 1, 4))]
    total = _("Total: {agenda} for a meeting of {meeting}.").format(
        agenda=duration_text(meeting.agenda_minutes),
        meeting=duration_text(meeting.duration_minutes),
    )
    flowables.append(Spacer(1, 3 * mm))
    if meeting.overruns:
        overrun = duration_text(meeting.agenda_minutes - meeting.duration_minutes)
        flowables.append(
            para(
                markup(
                    '{total} <font color="#A4262C"><b>{warning}</b></font>',
                    total=total,
                    warning=_("The agenda overruns the meeting by {overrun}.").format(
                        overrun=overrun
                    ),
                ),
                styles.body,
            )
        )
    else:
        flowables.append(para(total, styles.body))
    return flowables


def _item_cell(title: str, linked: str, carried: bool, styles: Styles) -> Flowable:
    notes = []
    if linked:
        notes.append(_("About: {linked}").format(linked=linked))
    if carried:
        notes.append(_("Carried over from an earlier meeting"))
    if not notes:
        return para(title, styles.cell)
    return para(
        markup(
            '{title}<br/><font size="7.5" color="#4A5568">{notes}</font>',
            title=title,
            notes=" · ".join(notes),
        ),
        styles.cell,
    )


def _outcome_text(label: str, text: str) -> str:
    return _("{label}: {text}").format(label=label, text=text) if text else label


def talking_points(points: Sequence[TalkingPoint], styles: Styles, empty: str) -> list[Flowable]:
    """Points grouped under their heading (to address, to obtain…), as bullets."""
    if not points:
        return [empty_note(empty, styles)]
    flowables: list[Flowable] = []
    for topic in PointTopic:
        chosen = [p for p in points if p.topic is topic]
        if not chosen:
            continue
        flowables.append(para(topic.label, styles.h3))
        for point in chosen:
            flowables.append(
                para(markup("<bullet>\u2013</bullet>{text}", text=point.text), styles.point)
            )
    return flowables


_BULLETS = ("- ", "– ", "— ", "• ", "* ")


def own_words(text: str, heading: str, styles: Styles) -> list[Flowable]:
    """The president's own notes under ``heading``, as typed: a line starting with a dash or a
    bullet is a bullet, a blank line separates paragraphs; nothing at all without notes."""
    if not text.strip():
        return []
    flowables: list[Flowable] = [para(heading, styles.h3)]
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            flowables.append(para(" ".join(paragraph), styles.body))
            paragraph.clear()

    for line in text.splitlines():
        stripped = line.strip()
        bullet = next((b for b in _BULLETS if stripped.startswith(b)), None)
        if not stripped:
            flush()
        elif bullet is not None:
            flush()
            flowables.append(
                para(
                    markup("<bullet>\u2013</bullet>{text}", text=stripped[len(bullet) :].strip()),
                    styles.point,
                )
            )
        else:
            paragraph.append(stripped)
    flush()
    return flowables


def others_note(hidden: int, sentence: str, styles: Styles) -> list[Flowable]:
    """The sentence under a capped list that says how many entries it leaves out (« 12 autres
    projets ne sont pas détaillés… »); nothing when the list is whole."""
    if hidden <= 0:
        return []
    return [Spacer(1, 1.5 * mm), para(sentence, styles.muted)]
