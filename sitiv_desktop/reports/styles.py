"""The look of the packs: page geometry, colours, paragraph styles, the one date format."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from sitiv_desktop.i18n import clock_time, format_money, format_number, format_percent
from sitiv_desktop.reports.fonts import BODY, BODY_BOLD, BODY_ITALIC, TITLE, register_fonts
from sitiv_desktop.services.briefings.common import long_date

PAGE_SIZE = A4
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 27 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

NAVY = colors.HexColor("#1F3A5F")
SLATE = colors.HexColor("#4A5568")
MUTED = colors.HexColor("#718096")
RULE = colors.HexColor("#C3CAD5")
ZEBRA = colors.HexColor("#F3F5F8")
ACCENT = colors.HexColor("#B8862B")
ALERT = colors.HexColor("#A4262C")
GOOD = colors.HexColor("#2F6B3F")
BAR_BACK = colors.HexColor("#E2E6EC")
WATERMARK = colors.HexColor("#A4262C")
SERIES = (NAVY, ACCENT, colors.HexColor("#6B8CAE"), colors.HexColor("#9AA5B1"))


def pack_date(value: dt.date) -> str:
    """The one date format of every pack: « 20 janvier 2015 », « 1er mars 2026 », never split
    across two lines."""
    return long_date(value)


def pack_time(value: dt.datetime | dt.time) -> str:
    """« 9 h 30 », « 14 h »."""
    return clock_time(value)


def pack_money(value: Decimal | None) -> str:
    return format_money(value) if value is not None else "—"


def pack_number(value: int | Decimal) -> str:
    return format_number(value)


def pack_percent(value: int) -> str:
    return format_percent(value)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    empty: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_header: ParagraphStyle
    cell_header_right: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    cover_kicker: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_detail: ParagraphStyle
    figure_value: ParagraphStyle
    figure_label: ParagraphStyle
    point: ParagraphStyle
    toc_title: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]


def make_styles() -> Styles:
    register_fonts()
    # No word is ever cut: reportlab would otherwise split a word too long for its column
    # anywhere (« Abandonn/é »), an e-mail address at any letter; no hyphenation either.
    body = ParagraphStyle(
        "body", fontName=BODY, fontSize=9.5, leading=13, spaceAfter=4, splitLongWords=0
    )
    cell = ParagraphStyle("cell", fontName=BODY, fontSize=8.5, leading=10.5, splitLongWords=0)
    header = ParagraphStyle("cell_header", parent=cell, fontName=BODY_BOLD, textColor=colors.white)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=11),
        muted=ParagraphStyle("muted", parent=body, fontSize=8.5, leading=11, textColor=SLATE),
        empty=ParagraphStyle(
            "empty", parent=body, fontName=BODY_ITALIC, textColor=SLATE, spaceBefore=2
        ),
        cell=cell,
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        cell_header=header,
        cell_header_right=ParagraphStyle("cell_header_right", parent=header, alignment=TA_RIGHT),
        h1=ParagraphStyle(
            "h1",
            fontName=TITLE,
            fontSize=17,
            leading=21,
            textColor=NAVY,
            spaceBefore=6,
            spaceAfter=8,
            keepWithNext=1,
        ),
        h2=ParagraphStyle(
            "h2",
            fontName=BODY_BOLD,
            fontSize=11.5,
            leading=15,
            textColor=NAVY,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        h3=ParagraphStyle(
            "h3",
            fontName=BODY_BOLD,
            fontSize=9.5,
            leading=13,
            textColor=SLATE,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        ),
        cover_kicker=ParagraphStyle(
            "cover_kicker", fontName=BODY_BOLD, fontSize=10, leading=14, textColor=ACCENT
        ),
        cover_title=ParagraphStyle(
            "cover_title", fontName=TITLE, fontSize=30, leading=36, textColor=NAVY, spaceAfter=8
        ),
        cover_subtitle=ParagraphStyle(
            "cover_subtitle", fontName=BODY, fontSize=15, leading=20, textColor=SLATE
        ),
        cover_detail=ParagraphStyle(
            "cover_detail", fontName=BODY, fontSize=10.5, leading=15, textColor=colors.black
        ),
        figure_value=ParagraphStyle(
            "figure_value",
            fontName=TITLE,
            fontSize=20,
            leading=24,
            textColor=NAVY,
            alignment=TA_CENTER,
        ),
        figure_label=ParagraphStyle(
            "figure_label",
            fontName=BODY,
            fontSize=8.5,
            leading=10.5,
            textColor=SLATE,
            alignment=TA_CENTER,
        ),
        point=ParagraphStyle(
            "point", parent=body, leftIndent=12, bulletIndent=2, bulletFontName=BODY
        ),
        toc_title=ParagraphStyle(
            "toc_title", fontName=TITLE, fontSize=17, leading=21, textColor=NAVY, spaceAfter=10
        ),
        toc_levels=(
            ParagraphStyle(
                "toc0",
                fontName=BODY_BOLD,
                fontSize=10.5,
                leading=15,
                leftIndent=0,
                firstLineIndent=0,
                spaceBefore=4,
                alignment=TA_LEFT,
            ),
            ParagraphStyle(
                "toc1",
                fontName=BODY,
                fontSize=9.5,
                leading=12.5,
                leftIndent=14,
                firstLineIndent=0,
                alignment=TA_LEFT,
            ),
        ),
    )
