"""The data of the briefing packs: one function per pack, returning frozen records.

``meeting`` gathers the mayor meeting pack, ``changes`` what changed since the last mayor
meeting, ``voeux`` the New Year address pack, ``talking_points`` the words suggested to the
speaker; the agenda needs only its meeting.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.domain.briefings import AgendaPackData, MeetingPackData, VoeuxPackData
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.briefings.changes import changes_since, last_mayor_meeting
from sitiv_desktop.services.briefings.common import (
    CHANGES_SHOWN,
    COMMUNE_PAGE_SHOWN,
    DELIVERED_SHOWN,
    DUE_SOON_SHOWN,
    KEPT_SHOWN,
    LATE_SHOWN,
    NEXT_PPI_LINES_SHOWN,
    PPI_LINES_SHOWN,
    PROJECTS_SHOWN,
    STAKES_SHOWN,
    long_date,
    syndicate_name,
)
from sitiv_desktop.services.briefings.meeting import meeting_pack_data
from sitiv_desktop.services.briefings.voeux import voeux_pack_data
from sitiv_desktop.services.meetings import get_meeting
from sitiv_desktop.store import models

__all__ = [
    "CHANGES_SHOWN",
    "COMMUNE_PAGE_SHOWN",
    "DELIVERED_SHOWN",
    "DUE_SOON_SHOWN",
    "KEPT_SHOWN",
    "LATE_SHOWN",
    "NEXT_PPI_LINES_SHOWN",
    "PACK_KINDS",
    "PPI_LINES_SHOWN",
    "PROJECTS_SHOWN",
    "STAKES_SHOWN",
    "PackData",
    "agenda_pack_data",
    "changes_since",
    "gather_pack",
    "last_mayor_meeting",
    "long_date",
    "meeting_pack_data",
    "parse_meeting_id",
    "syndicate_name",
    "voeux_pack_data",
]


def agenda_pack_data(session: Session, meeting_id: uuid.UUID) -> AgendaPackData:
    return AgendaPackData(syndicate=syndicate_name(), meeting=get_meeting(session, meeting_id))


PACK_KINDS = ("meeting", "voeux", "agenda")
PackData = MeetingPackData | VoeuxPackData | AgendaPackData


def parse_meeting_id(session: Session, text: str | None) -> uuid.UUID:
    """A meeting named by its identifier or by its first characters (at least four, as the
    lists show them), which must name one meeting only."""
    given = str(text or "").strip().lower().replace("-", "")
    if len(given) == 32:
        try:
            return uuid.UUID(given)
        except ValueError:
            pass
    elif len(given) >= 4 and all(char in "0123456789abcdef" for char in given):
        found = session.scalars(
            select(models.Meeting.id)
            .where(
                models.Meeting.id.between(
                    uuid.UUID(given.ljust(32, "0")), uuid.UUID(given.ljust(32, "f"))
                )
            )
            .limit(2)
        ).all()
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UserError(
                _("Meeting: « {text} » begins several identifiers; give more of it.").format(
                    text=text
                ),
                "meeting",
            )
    raise UserError(
        _("Meeting: « {text} » is not a meeting identifier.").format(text=text),
        "meeting",
    )


def gather_pack(
    session: Session,
    kind: str,
    meeting: str | None = None,
    year: int | None = None,
    today: dt.date | None = None,
) -> PackData:
    """The data of a pack named by its kind: ``meeting``, ``voeux`` or ``agenda``; its figures
    stand at ``today`` (the day it is built) when the period it covers is not over."""
    if kind == "meeting":
        return meeting_pack_data(session, parse_meeting_id(session, meeting), today=today)
    if kind == "agenda":
        return agenda_pack_data(session, parse_meeting_id(session, meeting))
    if kind == "voeux":
        if year is None:
            raise UserError(_("Year: give the year under review."), "year")
        return voeux_pack_data(session, year, today=today)
    raise UserError(_("Pack: choose meeting, voeux or agenda."), "pack")
