"""The mayor meeting pack: everything the syndicate brings to a meeting with one commune.

Kept whole: one flowable story, each section a function, the order of the sections being the
pack's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, NextPageTemplate, PageBreak, Spacer

from sitiv_desktop.domain.briefings import ChangeKind, MeetingPackData, PpiShare
from sitiv_desktop.domain.records import CommitmentRecord, PpiLineRecord, StakeRecord
from sitiv_desktop.i18n import _, format_money, format_whole_money, ngettext, of_commune
from sitiv_desktop.reports.common import (
    Sections,
    agenda_table,
    cover,
    meeting_moment,
    others_note,
    own_words,
    talking_points,
)
from sitiv_desktop.reports.document import (
    BODY_TEMPLATE,
    BuildOptions,
    PackInfo,
    contents,
    render,
)
from sitiv_desktop.reports.flowables import (
    ProgressCell,
    SectionHeading,
    column_chart,
    data_table,
    empty_note,
    fitted,
    key_figures,
    markup,
    para,
)
from sitiv_desktop.reports.styles import (
    Styles,
    make_styles,
    pack_date,
    pack_money,
    pack_number,
)
from sitiv_desktop.services.ppi import nothing_left_note

# The PPI table shows at most this many years; earlier and later ones are added to its ends.
PPI_YEAR_COLUMNS = 3


def meeting_pack_info(data: MeetingPackData) -> PackInfo:
    return PackInfo(
        title=_("Meeting pack — {commune} — {date}").format(
            commune=data.commune.name, date=pack_date(data.meeting.starts_at.date())
        ),
        subject=data.meeting.title,
        author=data.syndicate,
        syndicate_short="SITIV",
        commune=data.commune.name,
        date=pack_date(data.meeting.starts_at.date()),
        pack_label=_("Meeting pack — {commune}").format(commune=data.commune.name),
    )


def meeting_pack_story(data: MeetingPackData, styles: Styles) -> list[Flowable]:
    meeting, commune = data.meeting, data.commune
    sections = Sections(styles)
    story: list[Flowable] = cover(
        styles,
        kicker=data.syndicate,
        title=meeting.kind.label,
        subtitle=commune.name,
        details=[
            (_("Meeting"), meeting.title),
            (_("Date"), meeting_moment(meeting)),
            (_("Place"), meeting.place or _("To be set")),
            (_("Participants"), meeting.participants or _("Not listed yet")),
            (_("Mayor"), commune.mayor or _("Not known")),
            (_("Figures as of"), pack_date(data.as_of)),
        ],
    )
    story += [NextPageTemplate(BODY_TEMPLATE), PageBreak()]
    story += [SectionHeading(_("Contents"), styles.toc_title, in_contents=False), contents(styles)]
    story += [PageBreak(), sections.section(_("Agenda"))]
    story += agenda_table(meeting, styles, with_outcomes=False)
    story += [CondPageBreak(60 * mm), sections.section(_("The commune at a glance"))]
    story += _glance(data, styles)
    story += [CondPageBreak(50 * mm), sections.section(_("What changed since the last meeting"))]
    story += _changes(data, styles)
    story += [CondPageBreak(50 * mm), sections.section(_("Projects"))]
    story += _projects(data, styles)
    story += [CondPageBreak(50 * mm), sections.section(_("Commitments"))]
    story += _commitments(data, styles)
    story += [CondPageBreak(50 * mm), sections.section(_("Recent exchanges"))]
    story += _exchanges(data, styles)
    story += [CondPageBreak(50 * mm), sections.section(_("Mandate stakes"))]
    story += _stakes(data, styles)
    story += [CondPageBreak(80 * mm), sections.section(_("PPI lines"))]
    story += _ppi(data, styles)
    story += [CondPageBreak(50 * mm), sections.section(_("Talking points"))]
    story += own_words(meeting.speaker_notes, _("Personal points"), styles)
    if meeting.speaker_notes.strip() and data.talking_points:
        story.append(para(_("Points drawn from the data:"), styles.muted))
    story += talking_points(
        data.talking_points,
        styles,
        _(
            "Nothing in the data calls for a particular point: no late commitment, "
            "no decision pending, no delivery to welcome."
        ),
    )
    return story


def write_meeting_pack(data: MeetingPackData, stream: BinaryIO, options: BuildOptions) -> None:
    """Write the mayor meeting pack as PDF to ``stream``."""
    styles = make_styles()
    render(meeting_pack_story(data, styles), meeting_pack_info(data), stream, options)


# ---------------------------------------------------------------------------------------------


def _glance(data: MeetingPackData, styles: Styles) -> list[Flowable]:
    commune = data.commune
    figures = [
        (pack_number(commune.population), _("inhabitants")),
        (
            pack_number(data.project_count),
            ngettext(
                "project, {active} under way", "projects, {active} under way", data.project_count
            ).format(active=pack_number(data.projects_under_way)),
        ),
        (
            pack_number(data.open_commitments),
            ngettext("open commitment", "open commitments", data.open_commitments),
        ),
        (
            pack_number(data.late_count),
            ngettext("late commitment", "late commitments", data.late_count),
        ),
    ]
    identity = [
        [_("Mayor"), commune.mayor or _("Not known")],
        [_("INSEE code"), commune.insee_code],
        [_("Département"), commune.departement or "—"],
        [_("Intercommunality"), commune.metropole.label],
        [_("Member since"), pack_date(commune.joined_on) if commune.joined_on else "—"],
        *([[_("Member until"), pack_date(commune.left_on)]] if commune.left_on is not None else []),
        [_("Share of the PPI (AP)"), format_money(data.ppi_share.ap)],
        [_("Figures as of"), pack_date(data.as_of)],
    ]
    flowables: list[Flowable] = [
        key_figures(figures, styles),
        Spacer(1, 5 * mm),
        data_table([_("Identity"), ""], identity, [50 * mm, 120 * mm], styles),
        SectionHeading(_("Contacts"), styles.h2, level=1),
    ]
    if not data.contacts:
        flowables.append(empty_note(_("No contact is recorded for this commune."), styles))
        return flowables
    email_width = 58 * mm - 8  # the cell's padding
    rows: list[list[str | Flowable]] = [
        [
            c.full_name,
            c.addressed_as,
            fitted(c.email, styles.cell, email_width) if c.email else "—",
            c.phone or "—",
        ]
        for c in data.contacts
    ]
    headers = [_("Name"), _("Role"), _("Email"), _("Phone")]
    flowables.append(data_table(headers, rows, [38 * mm, 44 * mm, 58 * mm, 30 * mm], styles))
    return flowables


def _changes(data: MeetingPackData, styles: Styles) -> list[Flowable]:
    counted = change_summary(data.change_counts)
    if data.previous_meeting is not None:
        intro = _(
            "Since the last mayor meeting with the commune, on {date} ({title}), up to {as_of}: "
            "{changes}."
        ).format(
            title=data.previous_meeting.title,
            date=pack_date(data.changes_since),
            as_of=pack_date(data.as_of),
            changes=counted,
        )
    else:
        intro = _(
            "No mayor meeting was held with the commune before this one: these are the "
            "changes of the past year, from {date} to {as_of}; {changes}."
        ).format(date=pack_date(data.changes_since), as_of=pack_date(data.as_of), changes=counted)
    flowables: list[Flowable] = [para(intro, styles.body)]
    if not data.changes:
        flowables.append(
            empty_note(
                _(
                    "Nothing changed since then: no commitment made, kept or moved, no project "
                    "advanced, no AP voted, no exchange recorded."
                ),
                styles,
            )
        )
        return flowables
    rows = [
        [
            pack_date(change.day),
            change.kind.label,
            change.subject,
            change.detail or "—",
            change.author or "—",
        ]
        for change in data.changes
    ]
    headers = [_("Date"), _("Change"), _("Subject"), _("Detail"), _("By")]
    widths = [30 * mm, 26 * mm, 52 * mm, 34 * mm, 28 * mm]
    flowables.append(data_table(headers, rows, widths, styles))
    if any(change.pending for change in data.changes):
        flowables.append(
            para(
                _("Changes made on this laptop and not synced yet are dated of this day."),
                styles.muted,
            )
        )
    hidden = data.change_count - len(data.changes)
    flowables += others_note(
        hidden,
        ngettext(
            "{count} earlier change is not detailed; the full list is in the application.",
            "{count} earlier changes are not detailed; the full list is in the application.",
            hidden,
        ).format(count=pack_number(hidden)),
        styles,
    )
    return flowables


def change_summary(counts: Sequence[tuple[ChangeKind, int]]) -> str:
    """« 3 engagements pris, 1 engagement tenu, 1 projet livré, 10 échanges »: every change of
    the period by kind, in the order of ``ChangeKind``; « aucun changement » when none."""
    if not counts:
        return _("no change")
    return ", ".join(
        _change_wording(kind, count).format(count=pack_number(count)) for kind, count in counts
    )


# Each kind of change counted in words, with its plural.
_CHANGE_WORDINGS: dict[ChangeKind, Callable[[int], str]] = {
    ChangeKind.COMMITMENT_MADE: lambda count: ngettext(
        "{count} commitment made", "{count} commitments made", count
    ),
    ChangeKind.COMMITMENT_KEPT: lambda count: ngettext(
        "{count} commitment kept", "{count} commitments kept", count
    ),
    ChangeKind.COMMITMENT_ABANDONED: lambda count: ngettext(
        "{count} commitment abandoned", "{count} commitments abandoned", count
    ),
    ChangeKind.DUE_DATE_MOVED: lambda count: ngettext(
        "{count} due date moved", "{count} due dates moved", count
    ),
    ChangeKind.COMMITMENT_REASSIGNED: lambda count: ngettext(
        "{count} commitment reassigned", "{count} commitments reassigned", count
    ),
    ChangeKind.PROJECT_CREATED: lambda count: ngettext(
        "{count} new project", "{count} new projects", count
    ),
    ChangeKind.PROJECT_DELIVERED: lambda count: ngettext(
        "{count} project delivered", "{count} projects delivered", count
    ),
    ChangeKind.PROJECT_STATUS: lambda count: ngettext(
        "{count} project status changed", "{count} project statuses changed", count
    ),
    ChangeKind.PROJECT_PROGRESS: lambda count: ngettext(
        "{count} progress update", "{count} progress updates", count
    ),
    ChangeKind.MILESTONE_REACHED: lambda count: ngettext(
        "{count} milestone reached", "{count} milestones reached", count
    ),
    ChangeKind.AP_VOTED: lambda count: ngettext("{count} AP voted", "{count} APs voted", count),
    ChangeKind.EXCHANGE: lambda count: ngettext("{count} exchange", "{count} exchanges", count),
}


def _change_wording(kind: ChangeKind, count: int) -> str:
    return _CHANGE_WORDINGS[kind](count)


def _projects(data: MeetingPackData, styles: Styles) -> list[Flowable]:
    if not data.projects:
        return [empty_note(_("The commune owns no project and takes part in none."), styles)]
    rows: list[list[str | Flowable]] = [
        [
            p.code,
            p.title,
            p.status.label,
            ProgressCell(p.progress),
            p.owner_name,
            pack_money(p.budget),
        ]
        for p in data.projects
    ]
    headers = [_("Code"), _("Project"), _("Status"), _("Progress"), _("Owner"), _("AP")]
    widths = [26 * mm, 48 * mm, 18 * mm, 26 * mm, 25 * mm, 27 * mm]
    hidden = data.project_count - len(data.projects)
    flowables: list[Flowable] = []
    if hidden > 0:
        flowables.append(
            para(
                _(
                    "The {shown} projects that matter most for this meeting, of the commune's "
                    "{count}: those on the agenda, those delivered or abandoned since the last "
                    "meeting, then those under way, the largest first."
                ).format(
                    shown=pack_number(len(data.projects)), count=pack_number(data.project_count)
                ),
                styles.muted,
            )
        )
    flowables.append(data_table(headers, rows, widths, styles, right_columns=(5,)))
    flowables += others_note(
        hidden,
        ngettext(
            "{count} other project is not detailed; the full list is in the application.",
            "{count} other projects are not detailed; the full list is in the application.",
            hidden,
        ).format(count=pack_number(hidden)),
        styles,
    )
    return flowables


def _commitments(data: MeetingPackData, styles: Styles) -> list[Flowable]:
    hidden_late = data.late_count - len(data.late)
    hidden_due = data.due_soon_count - len(data.due_soon)
    hidden_kept = data.kept_since_count - len(data.kept_since)
    flowables: list[Flowable] = [
        SectionHeading(_("Late"), styles.h2, level=1),
        *_commitment_table(
            data.late, styles, _("No commitment to the commune is late."), data.as_of, late=True
        ),
        *others_note(
            hidden_late,
            ngettext(
                "{count} other late commitment, less overdue, is not detailed; "
                "the full list is in the application.",
                "{count} other late commitments, less overdue, are not detailed; "
                "the full list is in the application.",
                hidden_late,
            ).format(count=pack_number(hidden_late)),
            styles,
        ),
        SectionHeading(_("Due within 60 days"), styles.h2, level=1),
        *_commitment_table(
            data.due_soon, styles, _("No commitment falls due within 60 days."), data.as_of
        ),
        *others_note(
            hidden_due,
            ngettext(
                "{count} other commitment due later is not detailed; "
                "the full list is in the application.",
                "{count} other commitments due later are not detailed; "
                "the full list is in the application.",
                hidden_due,
            ).format(count=pack_number(hidden_due)),
            styles,
        ),
        SectionHeading(_("Kept since the last meeting"), styles.h2, level=1),
    ]
    if not data.kept_since:
        flowables.append(empty_note(_("No commitment was kept since the last meeting."), styles))
        return flowables
    rows = [
        [
            _commitment_cell(c, styles, with_evidence=True),
            pack_date(c.closed_on) if c.closed_on else "—",
            c.responsible or "—",
            c.project_title or "—",
        ]
        for c in data.kept_since
    ]
    headers = [_("Commitment"), _("Kept on"), _("Responsible"), _("Project")]
    flowables.append(data_table(headers, rows, [70 * mm, 30 * mm, 30 * mm, 40 * mm], styles))
    flowables += others_note(
        hidden_kept,
        ngettext(
            "{count} other commitment kept earlier is not detailed; "
            "the full list is in the application.",
            "{count} other commitments kept earlier are not detailed; "
            "the full list is in the application.",
            hidden_kept,
        ).format(count=pack_number(hidden_kept)),
        styles,
    )
    return flowables


def _commitment_table(
    records: Sequence[CommitmentRecord],
    styles: Styles,
    empty: str,
    today: dt.date,
    late: bool = False,
) -> list[Flowable]:
    if not records:
        return [empty_note(empty, styles)]
    rows: list[list[str | Flowable]] = []
    for c in records:
        due = pack_date(c.due_date) if c.due_date else "—"
        if late and c.due_date is not None:
            days = (today - c.due_date).days
            due = ngettext("{date} ({days} day late)", "{date} ({days} days late)", days).format(
                date=due, days=days
            )
        rows.append(
            [_commitment_cell(c, styles), due, c.responsible or "—", c.project_title or "—"]
        )
    headers = [_("Commitment"), _("Due date"), _("Responsible"), _("Project")]
    return [data_table(headers, rows, [70 * mm, 30 * mm, 30 * mm, 40 * mm], styles)]


def _commitment_cell(
    record: CommitmentRecord, styles: Styles, with_evidence: bool = False
) -> str | Flowable:
    """The commitment's title, its description under it in smaller type, and for a kept one
    the evidence that it was kept."""
    evidence = record.evidence if with_evidence else ""
    if not record.description and not evidence:
        return record.title
    template = "{title}"
    if record.description:
        template += '<br/><font size="7.5" color="#4A5568">{description}</font>'
    if evidence:
        template += '<br/><font size="7.5"><b>{label}</b> {evidence}</font>'
    return para(
        markup(
            template,
            title=record.title,
            description=record.description,
            label=_("Evidence:"),
            evidence=evidence,
        ),
        styles.cell,
    )


def _exchanges(data: MeetingPackData, styles: Styles) -> list[Flowable]:
    if not data.exchanges:
        return [empty_note(_("No exchange with the commune is recorded."), styles)]
    rows: list[list[str | Flowable]] = [
        [
            pack_date(e.occurred_on),
            f"{e.channel.label}, {e.direction.label.lower()}"
            + (f"\n{e.author}" if e.author else ""),
            para(
                markup(
                    "<b>{subject}</b><br/>{summary}",
                    subject=e.subject,
                    summary=e.summary,
                )
                if e.summary
                else markup("<b>{subject}</b>", subject=e.subject),
                styles.cell,
            ),
            e.follow_up or "—",
        ]
        for e in data.exchanges
    ]
    headers = [_("Date"), _("Channel"), _("Subject"), _("Follow-up")]
    return [
        para(
            ngettext(
                "The most recent exchange.",
                "The {count} most recent exchanges, the latest first.",
                len(rows),
            ).format(count=len(rows)),
            styles.muted,
        ),
        data_table(headers, rows, [30 * mm, 26 * mm, 78 * mm, 36 * mm], styles),
    ]


def _stakes(data: MeetingPackData, styles: Styles) -> list[Flowable]:
    if not data.stakes:
        return [empty_note(_("No mandate stake is recorded for this commune."), styles)]
    flowables: list[Flowable] = []
    hidden = data.stake_count - len(data.stakes)
    if hidden > 0:
        flowables.append(
            para(
                _(
                    "The {shown} stakes that call for attention most, of the commune's {count}: "
                    "high priority first, those no project answers yet, the least advanced."
                ).format(shown=pack_number(len(data.stakes)), count=pack_number(data.stake_count)),
                styles.muted,
            )
        )
    axes: dict[str, list[StakeRecord]] = {}
    for stake in data.stakes:
        axes.setdefault(stake.axis, []).append(stake)
    for axis, chosen in axes.items():
        flowables.append(para(axis or _("Without an axis"), styles.h3))
        rows: list[list[str | Flowable]] = [
            [
                para(
                    markup(
                        '<font size="7.5" color="#4A5568">{line}</font><br/>{action}',
                        line=s.line,
                        action=s.action,
                    ),
                    styles.cell,
                ),
                s.priority.label,
                ProgressCell(s.progress),
                "\n".join(s.project_titles) if s.project_titles else _("No project yet"),
            ]
            for s in chosen
        ]
        headers = [_("Line and action"), _("Priority"), _("Progress"), _("Projects that answer it")]
        flowables.append(data_table(headers, rows, [68 * mm, 20 * mm, 26 * mm, 56 * mm], styles))
    flowables += others_note(
        hidden,
        ngettext(
            "{count} other stake is not detailed; the full list is in the application.",
            "{count} other stakes are not detailed; the full list is in the application.",
            hidden,
        ).format(count=pack_number(hidden)),
        styles,
    )
    return flowables


def _ppi(data: MeetingPackData, styles: Styles) -> list[Flowable]:
    if not data.ppi_lines:
        return [empty_note(_("No PPI line concerns the commune's projects."), styles)]
    columns = _year_columns(data.ppi_lines, data.ppi_share, data.as_of.year)
    headers = [
        _("Line"),
        _("AP in force"),
        *[label for label, _years in columns],
        _("Left to program"),
    ]
    rows: list[list[str | Flowable]] = []
    for line in data.ppi_lines:
        overrun = data.ppi_overrun.get(line.id)
        rows.append(
            [
                para(
                    markup(
                        '{code} — {title}<br/><font size="7.5" color="#4A5568">{owner}</font>',
                        code=line.project_code,
                        title=line.project_title,
                        owner=line.owner_name,
                    ),
                    styles.cell,
                ),
                pack_money(line.ap) if line.ap is not None else _("not voted"),
                *[format_money(_sum_years(line.cp_by_year, years)) for _label, years in columns],
                _overrun_cell(overrun, styles)
                if overrun
                else _remaining_cell(data.ppi_remaining.get(line.id, Decimal(0)), line, styles),
            ]
        )
    share = data.ppi_share
    rows.append(
        [
            para(
                markup(
                    "<b>{label}</b>",
                    label=_("Share {of_commune}").format(of_commune=of_commune(data.commune.name)),
                ),
                styles.cell,
            ),
            format_money(share.ap),
            *[format_money(_sum_years(share.cp_by_year, years)) for _label, years in columns],
            _overrun_cell(-share.left_to_program, styles)
            if share.left_to_program < 0
            else format_money(share.left_to_program),
        ]
    )
    year_width = (170 - 46 - 24 - 27) / len(columns) * mm
    widths = [46 * mm, 24 * mm, *[year_width] * len(columns), 27 * mm]
    right = tuple(range(1, len(headers)))
    hidden = data.ppi_line_count - len(data.ppi_lines)
    intro = _(
        "AP in force, payment credits (CP) per year and what is left to program on each line, "
        "for the whole project; the last row is the commune's share, by its cost share."
    )
    if hidden > 0:
        intro += " " + _(
            "The {shown} lines shown, of {count}, are those with the largest payment credits "
            "in {year} and {next}; the last row counts every line."
        ).format(
            shown=pack_number(len(data.ppi_lines)),
            count=pack_number(data.ppi_line_count),
            year=data.as_of.year,
            next=data.as_of.year + 1,
        )
    flowables: list[Flowable] = [
        para(intro, styles.muted),
        data_table(headers, rows, widths, styles, right_columns=right, total_row=True),
    ]
    if data.ppi_overrun:
        flowables.append(
            para(
                markup(
                    '<font color="#A4262C"><b>{warning}</b></font>',
                    warning=ngettext(
                        "On {count} line, the payment credits exceed the AP in force: "
                        "a revision of the AP is to be voted, or the CP to be reduced.",
                        "On {count} lines, the payment credits exceed the AP in force: "
                        "a revision of each AP is to be voted, or the CP to be reduced.",
                        len(data.ppi_overrun),
                    ).format(count=len(data.ppi_overrun)),
                ),
                styles.body,
            )
        )
    notes = sorted({nothing_left_note(line.project_status) for line in data.ppi_lines} - {""})
    flowables += [para(f"* {note}", styles.muted) for note in notes]
    flowables += _ap_votes(data.ppi_lines, styles)
    flowables += [
        *others_note(
            hidden,
            ngettext(
                "{count} other PPI line is not detailed; the full list is in the application.",
                "{count} other PPI lines are not detailed; the full list is in the application.",
                hidden,
            ).format(count=pack_number(hidden)),
            styles,
        ),
        Spacer(1, 6 * mm),
    ]
    years = sorted(y for y, amount in share.cp_by_year.items() if amount)
    if years:
        flowables.append(
            column_chart(
                [str(y) for y in years],
                [share.cp_by_year[y] for y in years],
                _("Amounts in euros"),
                format_whole_money,
                _("Payment credits {of_commune}, per year").format(
                    of_commune=of_commune(data.commune.name)
                ),
            )
        )
    return flowables


def _ap_votes(lines: Sequence[PpiLineRecord], styles: Styles) -> list[Flowable]:
    """Each line's AP votes in order, the first vote then each revision, the last in force."""
    voted = [line for line in lines if line.ap_history]
    if not voted:
        return [para(_("No AP has been voted on these lines yet."), styles.muted)]
    rows: list[list[str | Flowable]] = []
    for line in voted:
        votes = []
        for index, (voted_on, amount) in enumerate(line.ap_history):
            wording = _("voted on {date}") if index == 0 else _("revised on {date}")
            votes.append(
                _("{when}: {amount}").format(
                    when=wording.format(date=pack_date(voted_on)), amount=format_money(amount)
                )
            )
        rows.append(
            [
                f"{line.project_code} — {line.project_title}",
                "\n".join(votes),
                pack_money(line.ap),
            ]
        )
    return [
        para(_("AP vote history"), styles.h3),
        data_table(
            [_("Line"), _("Votes, in order"), _("AP in force")],
            rows,
            [70 * mm, 72 * mm, 28 * mm],
            styles,
            right_columns=(2,),
        ),
    ]


