"""The window's lists at scale, without the window: what a commune switch, a sort, a filter,
scrolling to the end and a record's history ask of the store, each beside the bare SQLite query
of the same rows."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import uuid
from dataclasses import replace
from pathlib import Path

from sitiv_desktop.context import Context, open_context
from sitiv_desktop.services.browsing import KINDS, PageRequest, count_page_rows, fetch_page_after
from sitiv_desktop.services.communes import find_commune, load_overview
from sitiv_desktop.services.history import record_history
from sitiv_desktop.services.search import fts_query
from tests.benchmarks.common import Figure, demo_copy, paired

PAGE = 200
TABLES = {
    "projects": "projects",
    "commitments": "commitments",
    "meetings": "meetings",
    "exchanges": "exchanges",
}


def run(data_dir: Path, repeats: int) -> list[Figure]:
    context = open_context(data_dir)
    bare = sqlite3.connect(data_dir / "sitiv.sqlite3")
    figures: list[Figure] = []
    try:
        with context.database.read_session() as session:
            commune = find_commune(session, "Vénissieux").id
            today = dt.date.today()

            def switch(commune_id: uuid.UUID | None = commune) -> None:
                # What the window reads at a switch: the dashboard and the four lists (the
                # stakes and the PPI wait for their tab).
                load_overview(session, commune_id, today)
                for kind in ("projects", "commitments", "meetings", "exchanges"):
                    request = PageRequest(kind, commune_id, limit=PAGE)
                    count_page_rows(session, request)
                    fetch_page_after(session, request)

            def bare_switch() -> None:
                for table in ("commitments", "exchanges"):
                    bare.execute(
                        f"SELECT * FROM {table} WHERE commune_id = ? LIMIT {PAGE}", (commune.hex,)
                    ).fetchall()
                bare.execute(f"SELECT * FROM projects LIMIT {PAGE}").fetchall()
                bare.execute(f"SELECT * FROM meetings LIMIT {PAGE}").fetchall()

            work, floor = paired(switch, bare_switch, repeats)
            figures.append(_figure("switching commune", work, floor, "4 lists + dashboard"))
            work, floor = paired(lambda: switch(None), bare_switch, repeats)
            figure = _figure("« Toutes les communes »", work, floor, "4 lists + dashboard")
            figure.target, figure.met = "≤ 300 ms", figure.value <= 300
            figures.append(figure)

            for kind_name, kind in KINDS.items():
                table = TABLES.get(kind_name, "mandate_stakes")
                worst = (0.0, 0.0, "")
                for key in kind.sort_keys:
                    request = PageRequest(kind_name, sort_key=key, limit=PAGE)
                    timing = paired(
                        lambda request=request: fetch_page_after(session, request),
                        lambda table=table: bare.execute(
                            f"SELECT * FROM {table} ORDER BY rowid LIMIT {PAGE}"
                        ).fetchall(),
                        repeats,
                    )
                    if timing[0] > worst[0]:
                        worst = (*timing, key)
                figures.append(
                    _figure(f"sorting {kind_name}, slowest column", worst[0], worst[1], worst[2])
                )

            request = PageRequest("commitments", text="fibre", limit=PAGE)
            query = fts_query("fibre")
            work, floor = paired(
                lambda: (count_page_rows(session, request), fetch_page_after(session, request)),
                lambda: bare.execute(
                    "SELECT count(*) FROM search_index WHERE search_index MATCH ?", (query,)
                ).fetchall(),
                repeats,
            )
            figures.append(_figure("filtering commitments « fibre »", work, floor, "count + page"))

            for kind_name in ("commitments", "exchanges"):
                table = TABLES[kind_name]
                column = "title" if kind_name == "commitments" else "subject"
                total = bare.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                value, rowid = bare.execute(
                    f"SELECT {column}, rowid FROM {table} ORDER BY {column}, rowid"
                    f" LIMIT 1 OFFSET {max(0, total - PAGE - 1)}"
                ).fetchone()
                first = PageRequest(kind_name, sort_key=column, limit=PAGE)
                last = replace(first, after=(0, value, rowid))
                work, floor = paired(
                    lambda last=last: fetch_page_after(session, last),
                    lambda first=first: fetch_page_after(session, first),
                    repeats,
                )
                figures.append(
                    _figure(
                        f"last page of {kind_name}", work, floor, f"{total:,} rows", "first page"
                    )
                )
        figures.append(_history_figure(context, repeats))
    finally:
        bare.close()
        context.close()
    return figures


class _RolledBack(Exception):
    """Leaves the benchmark's history entries out of the copy other sections read."""


def _history_figure(context: Context, repeats: int) -> Figure:
    """A record's history panel on a copy whose history holds an entry for every commitment and
    exchange (as after syncing them), beside the bare query of that record's entries."""
    found: list[Figure] = []
    try:
        with context.database.session() as session:
            connection = session.connection()
            for offset, table in enumerate(("commitments", "exchanges")):
                connection.exec_driver_sql(
                    "INSERT INTO history (seq, table_name, row_id, op, fields, author,"
                    " committed_at, commune_ids) SELECT"
                    f" {offset} * 10000000 + row_number() OVER (), '{table}', id, 'update', '{{}}',"
                    f" 'banc', '2026-01-01 00:00:00.000000', '' FROM {table}"
                )
            entries = connection.exec_driver_sql("SELECT count(*) FROM history").scalar_one()
            row_id = connection.exec_driver_sql(
                "SELECT id FROM commitments ORDER BY id LIMIT 1"
                " OFFSET (SELECT count(*) / 2 FROM commitments)"
            ).scalar_one()
            work, floor = paired(
                lambda: record_history(session, "commitments", uuid.UUID(row_id)),
                lambda: connection.exec_driver_sql(
                    "SELECT seq, op, fields, author, committed_at FROM history"
                    " WHERE table_name = 'commitments' AND row_id = ? ORDER BY seq DESC",
                    (row_id,),
                ).fetchall(),
                repeats,
            )
            found.append(_figure("opening a record's history", work, floor, f"{entries:,} entries"))
            raise _RolledBack
    except _RolledBack:
        pass
    return found[0]


def _figure(
    name: str, work: float, floor: float, note: str, floor_label: str = "bare SQLite query"
) -> Figure:
    milliseconds = work * 1000
    return Figure(
        name, milliseconds, "ms", floor=floor * 1000, floor_label=floor_label,
        target="≤ 100 ms", met=milliseconds <= 100, note=note,
    )  # fmt: skip


def section(options: argparse.Namespace) -> list[Figure]:
    return run(demo_copy(options.scale), options.repeats)
