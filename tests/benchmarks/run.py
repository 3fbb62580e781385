"""Run every benchmark, print a table of figures and ratios, and write them as JSON.

    python tests/benchmarks/run.py [--quick] [--json FILE] [--scale K]

Each figure is set beside a floor measured in the same run, since shared machines drift.
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


def search_section(options: argparse.Namespace) -> list[Figure]:
    from tests.benchmarks import bench_search

    return bench_search.run(demo_copy(options.scale), options.repeats)


SECTIONS: dict[str, Section] = {"search": search_section}


def optional_sections() -> None:
    """Sections whose code may be absent from a partial checkout are added when importable."""
    for name in ("bench_sync", "bench_packs", "bench_window", "bench_transfers"):
        try:
            module = __import__(f"tests.benchmarks.{name}", fromlist=["section"])
        except ImportError:
            continue
        SECTIONS[name.removeprefix("bench_")] = module.section


def print_table(figures: list[Figure]) -> None:
    headers = ("benchmark", "figure", "floor", "ratio", "target", "met", "note")
    rows = []
    for f in figures:
        floor = f"{f.floor:,.1f} ({f.floor_label})" if f.floor is not None else ""
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
        met = {True: "yes", False: "NO", None: ""}[f.met]
        rows.append((f.benchmark, f"{f.value:,.2f} {f.unit}", floor, ratio, f.target, met, f.note))
    widths = [max(len(str(r[i])) for r in (headers, *rows)) for i in range(len(headers))]
    for row in (headers, *rows):
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small data, few repeats (CI)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--scale", type=int, default=None, help="demo scale (default 100)")
    parser.add_argument("--only", nargs="*", help="run only these sections")
    options = parser.parse_args()
    options.scale = options.scale or (1 if options.quick else 100)
    options.repeats = 3 if options.quick else 15
    optional_sections()

    started = time.perf_counter()
    rows = row_count(demo_copy(options.scale))
    print(f"demo --scale {options.scale}: {rows:,} rows")
    figures: list[Figure] = []
    for name, section in SECTIONS.items():
        if options.only and name not in options.only:
            continue
        print(f"… {name}", file=sys.stderr)
        figures.extend(section(options))
    print_table(figures)
    print(f"total {time.perf_counter() - started:.0f} s")
    if options.json:
        document = {"scale": options.scale, "rows": rows, "figures": [vars(f) for f in figures]}
        options.json.write_text(json.dumps(document, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
