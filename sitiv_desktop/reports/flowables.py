"""The building blocks of the packs: escaped paragraphs, headings with bookmarks, tables that
repeat their header, key figures, progress bars and charts.

Text is escaped by default: whatever a user typed is shown as typed. Paragraph markup goes
through :func:`markup`, an explicit call, and nowhere else.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from sitiv_desktop.reports.fonts import BODY, BODY_BOLD
from sitiv_desktop.reports.styles import (
    BAR_BACK,
    FRAME_WIDTH,
    GOOD,
    NAVY,
    RULE,
    SERIES,
    SLATE,
    ZEBRA,
    Styles,
    pack_percent,
)


class Markup(str):
    """Paragraph markup written by the program, which :func:`para` keeps as it is."""


def markup(template: str, **values: str) -> Markup:
    """Markup from a template whose ``{name}`` values are escaped before they go in."""
    return Markup(template.format(**{key: escape_text(value) for key, value in values.items()}))


def escape_text(value: str) -> str:
    """User text made safe for paragraph markup; its line breaks are kept."""
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


class _Paragraph(Paragraph):
    """A paragraph that breaks its lines once per width.

    A table lays its cells out to measure its rows, again for each piece it is split into at
    a page end, and again to draw them: for the same width the lines are the same, so they are
    kept from the first time.
    """

    _broken: tuple[float, Any, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        broken = self._broken
        if broken is not None and broken[0] == availWidth:
            self.width, self.blPara, self.height = availWidth, broken[1], broken[2]
            return availWidth, broken[2]
        width, height = super().wrap(availWidth, availHeight)
        if width == availWidth:  # not the « cannot fit here » answer
            self._broken = (availWidth, self.blPara, height)
        return width, height


def para(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped), or of markup made by :func:`markup`.

    Reportlab breaks lines at a narrow no-break space (U+202F, Babel's digit group separator
    in French) and prints it as a plain space; inside paragraphs it becomes a no-break space,
    which reportlab keeps, so that « 1 234 567,89 € » never splits across two lines.
    """
    text = value if isinstance(value, Markup) else escape_text(value)
    return _Paragraph(text.replace("\u202f", "\u00a0"), style)


class SectionHeading(Paragraph):
    """A heading that the document turns into a table of contents entry and a bookmark.

    ``level`` 0 is a section, 1 a subsection. ``commune`` names the commune a section is about
    (one page per commune), for the page header.
    """

    _keys = itertools.count(1)

    def __init__(
        self,
        title: str,
        style: ParagraphStyle,
        level: int = 0,
        commune: str | None = None,
        in_contents: bool = True,
    ) -> None:
        super().__init__(escape_text(title), style)
        self.title = title
        self.level = level
        self.commune = commune
        self.in_contents = in_contents
        # Keys come from the order of headings, never from chance: same data, same bytes.
        self.key = f"section-{next(self._keys)}"

    def draw(self) -> None:
        super().draw()
        self.canv.bookmarkHorizontal(self.key, 0, self.height)


def reset_heading_keys() -> None:
    """Number heading keys from 1 again, so each pack's keys depend on the pack alone."""
    SectionHeading._keys = itertools.count(1)


def fitted(value: str, style: ParagraphStyle, width: float) -> Paragraph:
    """One unbreakable piece of text (an e-mail address) on one line, in smaller type if it
    would not fit ``width`` otherwise."""
    size = style.fontSize
    while size > 6 and stringWidth(value, style.fontName, size) > width:
        size -= 0.5
    return para(value, ParagraphStyle(f"{style.name}-{size}", parent=style, fontSize=size))


def empty_note(sentence: str, styles: Styles) -> Paragraph:
    """What an empty section says instead of vanishing or showing an empty table."""
    return para(sentence, styles.empty)


def data_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    widths: Sequence[float],
    styles: Styles,
    right_columns: Sequence[int] = (),
    total_row: bool = False,
) -> Table:
    """A table whose text cells wrap and whose header repeats on every page it spans.

    Cells of ``right_columns`` (amounts, counts) are set on one line, right-aligned: French
    digit groups are separated by a narrow no-break space, which must never break a line.
    """
    header_cells = [
        para(text, styles.cell_header_right if index in right_columns else styles.cell_header)
        for index, text in enumerate(headers)
    ]
    body = [
        [
            cell if index in right_columns or not isinstance(cell, str) else para(cell, styles.cell)
            for index, cell in enumerate(row)
        ]
        for row in rows
    ]
    table = Table([header_cells, *body], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("FONTNAME", (0, 0), (-1, -1), BODY),
        ("FONTSIZE", (0, 0), (-1, -1), styles.cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), styles.cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), colors.black),
    ]
    for column in right_columns:
        commands.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
    for index in range(1, len(body) + 1):
        if index % 2 == 0:
            commands.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
    if total_row and body:
        commands += [
            ("LINEABOVE", (0, -1), (-1, -1), 0.9, NAVY),
            ("BACKGROUND", (0, -1), (-1, -1), colors.white),
            ("FONTNAME", (0, -1), (-1, -1), BODY_BOLD),
        ]
    table.setStyle(TableStyle(commands))
    return table


