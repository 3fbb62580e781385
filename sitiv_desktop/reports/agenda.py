"""The agenda (ordre du jour) of any meeting, on one or two pages."""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, NextPageTemplate, Spacer

from sitiv_desktop.domain.briefings import AgendaPackData
from sitiv_desktop.domain.enums import OutcomeKind
from sitiv_desktop.i18n import _
from sitiv_desktop.reports.common import agenda_table, duration_text, meeting_moment
from sitiv_desktop.reports.document import BODY_TEMPLATE, BuildOptions, PackInfo, render
from sitiv_desktop.reports.flowables import SectionHeading, data_table, para
from sitiv_desktop.reports.styles import Styles, make_styles, pack_date


def agenda_info(data: AgendaPackData) -> PackInfo:
    meeting = data.meeting
    communes = ", ".join(meeting.commune_names) or _("All communes")
    return PackInfo(
        title=_("Agenda — {title}").format(title=meeting.title),
        subject=_("{kind}, {date}").format(
            kind=meeting.kind.label, date=pack_date(meeting.starts_at.date())
        ),
        author=data.syndicate,
        syndicate_short="SITIV",
        commune=communes,
        date=pack_date(meeting.starts_at.date()),
        pack_label=_("Agenda"),
    )


def agenda_story(data: AgendaPackData, styles: Styles) -> list[Flowable]:
    meeting = data.meeting
    details = [
        (_("Meeting"), meeting.kind.label),
        (_("Date"), meeting_moment(meeting)),
        (_("Duration"), duration_text(meeting.duration_minutes)),
        (_("Place"), meeting.place or _("To be set")),
        (_("Communes"), ", ".join(meeting.commune_names) or _("All communes")),
        (_("Participants"), meeting.participants or _("Not listed yet")),
        (_("Status"), meeting.status.label),
    ]
    held = any(item.outcome is not OutcomeKind.NONE for item in meeting.agenda)
    story: list[Flowable] = [
        NextPageTemplate(BODY_TEMPLATE),
        # The sender, as on the other packs' covers: who convenes, from where.
        para(data.syndicate, styles.cover_kicker),
        para(meeting.place or _("Place to be set"), styles.muted),
        Spacer(1, 4 * mm),
        SectionHeading(_("Agenda"), styles.h1),
        para(meeting.title, styles.h2),
        data_table(
            [_("Meeting"), ""], [list(row) for row in details[1:]], [38 * mm, 132 * mm], styles
        ),
        Spacer(1, 6 * mm),
        SectionHeading(_("Items"), styles.h2, level=1),
        *agenda_table(meeting, styles, with_outcomes=held),
    ]
    return story


def write_agenda(data: AgendaPackData, stream: BinaryIO, options: BuildOptions) -> None:
    """Write the agenda of a meeting as PDF to ``stream``."""
    styles = make_styles()
    render(agenda_story(data, styles), agenda_info(data), stream, options)
