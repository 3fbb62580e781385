"""Demonstration data: the real member communes, every kind of record, repeatable by seed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from sitiv_desktop.errors import UserError
from sitiv_desktop.services.communes import commune_overview, find_commune, list_communes
from sitiv_desktop.services.demo import generate_demo
from sitiv_desktop.services.search import search
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database

TODAY = dt.date(2026, 11, 28)


def snapshot(database: Database) -> dict[str, list[tuple[object, ...]]]:
    with database.read_session() as session:
        return {
            table.name: [
                tuple(row) for row in session.execute(select(table).order_by(*table.primary_key))
            ]
            for table in models.Base.metadata.sorted_tables
        }


def test_the_member_communes_with_their_insee_codes(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        communes = {c.name: c.insee_code for c in list_communes(session)}
        assert find_commune(session, "saint-chamond").population == 34979
    assert communes == {
        "Corbas": "69273",
        "Givors": "69091",
        "Grigny": "69096",
        "Pierre-Bénite": "69152",
        "Rive-de-Gier": "42186",
        "Saint-Chamond": "42207",
        "Vaulx-en-Velin": "69256",
        "Vénissieux": "69259",
    }


def test_every_kind_of_record_is_there_and_sound(database: Database) -> None:
    with database.session() as session:
        summary = generate_demo(session, seed=1, today=TODAY)
    assert all(summary.counts[table.name] > 0 for table in models.Base.metadata.sorted_tables)
    with database.read_session() as session:
        assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        # A PPI line may wait for its first AP vote: the demo shows one.
        without_ap = session.scalar(
            select(func.count()).select_from(models.PpiLine).where(~models.PpiLine.revisions.any())
        )
        assert without_ap and without_ap > 0


def test_the_demo_looks_alive_on_the_day_it_is_made(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        overview = commune_overview(session, find_commune(session, "Vénissieux").id, TODAY)
    assert overview.next_meeting is not None and overview.next_meeting.starts_at.date() > TODAY
    assert overview.late_commitments and overview.last_exchanges and overview.contacts


def test_search_finds_venissieux_after_the_demo(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        hits = search(session, "venissieux")
        echeance = search(session, "echeance")
    assert hits[0].title == "Vénissieux"
    assert all("Vénissieux" in hit.commune_names for hit in hits)
    assert echeance


def test_the_same_seed_gives_the_same_data(database: Database, tmp_path: object) -> None:
    from sitiv_desktop.context import open_context

    with database.session() as session:
        generate_demo(session, seed=7, today=TODAY)
    twin = open_context(tmp_path / "twin")  # type: ignore[operator]
    other = open_context(tmp_path / "other")  # type: ignore[operator]
    try:
        with twin.database.session() as session:
            generate_demo(session, seed=7, today=TODAY)
        with other.database.session() as session:
            generate_demo(session, seed=8, today=TODAY)
        assert snapshot(twin.database) == snapshot(database)
        assert snapshot(other.database)["projects"] != snapshot(database)["projects"]
    finally:
        twin.close()
        other.close()


def test_a_copy_holding_data_is_refused_unless_replaced(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with pytest.raises(UserError) as refused, database.session() as session:
        generate_demo(session, seed=2, today=TODAY)
    assert "--replace" in refused.value.message
    first = snapshot(database)
    with database.session() as session:
        generate_demo(session, seed=2, replace=True, today=TODAY)
    assert snapshot(database)["projects"] != first["projects"]
    assert len(snapshot(database)["communes"]) == 8


def test_scale_multiplies_the_data(database: Database, tmp_path: object) -> None:
    from sitiv_desktop.context import open_context

    with database.session() as session:
        single = generate_demo(session, seed=1, today=TODAY)
    doubled_copy = open_context(tmp_path / "double")  # type: ignore[operator]
    try:
        with doubled_copy.database.session() as session:
            double = generate_demo(session, seed=1, scale=2, today=TODAY)
    finally:
        doubled_copy.close()
    assert double.counts["communes"] == 8
    assert 1.9 < double.total / single.total < 2.1


def test_progress_is_reported(database: Database) -> None:
    seen: list[float] = []
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY, progress=lambda f, _t: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_every_commune_has_commitments_falling_due_soon(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        for commune in list_communes(session):
            assert commune_overview(session, commune.id, TODAY).due_soon_commitments