def key_figures(figures: Sequence[tuple[str, str]], styles: Styles, columns: int = 4) -> Table:
    """Large figures with their label under them, in a grid of boxes."""
    cells = [
        [para(value, styles.figure_value), para(label, styles.figure_label)]
        for value, label in figures
    ]
    while len(cells) % columns:
        cells.append([para("", styles.figure_value), para("", styles.figure_label)])
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    width = FRAME_WIDTH / columns
    table = Table(rows, colWidths=[width] * columns, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("FONTNAME", (0, 0), (-1, -1), BODY),
            ]
        )
    )
    return table


class ProgressCell(Flowable):
    """A thin bar with the percentage beside it, for a table cell."""

    def __init__(self, percent: int, width: float = 24 * mm) -> None:
        super().__init__()
        self.percent = max(0, min(100, percent))
        self.bar_width = width - 11 * mm
        self.width = width
        self.height = 9

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(BAR_BACK)
        canvas.rect(0, 2, self.bar_width, 5, stroke=0, fill=1)
        canvas.setFillColor(GOOD if self.percent == 100 else NAVY)
        canvas.rect(0, 2, self.bar_width * self.percent / 100, 5, stroke=0, fill=1)
        canvas.setFillColor(SLATE)
        canvas.setFont(BODY, 8)
        canvas.drawRightString(self.width, 1.5, pack_percent(self.percent))


def _axis_fonts(chart: VerticalBarChart | HorizontalBarChart) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = BODY
        axis.labels.fontSize = 7.5
        axis.labels.fillColor = SLATE
        axis.strokeColor = RULE
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.valueAxis.visibleGrid = 1


def _nice_step(maximum: float) -> float:
    """A round value step giving about four grid lines."""
    if maximum <= 0:
        return 1.0
    raw = maximum / 4
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 5, 10):  # never 2.5: its ticks would be labelled 2, 5, 7…
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def _drawing(height: float) -> Drawing:
    """A drawing whose text starts in our embedded font, not reportlab's Helvetica."""
    drawing = Drawing(FRAME_WIDTH, height)
    drawing.initialFontName = BODY  # type: ignore[attr-defined]
    return drawing


def column_chart(
    categories: Sequence[str],
    values: Sequence[Decimal],
    value_label: str,
    format_value: Callable[[float], str],
    caption: str,
    height: float = 62 * mm,
) -> Drawing:
    """One series of columns (CP per year), each labelled with its amount."""
    drawing = _drawing(height)
    chart = VerticalBarChart()
    chart.x, chart.y = int(22 * mm), int(12 * mm)
    chart.width, chart.height = int(FRAME_WIDTH - 30 * mm), int(height - 24 * mm)
    chart.data = [[float(v) for v in values]]
    chart.categoryAxis.categoryNames = list(categories)
    chart.bars[0].fillColor = NAVY
    chart.bars[0].strokeColor = None
    chart.barWidth = 10
    chart.groupSpacing = 14
    maximum = max((float(v) for v in values), default=0.0)
    step = _nice_step(maximum)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = step * 4 if maximum <= step * 4 else step * 5
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = format_value
    _axis_fonts(chart)
    chart.barLabelFormat = format_value
    chart.barLabels.fontName = BODY
    chart.barLabels.fontSize = 7
    chart.barLabels.fillColor = SLATE
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(0, height - 8, caption, fontName=BODY_BOLD, fontSize=8.5, fillColor=NAVY))
    drawing.add(String(0, 2, value_label, fontName=BODY, fontSize=7, fillColor=SLATE))
    return drawing


def paired_bar_chart(
    names: Sequence[str],
    first: Sequence[int],
    second: Sequence[int],
    legend: tuple[str, str],
    caption: str,
) -> Drawing:
    """Two series of horizontal bars per name (commitments made and kept, by commune)."""
    row_height = 26
    height = max(60 * mm, len(names) * row_height + 30 * mm)
    drawing = _drawing(height)
    chart = HorizontalBarChart()
    chart.x, chart.y = int(38 * mm), int(14 * mm)
    chart.width, chart.height = int(FRAME_WIDTH - 48 * mm), int(height - 26 * mm)
    # The first name at the top, as a table reads.
    chart.categoryAxis.categoryNames = list(reversed(names))
    # Within a name, reportlab draws the first series lowest: the second goes first, so that
    # the bars read from the top in the legend's order (made, then kept).
    chart.data = [[float(v) for v in reversed(second)], [float(v) for v in reversed(first)]]
    for index, colour in enumerate((SERIES[1], SERIES[0])):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 5
    maximum = max([*first, *second, 1])
    step = max(1.0, _nice_step(maximum))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * (int(maximum / step) + 1)
    chart.valueAxis.labelTextFormat = "%d"
    _axis_fonts(chart)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = BODY
    chart.barLabels.fontSize = 7
    chart.barLabels.fillColor = SLATE
    chart.barLabels.nudge = 6
    drawing.add(chart)
    key = Legend()
    key.x, key.y = chart.x, 5
    key.alignment = "right"
    key.columnMaximum = 1
    key.deltax = int(60 * mm)
    key.fontName = BODY
    key.fontSize = 8
    key.boxAnchor = "sw"
    key.dx = key.dy = 7
    key.colorNamePairs = [(SERIES[0], legend[0]), (SERIES[1], legend[1])]
    drawing.add(key)
    drawing.add(String(0, height - 8, caption, fontName=BODY_BOLD, fontSize=8.5, fillColor=NAVY))
    return drawing
