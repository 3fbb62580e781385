"""Briefing packs at scale: gathering plus PDF, in seconds and pages per second."""

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
from tests.benchmarks.common import Figure, demo_copy, median_seconds


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


def measure(data_dir: Path, kind: str, repeats: int, **target: object) -> tuple[float, int]:
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

        seconds = median_seconds(build, repeats)
    finally:
        context.close()
    return seconds, pages


def section(options: argparse.Namespace) -> list[Figure]:
    data_dir = demo_copy(options.scale)
    repeats = max(3, options.repeats // 3)
    meeting_s, meeting_pages = measure(
        data_dir, "meeting", repeats, meeting=_next_mayor_meeting(data_dir)
    )
    voeux_s, voeux_pages = measure(data_dir, "voeux", repeats, year=dt.date.today().year - 1)
    return [
        Figure(
            "mayor meeting pack",
            meeting_s,
            "s",
            target="≤ 0.5 s",
            met=meeting_s <= 0.5,
            note=f"{meeting_pages} pages, {meeting_pages / meeting_s:.0f} pages/s",
        ),
        Figure(
            "New Year pack",
            voeux_s,
            "s",
            target="≤ 3 s",
            met=voeux_s <= 3,
            note=f"{voeux_pages} pages, {voeux_pages / voeux_s:.0f} pages/s",
        ),
    ]
