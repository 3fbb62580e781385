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
from tests.benchmarks.common import Figure, demo_copy, median_seconds, paired


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
    """reportlab's platypus laying out ``pages`` pages of a plain 30-row table of strings in
    Helvetica: the old floor, shown beside the other for comparison. The packs embed a TTF font
    and set every text cell as a Paragraph, which this floor does not."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table

    story: list[object] = []
    for page in range(pages):
        rows = [[f"{page}.{row}", f"Ligne {row} du tableau", f"{row * 1234.5:,.2f} €"]
                for row in range(30)]  # fmt: skip
        story += [Table(rows), PageBreak()]
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build(story[:-1])  # type: ignore[arg-type]


def paragraph_tables(pages: int) -> None:
    """The floor: reportlab's platypus laying out ``pages`` A4 pages of what a pack's pages
    hold, with no data behind them: one table a page whose text cells are Paragraphs in the
    packs' embedded TTF fonts (subset into the PDF), the header row in bold, a first cell of a
    title and a line of smaller grey type under it, amounts right-aligned, a zebra background:
    as full a page as the packs' commitment pages."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    from sitiv_desktop.reports.fonts import BODY, BODY_BOLD, register_fonts

    register_fonts()
    cell = ParagraphStyle("cell", fontName=BODY, fontSize=8.5, leading=10.5)
    header = ParagraphStyle("header", parent=cell, fontName=BODY_BOLD, textColor=colors.white)
    story: list[object] = []
    for page in range(pages):
        rows: list[list[object]] = [
            [Paragraph(text, header) for text in ("Objet", "Échéance", "Responsable", "Projet")]
        ]
        for row in range(12):
            title = (
                f"Engagement {page}.{row} : déploiement de la fibre à l’école élémentaire"
                '<br/><font size="7.5" color="#4A5568">Pris lors d’un échange avec la commune,'
                " demandé par le maire.</font>"
            )
            rows.append(
                [
                    Paragraph(title, cell),
                    Paragraph(f"{1 + row % 28} mars 2025", cell),
                    Paragraph("Service numérique", cell),
                    f"{row * 1234.5:,.2f} €".replace(",", "\u00a0"),
                ]
            )
        table = Table(rows, colWidths=[70 * mm, 30 * mm, 30 * mm, 40 * mm], repeatRows=1)
        commands: list[tuple[object, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), colors.navy),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.lightgrey),
            ("FONTNAME", (0, 0), (-1, -1), BODY),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("ALIGN", (3, 1), (3, -1), "RIGHT"),
        ]
        commands += [
            ("BACKGROUND", (0, index), (-1, index), colors.whitesmoke)
            for index in range(2, len(rows), 2)
        ]
        table.setStyle(TableStyle(commands))  # type: ignore[arg-type]
        story += [table, PageBreak()]
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build(story[:-1])  # type: ignore[arg-type]


def measure(
    data_dir: Path, kind: str, repeats: int, **target: object
) -> tuple[float, float, int, float]:
    """The pack's median seconds, the floor's for the same page count, the page count, and
    the old floor's (plain strings in Helvetica)."""
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
        seconds, floor = paired(build, lambda: paragraph_tables(pages), repeats)
        plain = median_seconds(lambda: plain_tables(pages), repeats)
    finally:
        context.close()
    return seconds, floor, pages, plain


def section(options: argparse.Namespace) -> list[Figure]:
    data_dir = demo_copy(options.scale)
    repeats = max(3, options.repeats // 3)
    figures = []
    for name, kind, target in (
        ("mayor meeting pack", "meeting", {"meeting": _next_mayor_meeting(data_dir)}),
        ("New Year pack", "voeux", {"year": dt.date.today().year - 1}),
    ):
        seconds, floor, pages, plain = measure(data_dir, kind, repeats, **target)
        figures.append(
            Figure(
                name, seconds, "s", floor=floor,
                floor_label="reportlab, tables of Paragraphs in the packs' TTF fonts",
                target="≤ 3× the floor", met=seconds <= 3 * floor,
                note=f"{pages} pages, {pages / seconds:.0f} pages/s; plain Helvetica tables"
                f" {plain:.2f} s ({seconds / plain:.0f}×)",
            )
        )  # fmt: skip
    return figures
