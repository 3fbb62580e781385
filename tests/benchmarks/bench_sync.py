"""Sync at scale through the sync service on PostgreSQL, each figure beside its floor.

- the first sync of a scope, with the service in its own process as a syndicate runs it, beside
  the bare local floor (the same rows read from PostgreSQL and inserted into SQLite by
  executemany with the outbox and search triggers off; no service, no HTTP, no shadows, no
  search index);
- a sync with nothing to do and one with one changed record, at this scale and at a tenth of it;
- a no-op sync after many changes the user may not see, beside the same with none;
- load: many laptops syncing at once (no-op p50/p99 and one-change p50/p99), and changes per
  second with laptops pushing to different communes at once, beside one laptop alone.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text, update

from sitiv_desktop.context import open_context
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database, sqlite_url
from sitiv_desktop.store.indexes import drop_search_triggers
from sitiv_desktop.sync.client import synchronise
from sitiv_desktop.sync.protocol import Change, Op
from sitiv_desktop.sync.rows import SYNCED_TABLES, table_of
from sitiv_desktop.sync.service import admin
from sitiv_desktop.sync.transport import ServiceClient
from tests.benchmarks.common import Figure, demo_copy, median_seconds
from tests.sync_harness import ServiceProcess, service_url

REPOSITORY = Path(__file__).resolve().parents[2]
INSEE = ("69259", "69256", "69091", "69096", "69149", "42186", "69273", "42207")


def postgres_server() -> str:
    given = os.environ.get("SITIV_TEST_PG_URL")
    if given:
        return given
    started = subprocess.run(
        ["bash", str(REPOSITORY / ".ci" / "start-postgres")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return started.stdout.strip().splitlines()[-1]


class Shared:
    """A fresh service database holding the demo data of one scale, and its running service."""

    def __init__(self, server: str, scale: int) -> None:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        superuser = create_engine(server, isolation_level="AUTOCOMMIT")
        with superuser.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        superuser.dispose()
        self.owner_url = f"{server.rpartition('/')[0]}/{name}"
        password = secrets.token_hex(8)
        role = admin.init_server(self.owner_url, password)
        self.rows = self._load(scale)
        self.url = service_url(self.owner_url, role, password)
        self.service = ServiceProcess(self.url)

    def _load(self, scale: int) -> int:
        source = Database.open(sqlite_url(demo_copy(scale) / "sitiv.sqlite3"))
        target = Database.open(self.owner_url)
        rows = 0
        with source.read_session() as reading, target.session() as writing:
            for table_name in SYNCED_TABLES:
                table = table_of(table_name)
                batch = [dict(r) for r in reading.execute(select(table)).mappings()]
                if batch:
                    writing.execute(insert(table), batch)
                rows += len(batch)
        source.dispose(), target.dispose()
        return rows

    def user(self, communes: tuple[str, ...] = INSEE) -> tuple[str, str]:
        name, password = f"u{uuid.uuid4().hex[:8]}", "mot-de-passe"
        admin.add_user(self.owner_url, name, password)
        for insee in communes:
            admin.grant(self.owner_url, name, insee, "liaison")
        return name, password

    def client(self, communes: tuple[str, ...] = INSEE) -> ServiceClient:
        name, password = self.user(communes)
        made = ServiceClient(self.service.address)
        made.log_in(name, password)
        return made

    def close(self) -> None:
        self.service.stop()


def first_sync(shared: Shared) -> tuple[float, float, Path, ServiceClient]:
    """A laptop's first sync in a process of its own, as the application runs it: its time and
    the process's peak memory (MiB), measured by the operating system."""
    folder = Path(tempfile.mkdtemp(prefix="sitiv-laptop-"))
    open_context(folder).close()
    service = shared.client()
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from sitiv_desktop.context import open_context\n"
        "from sitiv_desktop.sync.client import synchronise\n"
        "from sitiv_desktop.sync.transport import ServiceClient\n"
        "context = open_context(Path(sys.argv[1]))\n"
        "service = ServiceClient(sys.argv[2], sys.argv[3])\n"
        "started = time.perf_counter()\n"
        "synchronise(context.database, service)\n"
        "elapsed = time.perf_counter() - started\n"
        # The high-water mark of this process's own memory; ru_maxrss would also count the
        # parent's, which the kernel carries over through exec.
        "status = Path('/proc/self/status').read_text().splitlines()\n"
        "peak = next(line.split()[1] for line in status if line.startswith('VmHWM'))\n"
        "print(elapsed, peak)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(folder), service.address, service.token or ""],
        stdout=subprocess.PIPE, text=True, cwd=REPOSITORY,
    )  # fmt: skip
    output, _ = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"the first sync failed ({child.returncode})")
    seconds, peak_kib = output.split()[-2:]
    return float(seconds), int(peak_kib) / 1024, folder, service


