"""Run every benchmark at several scales, print each figure beside its floor and its growth.

    python tests/benchmarks/run.py [--quick] [--json FILE] [--scales 1 10 100 300] [--only …]

Each figure is set beside a floor measured in the same run, the two timed in turn and repeated
(medians), since shared machines drift. The demo copies are made once per run in a temporary
folder. After the tables, each figure's growth from the smallest to the largest scale.
Benchmarks are never assertions: a figure that misses its target is printed as such.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import Figure, demo_copy, row_count

Section = Callable[[argparse.Namespace], list[Figure]]
SCALES = (1, 10, 100, 300)
SECTIONS: dict[str, Section] = {}


def load_sections() -> None:
    """Sections whose code may be absent from a partial checkout are added when importable."""
    for name in (
        "bench_search", "bench_lists", "bench_window", "bench_packs", "bench_sync",
        "bench_requests", "bench_transfers", "bench_demo",
    ):  # fmt: skip
        try:
            module = __import__(f"tests.benchmarks.{name}", fromlist=["section"])
        except ImportError:
            continue
        SECTIONS[name.removeprefix("bench_")] = module.section


def print_table(figures: list[Figure]) -> None:
    headers = ("scale", "benchmark", "figure", "floor", "ratio", "target", "met", "note")
    rows = []
    for f in figures:
        floor = f"{f.floor:,.2f} ({f.floor_label})" if f.floor is not None else ""
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
        met = {True: "yes", False: "NO", None: ""}[f.met]
        rows.append(
            (f.scale, f.benchmark, f"{f.value:,.2f} {f.unit}", floor, ratio, f.target, met, f.note)
        )
    widths = [max(len(str(r[i])) for r in (headers, *rows)) for i in range(len(headers))]
    for row in (headers, *rows):
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))


def growth(figures: list[Figure], rows: dict[int, int]) -> list[dict[str, object]]:
    """Each figure at the smallest and the largest scale, and how much it grew."""
    smallest, largest = min(rows), max(rows)
    by_name: dict[str, dict[int, Figure]] = {}
    for figure in figures:
        by_name.setdefault(figure.benchmark, {})[figure.scale] = figure
    found = []
    for name, scales in by_name.items():
        if smallest not in scales or largest not in scales or smallest == largest:
            continue
        low, high = scales[smallest], scales[largest]
        found.append(
            {
                "benchmark": name,
                "unit": low.unit,
                "smallest": low.value,
                "largest": high.value,
                "growth": high.value / low.value if low.value else None,
                "ratio_smallest": low.ratio,
                "ratio_largest": high.ratio,
                "rows_growth": rows[largest] / rows[smallest],
            }
        )
    return found


def print_growth(found: list[dict[str, object]], rows: dict[int, int]) -> None:
    smallest, largest = min(rows), max(rows)
    print(
        f"\ngrowth from scale {smallest} ({rows[smallest]:,} rows)"
        f" to scale {largest} ({rows[largest]:,} rows, ×{rows[largest] / rows[smallest]:,.0f}):"
    )
    for item in found:
        grown = item["growth"]
        ratios = (
            f"ratio to floor {item['ratio_smallest'] or 0:.2f}× → {item['ratio_largest'] or 0:.2f}×"
        )
        figures = f"{item['smallest']:,.2f} → {item['largest']:,.2f} {item['unit']}"
        if isinstance(grown, float):
            print(f"  {item['benchmark']}: {figures} (×{grown:,.2f}; {ratios})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="scale 1, few repeats (CI)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--scales", type=int, nargs="+", help=f"demo scales (default {SCALES})")
    parser.add_argument("--scale", type=int, help="one demo scale (same as --scales K)")
    parser.add_argument("--only", nargs="*", help="run only these sections")
    parser.add_argument("--repeats", type=int, help="repeats per figure (default 9, quick 3)")
    options = parser.parse_args()
    scales = options.scales or ([options.scale] if options.scale else None)
    scales = sorted(set(scales or ([1] if options.quick else SCALES)))
    options.repeats = options.repeats or (3 if options.quick else 9)
    load_sections()

    started = time.perf_counter()
    figures: list[Figure] = []
    rows: dict[int, int] = {}
    for scale in scales:
        options.scale = scale
        made = time.perf_counter()
        rows[scale] = row_count(demo_copy(scale))
        print(
            f"demo --scale {scale}: {rows[scale]:,} rows (made in"
            f" {time.perf_counter() - made:.0f} s)",
            file=sys.stderr,
        )
        for name, section in SECTIONS.items():
            if options.only and name not in options.only:
                continue
            print(f"… scale {scale}: {name}", file=sys.stderr)
            for figure in section(options):
                figure.scale = scale
                figures.append(figure)
    print_table(figures)
    found = growth(figures, rows)
    if len(rows) > 1:
        print_growth(found, rows)
    print(f"total {time.perf_counter() - started:.0f} s")
    if options.json:
        document = {
            "scales": scales,
            "rows": {str(scale): count for scale, count in rows.items()},
            "figures": [{**vars(f), "ratio": f.ratio} for f in figures],
            "growth": found,
        }
        options.json.write_text(json.dumps(document, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
