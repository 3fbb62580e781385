"""The benchmarks run in CI on small data, so that they cannot rot (their figures are printed,
never asserted: the shared machines' timings drift)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_the_quick_benchmarks_run_and_report_every_figure(
    postgres_server: str, tmp_path: Path
) -> None:
    figures = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, str(REPOSITORY / "tests" / "benchmarks" / "run.py"), "--quick",
         "--json", str(figures)],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "SITIV_TEST_PG_URL": postgres_server, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    print(result.stdout)
    names = {figure["benchmark"] for figure in json.loads(figures.read_text("utf-8"))["figures"]}
    # Other sections may add figures; these must all be there.
    assert names >= {
        "search, grouped by kind",
        "search, slowest query",
        "switching commune",
        "sorting commitments, slowest column",
        "filtering commitments « fibre »",
        "last page of commitments",
        "mayor meeting pack",
        "New Year pack",
        "first sync from PostgreSQL",
        "sync, nothing to do",
        "sync, one changed record",
        "start to a usable window",
        "peak memory, copy open",
        "import commitments (CSV), whole",
        "import commitments, write lock held",
        "export commitments to xlsx",
        "export commitments, peak memory",
        "demo --scale 1",
    }
