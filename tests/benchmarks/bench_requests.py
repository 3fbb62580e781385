"""What one authenticated request to the sync service costs, beside an unauthenticated one.

- a laptop's sync with nothing to do, as the client makes it: ``grants`` then ``pull`` (two
  authenticated requests), beside two ``info`` requests (no token, no database) on the same
  connection: the difference is what checking the token and reading the database cost;
- one small snapshot page (one row of one table), the fixed cost of a first sync's every page;
- many laptops making that no-op sync at once, each with its own connection (p50 and p99), and
  the service process's processor time per sync meanwhile (less noisy on a shared machine).

    python tests/benchmarks/bench_requests.py [--laptops 100] [--rounds 5] [--repeats 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sitiv_desktop.sync.transport import ServiceClient
from tests.benchmarks.bench_sync import INSEE, Shared, concurrent, percentile, postgres_server
from tests.benchmarks.common import Figure, paired


def processor_seconds(pid: int) -> float:
    """User and system time of a process so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def noop_sync(client: ServiceClient, cursor: int) -> None:
    client.grants()
    client.pull(cursor, 2000)


def measure(shared: Shared, laptops: int, rounds: int, repeats: int) -> dict[str, float]:
    alone = shared.client()
    cursor = alone.snapshot_start()[0]
    sync, floor = paired(
        lambda: noop_sync(alone, cursor), lambda: (alone.info(), alone.info()), repeats
    )
    page, _floor = paired(
        lambda: alone.snapshot_page("communes", None, 1), lambda: alone.info(), repeats
    )
    alone.close()
    clients = [shared.client((INSEE[i % len(INSEE)],)) for i in range(laptops)]
    cursors = [c.snapshot_start()[0] for c in clients]
    concurrent(clients, lambda c, i: noop_sync(c, cursors[i]), 1)  # every connection opened
    pid = shared.service.process.pid
    before = processor_seconds(pid)
    times = concurrent(clients, lambda c, i: noop_sync(c, cursors[i]), rounds)
    cpu = (processor_seconds(pid) - before) / (laptops * rounds)
    for client in clients:
        client.close()
    return {
        "sync": sync, "floor": floor, "page": page,
        "p50": statistics.median(times), "p99": percentile(times, 0.99), "cpu": cpu,
    }  # fmt: skip


def figures(measured: dict[str, float], laptops: int) -> list[Figure]:
    return [
        Figure(
            "no-op sync, one laptop (grants + pull)", measured["sync"] * 1000, "ms",
            floor=measured["floor"] * 1000, floor_label="two info requests",
            target="≤ 50 ms", met=measured["sync"] <= 0.05,
        ),
        Figure(
            "one snapshot page of one row", measured["page"] * 1000, "ms",
            floor=measured["floor"] * 500, floor_label="one info request",
        ),
        Figure(
            f"no-op sync p99, {laptops} laptops at once", measured["p99"] * 1000, "ms",
            floor=measured["p50"] * 1000, floor_label="p50",
            target="≤ 50 ms", met=measured["p99"] <= 0.05,
        ),
        Figure(
            "service processor time per no-op sync, under that load", measured["cpu"] * 1000,
            "ms", note="user + system time of the service process",
        ),
    ]  # fmt: skip


def section(options: argparse.Namespace) -> list[Figure]:
    quick = options.scale <= 1 and options.repeats <= 3
    laptops = 20 if quick else 100
    shared = Shared(postgres_server(), 1)
    try:
        measured = measure(shared, laptops, rounds=2 if quick else 5, repeats=options.repeats * 3)
    finally:
        shared.close()
    return figures(measured, laptops)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--laptops", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=30)
    options = parser.parse_args()
    shared = Shared(postgres_server(), 1)
    try:
        measured = measure(shared, options.laptops, options.rounds, options.repeats)
    finally:
        shared.close()
    for figure in figures(measured, options.laptops):
        floor = (
            f" (floor {figure.floor:.2f} {figure.unit}, {figure.floor_label})"
            if figure.floor is not None
            else ""
        )
        print(f"{figure.benchmark}: {figure.value:.2f} {figure.unit}{floor}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
