"""The New Year address (vœux) pack: the year under review, one page per commune, the PPI of
the coming year and the speaker's notes.

Kept whole: one flowable story from the first page to the last, as ``meeting_pack`` is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, NextPageTemplate, PageBreak, Spacer

from sitiv_desktop.domain.briefings import CommuneYear, VoeuxPackData
from sitiv_desktop.domain.records import CommitmentRecord
from sitiv_desktop.i18n import _, format_money, ngettext
from sitiv_desktop.reports.common import Sections, cover, others_note, own_words, talking_points
from sitiv_desktop.reports.document import BODY_TEMPLATE, BuildOptions, PackInfo, contents, render
from sitiv_desktop.reports.flowables import (
    SectionHeading,
    data_table,
    empty_note,
    key_figures,
    markup,
    paired_bar_chart,
    para,
)
from sitiv_desktop.reports.styles import Styles, make_styles, pack_date, pack_money, pack_number


def voeux_info(data: VoeuxPackData) -> PackInfo:
    return PackInfo(
        title=_("New Year address {year} — review of {past}").format(
            year=data.next_year, past=data.year
        ),
        subject=_("The year {year} across the syndicate, and the PPI {next}").format(
            year=data.year, next=data.next_year
        ),
        author=data.syndicate,
        syndicate_short="SITIV",
        commune=_("All communes"),
        date=pack_date(data.as_of),
        pack_label=_("New Year address {year}").format(year=data.next_year),
    )


def voeux_story(data: VoeuxPackData, styles: Styles) -> list[Flowable]:
    sections = Sections(styles)
    story: list[Flowable] = cover(
        styles,
        kicker=data.syndicate,
        title=_("New Year address {year}").format(year=data.next_year),
        subtitle=_("The year {year} in review, and the outlook for {next}").format(
            year=data.year, next=data.next_year
        ),
        details=[
            (_("Year under review"), str(data.year)),
            (_("Member communes"), pack_number(data.figures.communes)),
            (_("Figures as of"), pack_date(data.as_of)),
        ],
    )
    story += [NextPageTemplate(BODY_TEMPLATE), PageBreak()]
    story += [SectionHeading(_("Contents"), styles.toc_title, in_contents=False), contents(styles)]
    story += [PageBreak(), sections.section(_("The year {year} in figures").format(year=data.year))]
    story += _figures(data, styles)
    story += [CondPageBreak(60 * mm), sections.section(_("Projects delivered"))]
    story += _delivered(data, styles)
    story += [PageBreak(), sections.section(_("Commitments kept by commune"))]
    story += _kept_by_commune(data, styles)
    story += [PageBreak(), sections.section(_("The communes"))]
    for index, commune_year in enumerate(data.communes):
        if index:
            story.append(PageBreak())
        story += _commune_page(commune_year, data, styles, sections)
    if not data.communes:
        story.append(empty_note(_("No commune is recorded."), styles))
    story += [PageBreak(), sections.section(_("PPI {year}").format(year=data.next_year))]
    story += _next_ppi(data, styles)
    story += [CondPageBreak(60 * mm), sections.section(_("Speaker's notes"))]
    story += _speech_notes(data, styles)
    story += talking_points(
        data.speaker_notes, styles, _("The data of the year gives no particular point to make.")
    )
    return story


def _speech_notes(data: VoeuxPackData, styles: Styles) -> list[Flowable]:
    """The president's own notes for the speech first, typed on the vœux meeting; when there
    are none, one line says where they would come from, and the points of the data follow."""
    meeting = data.address_meeting
    if meeting is None:
        return [
            para(
                _(
                    "No New Year address meeting is recorded for {year}: the notes for the "
                    "speech typed on it would come first. The points below are drawn from the "
                    "data."
                ).format(year=data.next_year),
                styles.muted,
            )
        ]
    notes = own_words(meeting.speaker_notes, _("Notes for the speech"), styles)
    if not notes:
        return [
            para(
                _(
                    "No notes for the speech are typed on « {title} » yet. The points below "
                    "are drawn from the data."
                ).format(title=meeting.title),
                styles.muted,
            )
        ]
    return [*notes, para(_("Points drawn from the data:"), styles.muted)]


def write_voeux_pack(data: VoeuxPackData, stream: BinaryIO, options: BuildOptions) -> None:
    """Write the New Year address pack as PDF to ``stream``."""
    styles = make_styles()
    render(voeux_story(data, styles), voeux_info(data), stream, options)


# ---------------------------------------------------------------------------------------------


def _figures(data: VoeuxPackData, styles: Styles) -> list[Flowable]:
    figures = data.figures
    boxes = [
        (
            pack_number(figures.communes),
            ngettext("member commune", "member communes", figures.communes),
        ),
        (
            pack_number(figures.projects_delivered),
            ngettext("project delivered", "projects delivered", figures.projects_delivered),
        ),
        (
            pack_number(figures.projects_in_progress),
            _in_progress_label(figures.projects_in_progress, data),
        ),
        (
            pack_number(figures.meetings_held),
            ngettext("meeting held", "meetings held", figures.meetings_held),
        ),
        (
            pack_number(figures.commitments_made),
            ngettext("commitment made", "commitments made", figures.commitments_made),
        ),
        (
            pack_number(figures.commitments_kept),
            ngettext("commitment kept", "commitments kept", figures.commitments_kept),
        ),
        (
            pack_number(figures.exchanges),
            ngettext(
                "exchange with the communes", "exchanges with the communes", figures.exchanges
            ),
        ),
        (
            pack_number(data.next_ppi_line_count),
            ngettext(
                "PPI line for {year}", "PPI lines for {year}", data.next_ppi_line_count
            ).format(year=data.next_year),
        ),
    ]
    money = [
        [_("Payment credits (CP) {year}").format(year=data.year), format_money(figures.cp_year)],
        [
            _("Payment credits (CP) planned for {year}").format(year=data.next_year),
            format_money(figures.cp_next_year),
        ],
    ]
    as_of = (
        _("Figures as of {date}, the end of the year.")
        if data.year_closed
        else _("Figures as of {date}: the year is not over, nothing later is counted.")
    ).format(date=pack_date(data.as_of))
    if data.in_progress_today:
        as_of += " " + _(
            "The projects in progress are counted today: a project's status on a past day is "
            "not recorded."
        )
    return [
        para(as_of, styles.muted),
        key_figures(boxes, styles),
        Spacer(1, 6 * mm),
        data_table(
            [_("Budget"), _("Amount")], money, [120 * mm, 50 * mm], styles, right_columns=(1,)
        ),
    ]


def _in_progress_label(count: int, data: VoeuxPackData) -> str:
    """« en cours » at the day the figures stand at, or « aujourd’hui » for a past year, whose
    projects' status at its end is not known."""
    if data.in_progress_today:
        return ngettext("project in progress today", "projects in progress today", count)
    return ngettext("project in progress", "projects in progress", count)


