"""Lists page by key in the database's order, and every interactive query reads an index."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import ProjectStatus
from sitiv_desktop.services.browsing import (
    KINDS,
    PageRequest,
    count_page_rows,
    fetch_page,
    fetch_page_after,
)
from sitiv_desktop.services.communes import (
    commune_overview,
    late_commitment_counts,
    list_communes,
    load_overview,
)
from sitiv_desktop.services.demo import generate_demo
from sitiv_desktop.services.ppi import cp_totals_by_year, ppi_table
from sitiv_desktop.services.projects import ProjectFilter, count_projects
from sitiv_desktop.services.search import search_grouped
from sitiv_desktop.services.stakes import list_stakes
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from sitiv_desktop.store.indexes import ensure_interactive_indexes
from tests import builders

TODAY = dt.date(2026, 1, 15)
MADE = dt.date(2025, 12, 1)


@pytest.fixture
def commitments(database: Database) -> list[uuid.UUID]:
    with database.session() as s:
        ven = builders.commune(s, "Vénissieux", "69259")
        giv = builders.commune(s, "Givors", "69091")
        for number in range(47):
            due = None if number % 5 == 0 else dt.date(2026, 1, 1 + number % 9)
            builders.commitment(s, ven if number % 3 else giv, f"Point {number}", MADE, due)
        ids = [c.id for c in s.query(models.Commitment)]
    with database.engine.begin() as connection:
        ensure_interactive_indexes(connection)
    return ids


def all_pages(session: Session, request: PageRequest) -> list[Any]:
    found, after = [], None
    while True:
        page = fetch_page_after(session, replace(request, after=after))
        found += page.records
        if page.after is None:
            return found
        after = page.after


@pytest.mark.usefixtures("commitments")
@pytest.mark.parametrize("descending", [False, True])
def test_pages_by_key_cover_the_list_once_and_empty_dates_come_last(
    database: Database, descending: bool
) -> None:
    request = PageRequest("commitments", sort_key="due_date", descending=descending, limit=4)
    with database.read_session() as session:
        paged = all_pages(session, request)
        whole = fetch_page(session, replace(request, limit=1000))
        by_offset = [
            record
            for offset in range(0, 48, 4)
            for record in fetch_page(session, replace(request, offset=offset))
        ]
    assert len(paged) == 47 and len({c.id for c in paged}) == 47
    assert [c.id for c in paged] == [c.id for c in whole] == [c.id for c in by_offset]
    dates = [c.due_date for c in paged]
    assert dates[-10:] == [None] * 10 and None not in dates[:-10]
    assert dates[:-10] == sorted(dates[:-10], reverse=descending)


@pytest.mark.usefixtures("commitments")
def test_pages_by_key_follow_the_commune_and_the_filter(database: Database) -> None:
    with database.read_session() as session:
        ven = session.query(models.Commune).filter_by(insee_code="69259").one()
        request = PageRequest("commitments", commune_id=ven.id, sort_key="title", limit=5)
        titles = [c.title for c in all_pages(session, request)]
        assert len(titles) == count_page_rows(session, request) == 31
        assert titles == sorted(titles)
        filtered = replace(request, text="point 4")
        # Each word starts a word of the record, as in the search.
        expected = sorted(f"Point {n}" for n in (4, *range(40, 47)) if n % 3)
        assert [c.title for c in all_pages(session, filtered)] == expected
        assert count_page_rows(session, filtered) == len(expected) == 6


# --- every interactive query reads an index ---------------------------------------------------

SMALL_TABLES = {"communes", "contacts", "alembic_version", "sync_state", "sqlite_master"}
_SCAN = re.compile(r"^SCAN (\w+)$")


@pytest.fixture
def demo(database: Database) -> Database:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.engine.begin() as connection:
        ensure_interactive_indexes(connection)
    return database


def full_scans(database: Database, work: Callable[[Session], object]) -> list[str]:
    """The plans of every statement ``work`` runs that read a large table whole."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        with database.read_session() as session:
            work(session)
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    assert statements
    scans = []
    with database.engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            for row in plan:
                match = _SCAN.match(row[3])
                if match and match.group(1) not in SMALL_TABLES and "anon_" not in row[3]:
                    scans.append(f"{row[3]}  ←  {statement[:160]}")
    return scans


