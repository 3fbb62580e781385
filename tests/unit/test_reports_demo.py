"""Every pack built from the demonstration data, read back from the PDF as a reader would."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from sitiv_desktop.domain.enums import MeetingKind, MeetingStatus
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.packs import build_pack
from sitiv_desktop.services.briefings import gather_pack
from sitiv_desktop.services.demo import generate_demo
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from tests.unit.reports_data import flat

TODAY = dt.date(2026, 12, 1)
# « 1 réunions », « 1 engagements tenus »: a plural after one.
WRONG_PLURAL = re.compile(
    r"(?<![\d,\s])\s?\b1 (réunions|engagements|projets|échanges|communes|pages|lignes|jours"
    r"|autres|habitants)\b"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    from sitiv_desktop.context import open_context

    context = open_context(tmp_path_factory.mktemp("demo") / "data")
    with context.database.session() as session:
        generate_demo(session, seed=3, today=TODAY)
    return context.database


def pdf_of(
    database: Database, kind: str, meeting: str | None = None, year: int | None = None
) -> tuple[object, PdfReader]:
    with database.read_session() as session:
        data = gather_pack(session, kind, meeting, year, today=TODAY)
    stream = io.BytesIO()
    build_pack(data, stream, BuildOptions())
    return data, PdfReader(stream)


def outline(reader: PdfReader) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item)))  # type: ignore[attr-defined]

    walk(reader.outline)  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class Mayor:
    id: uuid.UUID
    starts_at: dt.datetime
    status: str
    commune_id: uuid.UUID


def mayor_meetings(database: Database) -> list[Mayor]:
    with database.read_session() as session:
        rows = session.execute(
            select(
                models.Meeting.id,
                models.Meeting.starts_at,
                models.Meeting.status,
                models.MeetingCommune.commune_id,
            )
            .join(models.MeetingCommune)
            .where(models.Meeting.kind == MeetingKind.MAYOR_MEETING.value)
            .order_by(models.Meeting.starts_at)
        )
        return [Mayor(*row) for row in rows]


def packs(database: Database) -> list[tuple[str, str | None, int | None]]:
    meetings = mayor_meetings(database)
    upcoming = [m for m in meetings if m.starts_at.date() >= TODAY]
    chosen = [("meeting", str(m.id), None) for m in (meetings[len(meetings) // 2], upcoming[0])]
    return [
        *chosen,
        ("agenda", str(upcoming[0].id), None),
        ("voeux", None, 2025),
        ("voeux", None, 2026),
    ]


def test_every_bookmark_opens_the_page_holding_its_heading(demo: Database) -> None:
    for kind, meeting, year in packs(demo):
        _data, reader = pdf_of(demo, kind, meeting, year)
        entries = outline(reader)
        assert entries
        pages = {p for _t, p in entries}
        assert len(pages) > 1 or len(reader.pages) == 1
        for title, page in entries:
            text = flat(reader.pages[page].extract_text() or "")
            assert flat(title) in text, (kind, title, page)


def test_the_contents_gives_the_printed_page_numbers(demo: Database) -> None:
    meeting = packs(demo)[1][1]
    _data, reader = pdf_of(demo, "meeting", meeting)
    lines = reader.pages[1].extract_text(extraction_mode="layout").splitlines()
    numbers = {
        flat(line.rsplit(".", 1)[0].rstrip(" .")): int(line.rsplit(" ", 1)[1])
        for line in lines
        if re.search(r"\. +\d+$", line)
    }
    for title, page in outline(reader):
        printed = f"page {page + 1} sur {len(reader.pages)}"
        assert printed in flat(reader.pages[page].extract_text() or "")
        assert numbers.get(flat(title)) == page + 1, title


def test_no_plural_after_one_no_zero_announced_and_the_as_of_date(demo: Database) -> None:
    for kind, meeting, year in packs(demo):
        _data, reader = pdf_of(demo, kind, meeting, year)
        text = flat(" ".join(page.extract_text() or "" for page in reader.pages))
        assert not WRONG_PLURAL.search(text), WRONG_PLURAL.search(text)
        assert "Annoncer le PPI" not in text or not re.search(r"Annoncer le PPI \d+ : 0,00", text)
        if kind == "voeux" and year == 2026:
            assert "Chiffres arrêtés au 1er décembre 2026 : l’année n’est pas finie" in text
        if kind == "meeting":
            assert "Chiffres arrêtés au" in text


def test_the_reference_is_the_last_mayor_meeting_held(demo: Database) -> None:
    meetings = mayor_meetings(demo)
    for meeting in meetings[-8:]:
        held = [
            m
            for m in meetings
            if m.starts_at < meeting.starts_at
            and m.status == MeetingStatus.HELD.value
            and m.commune_id == meeting.commune_id
        ]
        with demo.read_session() as session:
            data = gather_pack(session, "meeting", str(meeting.id), today=TODAY)
        expected = held[-1].id if held else None
        assert (data.previous_meeting.id if data.previous_meeting else None) == expected  # type: ignore[union-attr]
        assert data.as_of == min(TODAY, meeting.starts_at.date())  # type: ignore[union-attr]
        assert all(c.due_date is not None and c.due_date < data.as_of for c in data.late)  # type: ignore[union-attr]


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_new_year_packs_are_full(demo: Database, year: int) -> None:
    with demo.read_session() as session:
        data = gather_pack(session, "voeux", year=year, today=TODAY)
    assert data.figures.projects_delivered > 0  # type: ignore[union-attr]
    assert data.figures.cp_next_year > 0  # type: ignore[union-attr]
    kept = [c.kept_count for c in data.communes]  # type: ignore[union-attr]
    assert sum(1 for count in kept if count) >= len(kept) - 1
    notes = [n.text for n in data.speaker_notes]  # type: ignore[union-attr]
    assert len(notes) == len(set(notes))
    assert any("Annoncer le PPI" in n for n in notes)
    # The vœux of the year after carry the president's notes, printed first.
    assert data.address_meeting is not None  # type: ignore[union-attr]
    assert data.address_meeting.starts_at.year == year + 1  # type: ignore[union-attr]
    _data, reader = pdf_of(demo, "voeux", year=year)
    text = flat(" ".join(page.extract_text() or "" for page in reader.pages))
    speech = text[text.rindex("Notes pour le discours") :]
    assert speech.index("Saluer les secrétaires de mairie") < speech.index(
        "Points tirés des données"
    )
    # The notes and the points thank the communes once, not twice in other words.
    assert "Remercier les maires" not in speech
