"""Meetings as an .ics file, read back with icalendar as a calendar application would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from sitiv_desktop.context import Context
from sitiv_desktop.services.calendars import export_calendar
from sitiv_desktop.services.communes import find_commune
from tests.unit.transfer_data import filled_context

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Context]:
    opened = filled_context(tmp_path / "filled")
    yield opened
    opened.close()


def exported(
    context: Context, path: Path, commune: str | None = None, **options: object
) -> Calendar:
    with context.database.read_session() as session:
        commune_id = find_commune(session, commune).id if commune else None
        export_calendar(session, path, commune_id, **options)  # type: ignore[arg-type]
    return Calendar.from_ical(path.read_bytes())


def test_a_meeting_reads_as_an_event_with_its_agenda(filled: Context, tmp_path: Path) -> None:
    calendar = exported(filled, tmp_path / "reunions.ics")
    events = {str(event["summary"]): event for event in calendar.events}
    assert set(events) == {"Rencontre avec le maire de Vénissieux", "Comité syndical"}

    mayor = events["Rencontre avec le maire de Vénissieux"]
    assert mayor.start == dt.datetime(2015, 1, 20, 14, 30, tzinfo=PARIS)
    assert mayor.end == dt.datetime(2015, 1, 20, 16, 0, tzinfo=PARIS)
    assert mayor.start.utcoffset() == dt.timedelta(hours=1)  # winter time in Paris
    assert str(mayor["location"]) == "Mairie"
    description = str(mayor["description"])
    assert "Ordre du jour\u00a0:" in description
    assert "1. Point sur la fibre des écoles (Le DSI, 30 min)" in description
    assert "2. Portail citoyen (20 min)" in description
    assert "Communes\u00a0: Vénissieux" in description
    assert str(mayor["status"]) == "CONFIRMED"
    assert str(events["Comité syndical"]["status"]) == "CANCELLED"


def test_the_calendar_carries_the_paris_time_zone(filled: Context, tmp_path: Path) -> None:
    calendar = exported(filled, tmp_path / "reunions.ics")
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Paris"]
    assert calendar.get_missing_tzids() == set()
    summer = next(e for e in calendar.events if str(e["summary"]) == "Comité syndical")
    assert summer.start.utcoffset() == dt.timedelta(hours=2)


def test_uids_are_stable_so_a_new_import_updates_the_events(
    filled: Context, tmp_path: Path
) -> None:
    first = exported(filled, tmp_path / "a.ics", now=dt.datetime(2015, 1, 1, tzinfo=dt.UTC))
    second = exported(filled, tmp_path / "b.ics", now=dt.datetime(2015, 3, 1, tzinfo=dt.UTC))
    uids = {str(e["summary"]): str(e["uid"]) for e in first.events}
    assert uids == {str(e["summary"]): str(e["uid"]) for e in second.events}
    assert len(set(uids.values())) == 2
    # A later export outranks the earlier one, which is what makes clients replace the event.
    sequences = (
        [int(e["sequence"]) for e in first.events],
        [int(e["sequence"]) for e in second.events],
    )
    assert min(sequences[1]) > max(sequences[0])


def test_one_communes_meetings_only(filled: Context, tmp_path: Path) -> None:
    calendar = exported(filled, tmp_path / "givors.ics", commune="Givors")
    assert [str(e["summary"]) for e in calendar.events] == ["Comité syndical"]
