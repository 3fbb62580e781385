"""``demo --scale N`` beside its floor, measured in the same run.

- Demo: ``generate_demo`` on a fresh local copy, drawing and writing, committed: the copy's
  triggers, foreign keys, list indexes and search index all kept as a real copy has them.
- Floor: the same rows, read back from that copy, inserted with ``executemany`` into bare
  tables of the same shape (no index, no trigger, no search index) in one transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from tests.benchmarks.common import Figure

TARGET_SECONDS = 10.0  # at scale 100 (issue 16)
SKIPPED = ("sqlite_%", "search_%", "sync_%", "alembic_version", "history")


def demo_seconds(folder: Path, scale: int) -> tuple[float, float, Path]:
    """Seconds to make the demo data and, of them, to draw it; the copy's file."""
    from sitiv_desktop.context import open_context
    from sitiv_desktop.services.demo import generate_demo

    context = open_context(folder)
    drawn: list[float] = []
    started = time.perf_counter()

    def progress(fraction: float, _text: str) -> None:
        if fraction >= 0.3 and not drawn:
            drawn.append(time.perf_counter() - started)

    try:
        with context.database.session() as session:
            generate_demo(session, seed=1, scale=scale, progress=progress, today=dt.date.today())
        total = time.perf_counter() - started
    finally:
        context.close()
    return total, drawn[0] if drawn else 0.0, folder / "sitiv.sqlite3"


def floor_seconds(source: Path, target: Path) -> tuple[float, int]:
    """Seconds to insert the copy's domain rows into bare tables; how many rows."""
    with sqlite3.connect(source) as reading:
        where = " AND ".join(f"name NOT LIKE '{pattern}'" for pattern in SKIPPED)
        tables = reading.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND {where}"
        ).fetchall()
        rows = {name: reading.execute(f'SELECT * FROM "{name}"').fetchall() for name, _ in tables}
    reading.close()
    bare = sqlite3.connect(target, isolation_level=None)
    try:
        bare.execute("PRAGMA journal_mode = WAL")
        bare.execute("PRAGMA synchronous = NORMAL")
        for _name, ddl in tables:
            bare.execute(ddl)
        started = time.perf_counter()
        bare.execute("BEGIN")
        for name, values in rows.items():
            if values:
                marks = ", ".join("?" for _ in values[0])
                bare.executemany(f'INSERT INTO "{name}" VALUES ({marks})', values)
        bare.execute("COMMIT")
        return time.perf_counter() - started, sum(len(values) for values in rows.values())
    finally:
        bare.close()


def section(options: argparse.Namespace) -> list[Figure]:
    scale = options.scale
    repeats = 1 if scale >= 100 else min(3, options.repeats)
    demos, drawings, floors = [], [], []
    count = 0
    with tempfile.TemporaryDirectory(prefix="sitiv-bench-demo-") as folder:
        for attempt in range(repeats):
            seconds, drawing, copy = demo_seconds(Path(folder) / f"copy-{attempt}", scale)
            floor, count = floor_seconds(copy, Path(folder) / f"bare-{attempt}.sqlite3")
            demos.append(seconds)
            drawings.append(drawing)
            floors.append(floor)
    demo, floor = statistics.median(demos), statistics.median(floors)
    # The target is set at scale 100; other scales show how the figure grows.
    at_target = scale == 100
    return [
        Figure(
            f"demo --scale {scale}",
            demo,
            "s",
            floor=floor,
            floor_label="same rows, bare tables, executemany",
            target=f"≤ {TARGET_SECONDS:g} s at scale 100" if at_target else "",
            met=demo <= TARGET_SECONDS if at_target else None,
            note=f"{count:,} rows; drawing {statistics.median(drawings):.1f} s",
        )
    ]


if __name__ == "__main__":
    import sys

    arguments = argparse.Namespace(scale=int(sys.argv[1]) if len(sys.argv) > 1 else 1, repeats=3)
    for figure in section(arguments):
        print(figure, f"ratio {figure.ratio:.2f}")