def _delivered(data: VoeuxPackData, styles: Styles) -> list[Flowable]:
    projects, year = data.delivered, data.year
    if not projects:
        return [empty_note(_("No project was delivered in {year}.").format(year=year), styles)]
    hidden = data.figures.projects_delivered - len(projects)
    rows = [
        [
            p.code,
            p.title,
            p.owner_name,
            pack_date(p.end_date) if p.end_date else "—",
            pack_money(p.budget),
        ]
        for p in projects
    ]
    headers = [_("Code"), _("Project"), _("Owner"), _("Delivered on"), _("AP")]
    widths = [24 * mm, 57 * mm, 30 * mm, 30 * mm, 29 * mm]
    flowables: list[Flowable] = []
    if hidden > 0:
        flowables.append(
            para(
                _("The {shown} largest deliveries by AP, of {count}.").format(
                    shown=pack_number(len(projects)),
                    count=pack_number(data.figures.projects_delivered),
                ),
                styles.muted,
            )
        )
    flowables.append(data_table(headers, rows, widths, styles, right_columns=(4,)))
    flowables += others_note(
        hidden,
        ngettext(
            "{count} other project delivered in {year} is not detailed; "
            "the full list is in the application.",
            "{count} other projects delivered in {year} are not detailed; "
            "the full list is in the application.",
            hidden,
        ).format(count=pack_number(hidden), year=year),
        styles,
    )
    return flowables


