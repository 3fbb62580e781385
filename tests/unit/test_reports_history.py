"""« Ce qui a changé depuis la dernière rencontre » from the history two laptops share."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from sitiv_desktop.domain.briefings import ChangeKind
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.meeting_pack import write_meeting_pack
from sitiv_desktop.services.briefings import long_date, meeting_pack_data
from sitiv_desktop.store import models
from tests import builders
from tests.sync_harness import Syndicate


@pytest.fixture
def syndicate(tmp_path: Path) -> Iterator[Syndicate]:
    made = Syndicate(f"sqlite+pysqlite:///{tmp_path / 'partagee.sqlite3'}", tmp_path)
    yield made
    made.close()


def test_changes_made_on_another_laptop_are_in_the_pack_with_who_and_when(
    syndicate: Syndicate,
) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "elu"})
    alice.sync()
    today = dt.date.today()
    with alice.database.session() as session:
        commune = session.scalars(
            select(models.Commune).where(models.Commune.name == "Vénissieux")
        ).one()
        held = builders.meeting(
            session,
            "Rencontre précédente",
            dt.datetime.combine(today - dt.timedelta(days=40), dt.time(10)),
            [commune],
            status="held",
        )
        builders.meeting(  # not a mayor meeting: never the reference
            session,
            "Comité syndical",
            dt.datetime.combine(today - dt.timedelta(days=10), dt.time(18)),
            [commune],
            kind="syndicate_committee",
            status="held",
        )
        coming = builders.meeting(
            session,
            "Rencontre à venir",
            dt.datetime.combine(today + dt.timedelta(days=20), dt.time(9, 30)),
            [commune],
        )
        moved = builders.commitment(
            session, commune, "Câbler la médiathèque", today - dt.timedelta(days=60), None
        )
        moved.due_date = today + dt.timedelta(days=30)
        kept = builders.commitment(
            session, commune, "Former les agents", today - dt.timedelta(days=60), today
        )
        held_id, coming_id, moved_id, kept_id = held.id, coming.id, moved.id, kept.id
    alice.sync()  # the rows exist on the server; the edits below are what history records
    bob.sync()  # a first sync copies the rows as they stand; the next one brings the edits
    with alice.database.session() as session:
        moving = session.get(models.Commitment, moved_id)
        assert moving is not None
        moving.due_date = today + dt.timedelta(days=90)
        row = session.get(models.Commitment, kept_id)
        assert row is not None
        row.status, row.closed_on = "kept", today
        project = session.scalars(
            select(models.Project).where(models.Project.code == "P-69259")
        ).one()
        project.status, project.progress = "suspended", 70
    alice.sync()
    bob.sync()
    with bob.database.read_session() as session:
        data = meeting_pack_data(session, coming_id)
    assert data.previous_meeting is not None and data.previous_meeting.id == held_id
    by_kind = {change.kind: change for change in data.changes}
    assert by_kind[ChangeKind.DUE_DATE_MOVED].subject == "Câbler la médiathèque"
    assert by_kind[ChangeKind.DUE_DATE_MOVED].detail == (
        f"{long_date(today + dt.timedelta(days=30))}\u00a0→ {long_date(today + dt.timedelta(90))}"
    )
    assert by_kind[ChangeKind.COMMITMENT_KEPT].subject == "Former les agents"
    assert by_kind[ChangeKind.PROJECT_STATUS].subject == "P-69259 — Fibre de Vénissieux"
    for kind in (ChangeKind.DUE_DATE_MOVED, ChangeKind.COMMITMENT_KEPT, ChangeKind.PROJECT_STATUS):
        assert by_kind[kind].author == alice.user
        assert by_kind[kind].day == today
    stream = io.BytesIO()
    write_meeting_pack(data, stream, BuildOptions())
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(stream).pages
    ).replace("\u00a0", " ")
    for expected in ("Échéance déplacée", "Engagement tenu", "Former les agents", alice.user):
        assert expected in text


def test_an_edit_not_synced_yet_counts_with_its_old_value(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    alice.sync()
    today = dt.date.today()
    with alice.database.session() as session:
        commune = session.scalars(
            select(models.Commune).where(models.Commune.name == "Vénissieux")
        ).one()
        coming = builders.meeting(
            session, "Rencontre", dt.datetime.combine(today, dt.time(23, 0)), [commune]
        )
        coming_id = coming.id
        promise = session.scalars(
            select(models.Commitment).where(models.Commitment.commune_id == commune.id)
        ).one()
        promise.due_date = dt.date(2026, 12, 24)  # made on 5 January 2026
    with alice.database.read_session() as session:
        data = meeting_pack_data(session, coming_id)
    assert data.previous_meeting is None
    (moved,) = [c for c in data.changes if c.kind is ChangeKind.DUE_DATE_MOVED]
    assert moved.pending and moved.subject == "Promesse à Vénissieux"
    assert moved.detail.endswith("24\u00a0décembre\u00a02026")
