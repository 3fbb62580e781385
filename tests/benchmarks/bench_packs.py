"""Briefing packs at scale: gathering plus PDF, beside reportlab drawing as many pages of plain
tables in the same run (the floor), timed in turn."""

from __future__ import annotations

import argparse
import datetime as dt
import io
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from sitiv_desktop.context import open_context
from sitiv_desktop.domain.enums import MeetingKind, MeetingStatus
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.packs import build_pack
from sitiv_desktop.services.briefings import gather_pack
from sitiv_desktop.store import models
from tests.benchmarks.common import Figure, demo_copy, paired


def _next_mayor_meeting(data_dir: Path) -> str:
    context = open_context(data_dir)
    try:
        with context.database.read_session() as session:
            meeting_id = session.scalars(
                select(models.Meeting.id)
                .where(
                    models.Meeting.kind == MeetingKind.MAYOR_MEETING.value,
                    models.Meeting.status == MeetingStatus.PLANNED.value,
                )
                .order_by(models.Meeting.starts_at)
                .limit(1)
            ).one()
    finally:
        context.close()
    return str(meeting_id)


def plain_tables(pages: int) -> None:
    """The floor: reportlab's platypus laying out ``pages`` pages of a plain 30-row table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table

    story: list[object] = []
    for page in range(pages):
        rows = [[f"{page}.{row}", f"Ligne {row} du tableau", f"{row * 1234.5:,.2f} €"]
                for row in range(30)]  # fmt: skip
        story += [Table(rows), PageBreak()]
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build(story[:-1])  # type: ignore[arg-type]


def measure(data_dir: Path, kind: str, repeats: int, **target: object) -> tuple[float, float, int]:
    """The pack's median seconds, the floor's for the same page count, and the page count."""
    context = open_context(data_dir)
    pages = 0
    try:

        def build() -> None:
            nonlocal pages
            with context.database.read_session() as session:
                data = gather_pack(session, kind, **target)  # type: ignore[arg-type]
            stream = io.BytesIO()
            build_pack(data, stream, BuildOptions())
            pages = len(PdfReader(io.BytesIO(stream.getvalue())).pages)

        build()
        seconds, floor = paired(build, lambda: plain_tables(pages), repeats)
    finally:
        context.close()
    return seconds, floor, pages


def section(options: argparse.Namespace) -> list[Figure]:
    data_dir = demo_copy(options.scale)
    repeats = max(3, options.repeats // 3)
    figures = []
    for name, kind, target in (
        ("mayor meeting pack", "meeting", {"meeting": _next_mayor_meeting(data_dir)}),
        ("New Year pack", "voeux", {"year": dt.date.today().year - 1}),
    ):
        seconds, floor, pages = measure(data_dir, kind, repeats, **target)
        figures.append(
            Figure(
                name, seconds, "s", floor=floor, floor_label="reportlab, plain tables",
                target="≤ 3× the floor", met=seconds <= 3 * floor,
                note=f"{pages} pages, {pages / seconds:.0f} pages/s",
            )
        )  # fmt: skip
    return figures