def _remaining_cell(amount: Decimal, line: PpiLineRecord, styles: Styles) -> str | Flowable:
    """What is left to program; for an abandoned project, nil and marked (the note under the
    table says why)."""
    if not nothing_left_note(line.project_status):
        return format_money(amount)
    return para(
        markup(
            '{amount}<br/><font size="7" color="#4A5568">* {label}</font>',
            amount=format_money(amount),
            label=_("abandoned project"),
        ),
        styles.cell_right,
    )


def _overrun_cell(amount: Decimal, styles: Styles) -> Flowable:
    """« + 12 000,00 € » in red: CP beyond the AP in force."""
    return para(
        markup(
            '<font color="#A4262C"><b>{label}</b></font>',
            label=_("over by {amount}").format(amount=format_money(amount)),
        ),
        styles.cell_right,
    )


def _year_columns(
    lines: Sequence[PpiLineRecord], share: PpiShare, around: int
) -> list[tuple[str, tuple[int, ...]]]:
    """At most ``PPI_YEAR_COLUMNS`` columns; years outside the window go to the end columns."""
    years = sorted({y for line in lines for y in line.cp_by_year} | set(share.cp_by_year))
    if not years:
        return [(str(around), (around,))]
    if len(years) <= PPI_YEAR_COLUMNS:
        return [(str(y), (y,)) for y in years]  # one column per year
    first = max(years[0], min(around - 1, years[-1] - PPI_YEAR_COLUMNS + 1))
    last = first + PPI_YEAR_COLUMNS - 1
    columns: list[tuple[str, tuple[int, ...]]] = [(str(y), (y,)) for y in range(first, last + 1)]
    before = tuple(y for y in years if y < first)
    after = tuple(y for y in years if y > last)
    if before:
        columns[0] = (_("Until {year}").format(year=first), (*before, first))
    if after:
        columns[-1] = (_("From {year}").format(year=last), (last, *after))
    return columns


def _sum_years(amounts: dict[int, Decimal], years: tuple[int, ...]) -> Decimal:
    return sum((amounts.get(year, Decimal(0)) for year in years), Decimal(0))
