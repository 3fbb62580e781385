"""What every benchmark shares: repeated timing with a median, figures, and demo copies."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Figure:
    """One line of the results table: a measure, its floor in the same run, and the target."""

    benchmark: str
    value: float
    unit: str
    floor: float | None = None
    floor_label: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""
    scale: int = 0

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor == 0:
            return None
        return self.value / self.floor


def median_seconds(work: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        work()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def paired(
    work: Callable[[], object], floor: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Medians of ``work`` and its floor, run in turn so that both see the same machine."""
    work()
    floor()
    works, floors = [], []
    for _ in range(repeats):
        for timings, task in ((works, work), (floors, floor)):
            started = time.perf_counter()
            task()
            timings.append(time.perf_counter() - started)
    return statistics.median(works), statistics.median(floors)


_COPIES: dict[tuple[int, int], Path] = {}
_ROOT = Path(tempfile.mkdtemp(prefix="sitiv-bench-"))


def demo_copy(scale: int, seed: int = 1) -> Path:
    """A data folder holding ``demo --scale`` data, made once per run and reused."""
    key = (scale, seed)
    if key not in _COPIES:
        data_dir = _ROOT / f"demo-{scale}-{seed}"
        run_cli(data_dir, "demo", "--seed", str(seed), "--scale", str(scale))
        with_indexes(data_dir)
        _COPIES[key] = data_dir
    return _COPIES[key]


def with_indexes(data_dir: Path) -> None:
    """The list indexes and the search layout, as the migration that creates them will."""
    from sitiv_desktop.store.database import Database, sqlite_url
    from sitiv_desktop.store.indexes import ensure_interactive_indexes

    database = Database.open(sqlite_url(data_dir / "sitiv.sqlite3"))
    try:
        with database.engine.begin() as connection:
            ensure_interactive_indexes(connection)
    finally:
        database.dispose()


def run_cli(data_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitiv_desktop", "--data-dir", str(data_dir), *arguments],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "SITIV_DATA_DIR": ""},
    )


def row_count(data_dir: Path) -> int:
    import sqlite3

    with sqlite3.connect(data_dir / "sitiv.sqlite3") as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_%'"
                " AND name NOT LIKE 'sync_%' AND name != 'alembic_version'"
            )
        ]
        total = sum(connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)
    connection.close()
    return int(total)
