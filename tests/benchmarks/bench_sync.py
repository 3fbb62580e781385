"""Sync at scale against PostgreSQL: the first sync, a sync with nothing to do, and a sync of
one changed record, each beside its floor."""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from sitiv_desktop.sync.server import ServerLink, add_user, grant, init_server
from sqlalchemy import create_engine, insert, select, text, update

from sitiv_desktop.context import open_context
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database, sqlite_url
from sitiv_desktop.sync.client import synchronise
from sitiv_desktop.sync.rows import SYNCED_TABLES, table_of
from tests.benchmarks.common import Figure, demo_copy, median_seconds

REPOSITORY = Path(__file__).resolve().parents[2]


def postgres_server() -> str:
    given = os.environ.get("SITIV_TEST_PG_URL")
    if given:
        return given
    started = subprocess.run(
        ["bash", str(REPOSITORY / ".ci" / "start-postgres")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return started.stdout.strip().splitlines()[-1]


def shared_database(server: str, scale: int) -> tuple[str, int]:
    """A fresh PostgreSQL database holding the demo data of ``scale``; returns it and its rows."""
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    url = f"{server.rpartition('/')[0]}/{name}"
    init_server(url)
    source = Database.open(sqlite_url(demo_copy(scale) / "sitiv.sqlite3"))
    target = Database.open(url)
    rows = 0
    with source.read_session() as reading, target.session() as writing:
        for table_name in SYNCED_TABLES:
            table = table_of(table_name)
            batch = [dict(r) for r in reading.execute(select(table)).mappings()]
            if batch:
                writing.execute(insert(table), batch)
            rows += len(batch)
    source.dispose(), target.dispose()
    return url, rows


def first_sync(url: str, user: str, password: str) -> tuple[float, Path]:
    folder = Path(tempfile.mkdtemp(prefix="sitiv-laptop-"))
    context = open_context(folder)
    link = ServerLink(url, user, password)
    started = time.perf_counter()
    synchronise(context.database, link)
    elapsed = time.perf_counter() - started
    link.close()
    context.close()
    return elapsed, folder


def floor_copy(url: str) -> float:
    """The same rows read with SQLAlchemy Core and inserted into SQLite with executemany."""
    folder = Path(tempfile.mkdtemp(prefix="sitiv-floor-"))
    context = open_context(folder)
    source = create_engine(url)
    started = time.perf_counter()
    with source.connect() as reading, context.database.session() as writing:
        writing.execute(text("PRAGMA defer_foreign_keys = ON"))  # as the sync does
        for table_name in SYNCED_TABLES:
            table = table_of(table_name)
            batch = [dict(r) for r in reading.execute(select(table)).mappings()]
            if batch:
                writing.execute(insert(table), batch)
    elapsed = time.perf_counter() - started
    source.dispose()
    context.close()
    return elapsed


def steady_syncs(
    url: str, user: str, password: str, folder: Path, repeats: int
) -> tuple[float, float]:
    """Median seconds of a sync with nothing to do, and of one with one changed record."""
    context = open_context(folder)
    link = ServerLink(url, user, password)
    try:
        nothing = median_seconds(lambda: synchronise(context.database, link), repeats)
        counter = iter(range(10**6))

        def one_change() -> None:
            with context.database.session() as session:
                project_id = session.scalars(select(models.Project.id).limit(1)).one()
                session.execute(
                    update(models.Project)
                    .where(models.Project.id == project_id)
                    .values(progress=next(counter) % 100)
                )
            synchronise(context.database, link)

        one = median_seconds(one_change, repeats)
    finally:
        link.close()
        context.close()
    return nothing, one


def measure(server: str, scale: int, repeats: int) -> dict[str, float]:
    url, rows = shared_database(server, scale)
    user, password = f"bench_{uuid.uuid4().hex[:6]}", "mot-de-passe"
    add_user(url, user, password)
    for insee in ("69259", "69256", "69091", "69096", "69152", "42186", "69273", "42207"):
        grant(url, user, insee, "liaison")
    first, folder = first_sync(url, user, password)
    floor = floor_copy(url)
    nothing, one = steady_syncs(url, user, password, folder, repeats)
    return {"rows": rows, "first": first, "floor": floor, "nothing": nothing, "one": one}


def section(options: argparse.Namespace) -> list[Figure]:
    server = postgres_server()
    small_scale = max(1, options.scale // 10)
    large = measure(server, options.scale, options.repeats)
    small = measure(server, small_scale, options.repeats)
    rate = large["rows"] / large["first"]
    floor_rate = large["rows"] / large["floor"]
    return [
        Figure(
            "first sync from PostgreSQL", rate, "rows/s", floor=floor_rate,
            floor_label="Core read + executemany", target="≥ 50,000 rows/s, ≤ 2× floor time",
            met=rate >= 50_000 and large["first"] <= 2 * large["floor"],
            note=f"{int(large['rows']):,} rows in {large['first']:.1f} s "
            f"(time ratio {large['first'] / large['floor']:.2f}×)",
        ),
        Figure(
            "sync, nothing to do", large["nothing"] * 1000, "ms",
            floor=small["nothing"] * 1000, floor_label=f"{int(small['rows']):,} rows",
            target="≤ 50 ms, no growth", met=large["nothing"] <= 0.05,
        ),
        Figure(
            "sync, one changed record", large["one"] * 1000, "ms",
            floor=small["one"] * 1000, floor_label=f"{int(small['rows']):,} rows",
            target="≤ 100 ms, no growth", met=large["one"] <= 0.1,
        ),
    ]  # fmt: skip