def floor_copy(url: str) -> float:
    """The same rows read with SQLAlchemy Core and inserted into SQLite with executemany, the
    triggers off."""
    folder = Path(tempfile.mkdtemp(prefix="sitiv-floor-"))
    context = open_context(folder)
    source = create_engine(url)
    started = time.perf_counter()
    with source.connect() as reading, context.database.session() as writing:
        writing.execute(text("PRAGMA defer_foreign_keys = ON"))
        writing.execute(text("UPDATE sync_state SET applying = 1 WHERE id = 1"))
        drop_search_triggers(writing.connection())
        for table_name in SYNCED_TABLES:
            table = table_of(table_name)
            batch = [dict(r) for r in reading.execute(select(table)).mappings()]
            if batch:
                writing.execute(insert(table), batch)
    elapsed = time.perf_counter() - started
    source.dispose()
    context.close()
    return elapsed


def steady_syncs(folder: Path, service: ServiceClient, repeats: int) -> tuple[float, float]:
    context = open_context(folder)
    try:
        nothing = median_seconds(lambda: synchronise(context.database, service), repeats)
        counter = iter(range(10**6))

        def one_change() -> None:
            with context.database.session() as session:
                project_id = session.scalars(select(models.Project.id).limit(1)).one()
                session.execute(
                    update(models.Project)
                    .where(models.Project.id == project_id)
                    .values(progress=next(counter) % 100)
                )
            synchronise(context.database, service)

        one = median_seconds(one_change, repeats)
    finally:
        context.close()
    return nothing, one


def _exchange(commune_id: str) -> Change:
    row_id = uuid.uuid4().hex
    return Change(uuid.uuid4().hex, "exchanges", row_id, Op.UPSERT, {
        "id": row_id, "commune_id": commune_id, "occurred_on": "2026-11-30", "channel": "phone",
        "direction": "incoming", "subject": "Appel", "summary": "", "follow_up": "", "author": "",
        "project_id": None, "commitment_id": None,
    })  # fmt: skip