def _kept_by_commune(data: VoeuxPackData, styles: Styles) -> list[Flowable]:
    if not data.communes:
        return [empty_note(_("No commune is recorded."), styles)]
    names = [c.commune.name for c in data.communes]
    made = [c.commitments_made for c in data.communes]
    kept = [c.kept_count for c in data.communes]
    late = [c.late_count for c in data.communes]
    flowables: list[Flowable] = []
    if any(made) or any(kept):
        flowables.append(
            paired_bar_chart(
                names,
                made,
                kept,
                (
                    _("made in {year}").format(year=data.year),
                    _("kept in {year}").format(year=data.year),
                ),
                _("Commitments made and kept in {year}, by commune").format(year=data.year),
            )
        )
        flowables.append(Spacer(1, 5 * mm))
    else:
        flowables.append(
            empty_note(
                _("No commitment was made or kept in {year}.").format(year=data.year), styles
            )
        )
    rows = [
        [name, pack_number(m), pack_number(k), pack_number(lt)]
        for name, m, k, lt in zip(names, made, kept, late, strict=True)
    ]
    rows.append(
        [
            markup("<b>{label}</b>", label=_("Total")),
            pack_number(sum(made)),
            pack_number(sum(kept)),
            pack_number(sum(late)),
        ]
    )
    headers = [
        _("Commune"),
        _("Made in {year}").format(year=data.year),
        _("Kept in {year}").format(year=data.year),
        _("Late on {date}").format(date=pack_date(data.as_of)),
    ]
    flowables.append(
        data_table(
            headers,
            rows,
            [70 * mm, 33 * mm, 33 * mm, 34 * mm],
            styles,
            right_columns=(1, 2, 3),
            total_row=True,
        )
    )
    return flowables


def _commune_page(
    commune_year: CommuneYear, data: VoeuxPackData, styles: Styles, sections: Sections
) -> list[Flowable]:
    commune = commune_year.commune
    figures = [
        (
            pack_number(commune_year.delivered_count),
            ngettext("project delivered", "projects delivered", commune_year.delivered_count),
        ),
        (
            pack_number(commune_year.projects_in_progress),
            _in_progress_label(commune_year.projects_in_progress, data),
        ),
        (
            pack_number(commune_year.kept_count),
            ngettext("commitment kept", "commitments kept", commune_year.kept_count),
        ),
        (
            pack_number(commune_year.exchanges),
            ngettext("exchange", "exchanges", commune_year.exchanges),
        ),
    ]
    flowables: list[Flowable] = [
        sections.subsection(commune.name, commune=commune.name),
        para(
            ngettext(
                "{population} inhabitants · {metropole} · mayor: {mayor} · "
                "{meetings} meeting held in {year}",
                "{population} inhabitants · {metropole} · mayor: {mayor} · "
                "{meetings} meetings held in {year}",
                commune_year.meetings_held,
            ).format(
                population=pack_number(commune.population),
                metropole=commune.metropole.label,
                mayor=commune.mayor or _("not known"),
                meetings=pack_number(commune_year.meetings_held),
                year=data.year,
            ),
            styles.muted,
        ),
        Spacer(1, 2 * mm),
        key_figures(figures, styles),
        para(_("Projects delivered in {year}").format(year=data.year), styles.h3),
    ]
    if commune_year.projects_delivered:
        rows = [
            [p.code, p.title, pack_date(p.end_date) if p.end_date else "—", pack_money(p.budget)]
            for p in commune_year.projects_delivered
        ]
        flowables.append(
            data_table(
                [_("Code"), _("Project"), _("Delivered on"), _("AP")],
                rows,
                [24 * mm, 87 * mm, 30 * mm, 29 * mm],
                styles,
                right_columns=(3,),
            )
        )
        flowables += _not_detailed(
            commune_year.delivered_count - len(commune_year.projects_delivered), styles
        )
    else:
        flowables.append(
            empty_note(
                _("No project of the commune was delivered in {year}.").format(year=data.year),
                styles,
            )
        )
    flowables.append(para(_("Commitments kept in {year}").format(year=data.year), styles.h3))
    flowables += _commitments(
        commune_year.commitments_kept,
        styles,
        _("No commitment to the commune was kept in {year}.").format(year=data.year),
        kept=True,
    )
    flowables += _not_detailed(commune_year.kept_count - len(commune_year.commitments_kept), styles)
    flowables.append(
        para(_("Commitments still late on {date}").format(date=pack_date(data.as_of)), styles.h3)
    )
    flowables += _commitments(
        commune_year.commitments_late,
        styles,
        _("No commitment to the commune is late."),
        kept=False,
    )
    flowables += _not_detailed(commune_year.late_count - len(commune_year.commitments_late), styles)
    flowables.append(Spacer(1, 3 * mm))
    flowables.append(
        para(
            _("Payment credits borne by the commune in {year}: {amount}.").format(
                year=data.next_year, amount=format_money(commune_year.cp_next_year)
            )
            if commune_year.cp_next_year > 0
            else _("No payment credit borne by the commune is planned for {year} yet.").format(
                year=data.next_year
            ),
            styles.body,
        )
    )
    return flowables


