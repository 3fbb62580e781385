"""Build any pack from its data: the one call the command line and the window make."""

from __future__ import annotations

from typing import BinaryIO

from sitiv_desktop.domain.briefings import AgendaPackData, MeetingPackData, VoeuxPackData
from sitiv_desktop.reports.agenda import write_agenda
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.meeting_pack import write_meeting_pack
from sitiv_desktop.reports.voeux_pack import write_voeux_pack


def build_pack(
    data: MeetingPackData | VoeuxPackData | AgendaPackData,
    stream: BinaryIO,
    options: BuildOptions,
) -> None:
    """Write the pack the data belongs to, as PDF, to ``stream``."""
    if isinstance(data, MeetingPackData):
        write_meeting_pack(data, stream, options)
    elif isinstance(data, VoeuxPackData):
        write_voeux_pack(data, stream, options)
    else:
        write_agenda(data, stream, options)