def hidden_changes(shared: Shared, count: int) -> None:
    """``count`` entries in the change log for a commune the measured laptops are not granted,
    written straight into the log by the owner (pushing a million changes would take hours)."""
    owner = create_engine(shared.owner_url)
    with owner.begin() as connection:
        commune = uuid.uuid4()  # a commune no measured laptop is granted
        last = connection.scalar(text("SELECT last_seq FROM sync_counter WHERE id = 1"))
        values = {"last": last, "count": count, "commune": commune, "named": str(commune)}
        connection.execute(
            text(
                "INSERT INTO sync_changes (seq, change_id, table_name, row_id, op, data, old,"
                " author, committed_at, commune_ids, reshapes)"
                " SELECT :last + g, md5((:last + g)::text), 'exchanges', md5((:last - g)::text),"
                " 'insert', '{}', '{}', 'ailleurs', now(), :named, false"
                " FROM generate_series(1, :count) g"
            ),
            values,
        )
        connection.execute(
            text(
                "INSERT INTO sync_change_communes (commune_id, seq)"
                " SELECT :commune, :last + g FROM generate_series(1, :count) g"
            ),
            values,
        )
        connection.execute(
            text("UPDATE sync_counter SET last_seq = :last + :count WHERE id = 1"), values
        )
    owner.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def concurrent(clients: list[ServiceClient], work: Any, rounds: int) -> list[float]:
    """Each client does ``work`` ``rounds`` times, all clients at once; every request's time."""
    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def run(client: ServiceClient, index: int) -> None:
        barrier.wait()
        for _round in range(rounds):
            started = time.perf_counter()
            work(client, index)
            with lock:
                times.append(time.perf_counter() - started)

    threads = [threading.Thread(target=run, args=(c, i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def load(shared: Shared, laptops: int, pushers: int, rounds: int) -> dict[str, float]:
    """No-op pulls and one-change pushes from many laptops at once; pushes to different
    communes at once beside one laptop alone."""
    clients = [shared.client((INSEE[i % len(INSEE)],)) for i in range(laptops)]
    cursors = [c.snapshot_start()[0] for c in clients]
    communes = [next(iter(c.grants())).hex for c in clients]
    noop = concurrent(clients, lambda c, i: c.pull(cursors[i], 2000), rounds)
    pushes = concurrent(clients, lambda c, i: c.push([_exchange(communes[i])]), rounds)
    batch = 50
    alone_started = time.perf_counter()
    for _round in range(rounds):
        clients[0].push([_exchange(communes[0]) for _i in range(batch)])
    alone = rounds * batch / (time.perf_counter() - alone_started)
    together_started = time.perf_counter()
    group = clients[: min(pushers, len(clients))]
    concurrent(group, lambda c, i: c.push([_exchange(communes[i]) for _j in range(batch)]), rounds)
    together = len(group) * rounds * batch / (time.perf_counter() - together_started)
    for client in clients:
        client.close()
    return {
        "noop_p50": statistics.median(noop), "noop_p99": percentile(noop, 0.99),
        "push_p50": statistics.median(pushes), "push_p99": percentile(pushes, 0.99),
        "alone": alone, "together": together,
    }  # fmt: skip


def section(options: argparse.Namespace) -> list[Figure]:
    server = postgres_server()
    quick = options.scale <= 1
    large = Shared(server, options.scale)
    try:
        first, peak, folder, service = first_sync(large)
        floor = floor_copy(large.owner_url)
        nothing, one = steady_syncs(folder, service, options.repeats)
        after_hidden: list[tuple[int, float]] = []
        total = 0
        for hidden in (2_000,) if quick else (10_000, 100_000, 1_000_000):
            hidden_changes(large, hidden - total)
            total = hidden
            after_hidden.append((hidden, steady_syncs(folder, service, options.repeats)[0]))
        laptops = 20 if quick else 100
        measured = load(large, laptops, pushers=min(20, laptops), rounds=3 if quick else 10)
        service.close()
    finally:
        large.close()
    rate, floor_rate = large.rows / first, large.rows / floor
    return [
        Figure(
            "first sync from PostgreSQL", rate, "rows/s", floor=floor_rate,
            floor_label="bare copy into SQLite", target="≥ 50,000 rows/s, ≤ 1.5× floor time",
            met=rate >= 50_000 and first <= 1.5 * floor,
            note=f"{large.rows:,} rows in {first:.1f} s (time ratio {first / floor:.2f}×)",
        ),
        Figure(
            "peak memory of the laptop during its first sync", peak, "MiB",
            target="≤ 150 MiB", met=peak <= 150,
            note=f"{large.rows:,} rows; the whole process, interpreter and libraries included",
        ),
        Figure("sync, nothing to do", nothing * 1000, "ms", target="≤ 50 ms",
               met=nothing <= 0.05),
        Figure("sync, one changed record", one * 1000, "ms", target="≤ 100 ms", met=one <= 0.1),
        *(
            Figure(
                f"sync, nothing to do after {hidden:,} changes the user may not see",
                seconds * 1000, "ms", floor=nothing * 1000, floor_label="before them",
                target="flat", met=seconds <= 2 * nothing + 0.005,
            )
            for hidden, seconds in after_hidden
        ),
        Figure(
            f"no-op sync p99, {laptops} laptops at once", measured["noop_p99"] * 1000, "ms",
            floor=measured["noop_p50"] * 1000, floor_label="p50",
            target="≤ 50 ms", met=measured["noop_p99"] <= 0.05,
        ),
        Figure(
            f"one-change push p99, {laptops} laptops at once", measured["push_p99"] * 1000, "ms",
            floor=measured["push_p50"] * 1000, floor_label="p50",
        ),
        Figure(
            "changes/s, laptops pushing to different communes at once", measured["together"],
            "changes/s", floor=measured["alone"], floor_label="one laptop alone",
            target="> one laptop alone", met=measured["together"] > measured["alone"],
        ),
    ]  # fmt: skip
