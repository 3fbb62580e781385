"""Imports and exports at size, each beside its floor measured in the same run.

- Import: a CSV of N new commitments (50,000 by default), checked on a snapshot without the
  write lock, then written set-wise. Floor: the same rows inserted set-wise in one transaction
  (executemany on the same table, with its triggers). The lock is held only while writing.
- Export: the N commitments to xlsx, streamed in write-only mode. Floor: openpyxl's write-only
  mode appending the same values, unstyled. Peak memory (tracemalloc) at N/5 and N rows shows
  whether it stays flat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sqlite3
import time
import tracemalloc
import uuid
from pathlib import Path

from tests.benchmarks.common import Figure


def _csv(path: Path, rows: int) -> None:
    lines = ["Commune;Engagement;Pris le;Échéance;Statut;Responsable;Description"]
    for number in range(rows):
        day = dt.date(2015, 1, 1) + dt.timedelta(days=number % 3000)
        lines.append(
            f"Givors;Engagement numéro {number};{day:%d/%m/%Y};;Ouvert;Le DSI;"
            f"Texte de l’engagement {number}, assez long pour ressembler aux vrais"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fresh(folder: Path) -> object:
    from tests.unit.transfer_data import empty_copy

    return empty_copy(folder)


def import_figures(rows: int, folder: Path) -> list[Figure]:
    from sitiv_desktop.domain.transfers import ImportKind
    from sitiv_desktop.services.imports import plan_import, read_import_file

    source = folder / "engagements.csv"
    _csv(source, rows)
    context = _fresh(folder / "import")
    database = context.database  # type: ignore[attr-defined]
    started = time.perf_counter()
    sheet = read_import_file(source)
    with database.read_session() as session:
        plan = plan_import(session, ImportKind.COMMITMENTS, sheet)
    checked = time.perf_counter()
    with database.session() as session:
        plan.writes.apply(session)
    written = time.perf_counter()
    assert plan.preview.created == rows and not plan.preview.problems

    floor_context = _fresh(folder / "floor")
    floor_database = floor_context.database  # type: ignore[attr-defined]
    with floor_database.read_session() as session:
        from sqlalchemy import select

        from sitiv_desktop.store import models

        commune_id = session.scalar(
            select(models.Commune.id).where(models.Commune.name == "Givors")
        )
    rows_to_insert = [
        (
            uuid.uuid4().hex,
            commune_id.hex,  # type: ignore[union-attr]
            f"Engagement numéro {n}",
            "Texte",
            "",
            "Le DSI",
            (dt.date(2015, 1, 1) + dt.timedelta(days=n % 3000)).isoformat(),
            "open",
        )
        for n in range(rows)
    ]
    floor_started = time.perf_counter()
    raw = sqlite3.connect(floor_context.paths.database, isolation_level=None)  # type: ignore[attr-defined]
    raw.execute("BEGIN IMMEDIATE")
    raw.executemany(
        "INSERT INTO commitments (id, commune_id, title, description, promised_by, responsible,"
        " made_on, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows_to_insert,
    )
    raw.execute("COMMIT")
    raw.close()
    floor = time.perf_counter() - floor_started
    floor_context.close()  # type: ignore[attr-defined]
    total = written - started
    lock = written - checked
    figures = [
        Figure(
            "import commitments (CSV), whole",
            total,
            "s",
            floor,
            "set-wise insert",
            "≤ 30 s",
            total <= 30,
            f"{rows:,} new rows",
        ),
        Figure(
            "import commitments, write lock held",
            lock,
            "s",
            floor,
            "set-wise insert",
            "≤ 2× floor",
            lock <= 2 * floor,
            f"checking {checked - started:.1f} s without the lock",
        ),
    ]
    figures += export_figures(context, rows)
    context.close()  # type: ignore[attr-defined]
    return figures


def _export(context: object, stream: io.BytesIO) -> None:
    from sitiv_desktop.services.spreadsheets import commitments_table, write_xlsx

    with context.database.read_session() as session:  # type: ignore[attr-defined]
        table = commitments_table(session)
    write_xlsx([table], stream)


def _floor(context: object, stream: io.BytesIO) -> None:
    from openpyxl import Workbook

    from sitiv_desktop.services.spreadsheets import commitments_table

    with context.database.read_session() as session:  # type: ignore[attr-defined]
        table = commitments_table(session)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Engagements")
    for row in table.rows:
        sheet.append(list(row))
    workbook.save(stream)


def export_figures(context: object, rows: int) -> list[Figure]:
    timings = {}
    for name, work in (("export", _export), ("floor", _floor)):
        started = time.perf_counter()
        work(context, io.BytesIO())
        timings[name] = time.perf_counter() - started
    tracemalloc.start()
    _export(context, io.BytesIO())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    _floor(context, io.BytesIO())
    _current, floor_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return [
        Figure(
            "export commitments to xlsx",
            timings["export"],
            "s",
            timings["floor"],
            "plain write-only",
            "≤ 1.5× floor",
            timings["export"] <= 1.5 * timings["floor"],
            f"{rows:,} rows",
        ),
        Figure(
            "export commitments, peak memory",
            peak / 2**20,
            "MiB",
            floor_peak / 2**20,
            "plain write-only",
            "≤ 1.5× floor",
            peak <= 1.5 * floor_peak,
            "both hold the rows read from the store; the workbook streams",
        ),
    ]


def section(options: argparse.Namespace) -> list[Figure]:
    import tempfile

    rows = 5_000 if getattr(options, "quick", False) else 50_000
    with tempfile.TemporaryDirectory(prefix="sitiv-bench-transfers-") as folder:
        return import_figures(rows, Path(folder))


if __name__ == "__main__":
    import sys

    for figure in section(argparse.Namespace(quick="--quick" in sys.argv)):
        print(figure)