def _not_detailed(hidden: int, styles: Styles) -> list[Flowable]:
    """Under a capped list of a commune's page, which stays one page long."""
    return others_note(
        hidden,
        ngettext(
            "{count} other is not detailed; the full list is in the application.",
            "{count} others are not detailed; the full list is in the application.",
            hidden,
        ).format(count=pack_number(hidden)),
        styles,
    )


def _commitments(
    records: Sequence[CommitmentRecord], styles: Styles, empty: str, kept: bool
) -> list[Flowable]:
    if not records:
        return [empty_note(empty, styles)]
    rows: list[list[str | Flowable]] = [
        [
            _kept_cell(c, styles) if kept and c.evidence else c.title,
            _day(c.closed_on if kept else c.due_date),
            c.responsible or "—",
        ]
        for c in records
    ]
    headers = [_("Commitment"), _("Kept on") if kept else _("Due date"), _("Responsible")]
    return [data_table(headers, rows, [108 * mm, 30 * mm, 32 * mm], styles)]


def _kept_cell(record: CommitmentRecord, styles: Styles) -> Flowable:
    """A kept commitment's title, and under it in smaller type the evidence that it was kept."""
    return para(
        markup(
            '{title}<br/><font size="7.5" color="#4A5568"><b>{label}</b> {evidence}</font>',
            title=record.title,
            label=_("Evidence:"),
            evidence=record.evidence,
        ),
        styles.cell,
    )


def _day(value: dt.date | None) -> str:
    return pack_date(value) if value is not None else "—"


def _next_ppi(data: VoeuxPackData, styles: Styles) -> list[Flowable]:
    year = data.next_year
    table = data.next_ppi
    if not data.next_ppi_lines:
        return [
            empty_note(_("No payment credit is planned for {year} yet.").format(year=year), styles)
        ]
    rows = [
        [row.commune_name, format_money(row.ap), format_money(row.cp_by_year.get(year, Decimal(0)))]
        for row in table.rows
    ]
    rows.append(
        [
            markup("<b>{label}</b>", label=_("Total")),
            format_money(table.total_ap()),
            format_money(table.total_cp(year)),
        ]
    )
    lines = [
        [
            f"{line.project_code} — {line.project_title}",
            line.owner_name,
            pack_money(line.ap),
            format_money(line.cp_by_year.get(year, Decimal(0))),
        ]
        for line in data.next_ppi_lines
    ]
    hidden = data.next_ppi_line_count - len(data.next_ppi_lines)
    return [
        para(
            _(
                "Each commune's share of the AP in force and of the payment credits planned "
                "for {year}, by its cost share in each project."
            ).format(year=year),
            styles.muted,
        ),
        data_table(
            [_("Commune"), _("AP in force"), _("CP {year}").format(year=year)],
            rows,
            [80 * mm, 45 * mm, 45 * mm],
            styles,
            right_columns=(1, 2),
            total_row=True,
        ),
        para(
            _("Lines with payment credits in {year}").format(year=year)
            if hidden <= 0
            else _("The {shown} lines with the largest payment credits in {year}").format(
                shown=pack_number(len(data.next_ppi_lines)), year=year
            ),
            styles.h3,
        ),
        data_table(
            [_("Line"), _("Owner"), _("AP in force"), _("CP {year}").format(year=year)],
            lines,
            [72 * mm, 30 * mm, 34 * mm, 34 * mm],
            styles,
            right_columns=(2, 3),
        ),
        *others_note(
            hidden,
            ngettext(
                "{count} other line with smaller payment credits in {year} is not detailed; "
                "the table above counts every line.",
                "{count} other lines with smaller payment credits in {year} are not detailed; "
                "the table above counts every line.",
                hidden,
            ).format(count=pack_number(hidden), year=year),
            styles,
        ),
    ]