def interactive_queries(commune_id: uuid.UUID | None) -> Iterator[Callable[[Session], object]]:
    for kind_name, kind in KINDS.items():
        for sort_key in ("", *kind.sort_keys):
            if kind_name == "stakes" and commune_id is None:
                # The stakes of all communes have no index for their sort yet (its columns are
                # not indexed alone): a few thousand rows sorted at most, checked per commune.
                continue
            for descending in (False, True):
                request = PageRequest(kind_name, commune_id, "", sort_key, descending, limit=20)

                def page(session: Session, request: PageRequest = request) -> object:
                    first = fetch_page_after(session, request)
                    return fetch_page_after(session, replace(request, after=first.after))

                yield page
        filtered = PageRequest(kind_name, commune_id, "fibre", limit=20)
        yield lambda session, request=filtered: count_page_rows(session, request)
        yield lambda session, request=filtered: fetch_page_after(session, request)
        yield lambda session, request=filtered: count_page_rows(session, replace(request, text=""))
    for typed in ("v", "de", "vénissieux", "fibre écoles", "69259"):
        yield lambda session, typed=typed: search_grouped(session, typed)
    yield lambda session: late_commitment_counts(session, TODAY)
    yield list_communes
    for status in ProjectStatus:
        yield lambda session, s=status: count_projects(session, ProjectFilter(statuses=(s,)))
    yield lambda session: load_overview(session, commune_id, TODAY)
    if commune_id is not None:
        # The PPI table of all communes adds up every line: it is read whole for the PPI tab
        # and the packs, never for the dashboard (above), so it is checked for one commune.
        yield lambda session: ppi_table(session, commune_id)
        yield lambda session: list_stakes(session, commune_id)
        yield lambda session: commune_overview(session, commune_id, TODAY)


@pytest.mark.parametrize("commune", ["one commune", "all communes"])
def test_no_interactive_query_reads_a_large_table_whole(demo: Database, commune: str) -> None:
    with demo.read_session() as session:
        commune_id = session.execute(
            text("SELECT id FROM communes WHERE insee_code = '69259'")
        ).scalar()
    chosen = uuid.UUID(hex=commune_id) if commune == "one commune" else None
    scans = [scan for work in interactive_queries(chosen) for scan in full_scans(demo, work)]
    assert scans == []


def test_the_dashboard_chart_sums_what_the_ppi_table_splits(demo: Database) -> None:
    with demo.read_session() as session:
        communes = list_communes(session)
        everyone = ppi_table(session)
        totals = cp_totals_by_year(session)
        assert totals and set(totals) == set(everyone.years)
        for year in everyone.years:
            # The table rounds each payer's row to the cent; the sum rounds once.
            assert abs(totals[year] - everyone.total_cp(year)) <= Decimal("0.01") * len(
                everyone.rows
            )
        for commune in communes[:5]:
            table = ppi_table(session, commune.id)
            mine = cp_totals_by_year(session, commune.id)
            assert {year: table.total_cp(year) for year in table.years} == {
                year: amount for year, amount in mine.items() if year in table.years
            }
            assert all(amount == 0 for year, amount in mine.items() if year not in table.years)


def test_stakes_page_in_the_order_of_the_mandate_plan(demo: Database) -> None:
    with demo.read_session() as session:
        commune = list_communes(session)[0].id
        whole = list_stakes(session, commune)
        request = PageRequest("stakes", commune, limit=3)
        paged = all_pages(session, request)
        assert len(whole) > 3 and [s.id for s in paged] == [s.id for s in whole]
        assert count_page_rows(session, request) == len(whole)
        by_priority = all_pages(session, replace(request, sort_key="priority"))
        ranks = [s.priority.codes().index(s.priority.value) for s in by_priority]
        assert ranks == sorted(ranks)
