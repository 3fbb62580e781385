"""Meetings as an iCalendar file (``.ics``) for Outlook, Thunderbird or a phone.

Each event's UID is derived from the meeting's identifier alone, so importing a newer export
updates the events already in the calendar instead of adding them twice. Times are those of
Europe/Paris, with the VTIMEZONE the calendar needs; the agenda is in each event's description;
a cancelled meeting stays in the file as a cancelled event, so that calendars drop it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop import APP_ID, APP_NAME
from sitiv_desktop.domain.enums import MeetingStatus
from sitiv_desktop.domain.records import MeetingRecord
from sitiv_desktop.i18n import _, format_datetime
from sitiv_desktop.progress import Progress, no_progress
from sitiv_desktop.services.conversions import meeting_record
from sitiv_desktop.services.files import write_atomically
from sitiv_desktop.store import models

PARIS = ZoneInfo("Europe/Paris")
UID_DOMAIN = APP_ID.lower()
# SEQUENCE counts from this day in minutes: any later export outranks an earlier one.
_SEQUENCE_EPOCH = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)


def meeting_uid(meeting_id: uuid.UUID) -> str:
    """The same meeting always has the same UID, in every export and on every laptop."""
    return f"{meeting_id}@{UID_DOMAIN}"


def _meetings(session: Session, commune_id: uuid.UUID | None) -> list[MeetingRecord]:
    statement = (
        select(models.Meeting)
        .options(
            selectinload(models.Meeting.communes).selectinload(models.MeetingCommune.commune),
            selectinload(models.Meeting.agenda_items).selectinload(models.AgendaItem.project),
            selectinload(models.Meeting.agenda_items).selectinload(models.AgendaItem.commitment),
        )
        .order_by(models.Meeting.starts_at, models.Meeting.id)
    )
    if commune_id is not None:
        statement = statement.where(
            models.Meeting.id.in_(
                select(models.MeetingCommune.meeting_id).where(
                    models.MeetingCommune.commune_id == commune_id
                )
            )
        )
    return [meeting_record(row, with_agenda=True) for row in session.scalars(statement)]


def event_description(meeting: MeetingRecord) -> str:
    """What the event says: kind, communes, the agenda in order, the participants."""
    lines = [meeting.kind.label]
    if meeting.commune_names:
        lines.append(_("Communes: {names}").format(names=", ".join(meeting.commune_names)))
    if meeting.agenda:
        lines += ["", _("Agenda:")]
        for number, item in enumerate(meeting.agenda, start=1):
            details = [item.presenter] if item.presenter else []
            if item.duration_minutes:
                details.append(_("{minutes} min").format(minutes=item.duration_minutes))
            suffix = f" ({', '.join(details)})" if details else ""
            lines.append(f"{number}. {item.title}{suffix}")
    if meeting.participants.strip():
        lines += ["", _("Participants: {names}").format(names=meeting.participants.strip())]
    return "\n".join(lines)


def meeting_event(meeting: MeetingRecord, stamp: dt.datetime) -> Event:
    starts_at = meeting.starts_at.replace(tzinfo=PARIS)
    event = Event()
    event.add("uid", meeting_uid(meeting.id))
    event.add("dtstamp", stamp)
    event.add("sequence", int((stamp - _SEQUENCE_EPOCH).total_seconds() // 60))
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + dt.timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", event_description(meeting))
    event.add("categories", [meeting.kind.label])
    event.add("status", "CANCELLED" if meeting.status is MeetingStatus.CANCELLED else "CONFIRMED")
    return event


def meetings_calendar(
    session: Session,
    commune_id: uuid.UUID | None = None,
    progress: Progress = no_progress,
    now: dt.datetime | None = None,
) -> Calendar:
    """The meetings of one commune (or all) as a calendar ready to write."""
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", f"-//SITIV//{APP_NAME}//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("SITIV meetings"))
    calendar.add("x-wr-timezone", "Europe/Paris")
    meetings = _meetings(session, commune_id)
    for index, meeting in enumerate(meetings):
        if index % 20 == 0:
            progress(index / max(len(meetings), 1), format_datetime(meeting.starts_at, "short"))
        calendar.add_component(meeting_event(meeting, stamp))
    if meetings:
        # The VTIMEZONE covers the years of the meetings, not half a century of DST changes.
        first = min(m.starts_at for m in meetings).date() - dt.timedelta(days=366)
        last = max(m.starts_at for m in meetings).date() + dt.timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar


def _write_bytes(stream: BinaryIO, content: bytes) -> None:
    stream.write(content)


def export_calendar(
    session: Session,
    path: Path,
    commune_id: uuid.UUID | None = None,
    progress: Progress = no_progress,
    now: dt.datetime | None = None,
) -> int:
    """Write the meetings to an ``.ics`` file; returns how many events it holds."""
    calendar = meetings_calendar(session, commune_id, progress, now)
    content = calendar.to_ical()
    write_atomically(path, lambda stream: _write_bytes(stream, content))
    progress(1.0, _("Calendar written"))
    return len(calendar.events)
