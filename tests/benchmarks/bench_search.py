"""Search at scale: the grouped search beside the bare FTS5 lookup of the same words."""

from __future__ import annotations

import argparse
import sqlite3
import statistics
from pathlib import Path

from sitiv_desktop.context import open_context
from sitiv_desktop.services.search import fts_query, search_grouped
from tests.benchmarks.common import Figure, demo_copy, paired

# The short prefixes people type first, then whole words and a commune's INSEE code.
QUERIES = ("v", "de", "venissieux", "echeance", "fibre ecoles", "portail", "telephonie", "69259")
BARE = "SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT 40"


def run(data_dir: Path, repeats: int) -> list[Figure]:
    context = open_context(data_dir)
    bare = sqlite3.connect(data_dir / "sitiv.sqlite3")
    timings: dict[str, tuple[float, float]] = {}
    try:
        with context.database.read_session() as session:
            for typed in QUERIES:
                query = fts_query(typed)
                timings[typed] = paired(
                    lambda typed=typed: search_grouped(session, typed),
                    lambda query=query: bare.execute(BARE, (query,)).fetchall(),
                    repeats,
                )
    finally:
        bare.close()
        context.close()
    median = statistics.median(t[0] for t in timings.values()) * 1000
    floor = statistics.median(t[1] for t in timings.values()) * 1000
    worst = max(timings, key=lambda typed: timings[typed][0])
    worst_ms, worst_floor = (t * 1000 for t in timings[worst])
    return [
        Figure(
            "search, grouped by kind", median, "ms/query", floor=floor,
            floor_label="bare FTS5 lookup", target="≤ 20 ms", met=median <= 20,
            note=f"median of {len(QUERIES)} queries",
        ),
        Figure(
            "search, slowest query", worst_ms, "ms", floor=worst_floor,
            floor_label="bare FTS5 lookup", target="≤ 20 ms", met=worst_ms <= 20,
            note=f"« {worst} »",
        ),
    ]  # fmt: skip


def section(options: argparse.Namespace) -> list[Figure]:
    return run(demo_copy(options.scale), options.repeats)
