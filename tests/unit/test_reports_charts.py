"""The packs' charts, drawn into a real PDF and read back with where each text is printed."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from pypdf import PdfReader
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.graphics.widgetbase import Widget
from reportlab.platypus import SimpleDocTemplate

from sitiv_desktop.i18n import format_whole_money
from sitiv_desktop.reports.flowables import column_chart, paired_bar_chart
from sitiv_desktop.reports.fonts import register_fonts


def printed(drawing: Drawing) -> list[tuple[str, float, float]]:
    """Each text of the drawing's page as the PDF prints it, with its position (x, y)."""
    register_fonts()
    stream = io.BytesIO()
    SimpleDocTemplate(stream).build([drawing])
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            found.append((text.strip(), cm[4] + tm[4], cm[5] + tm[5]))

    PdfReader(stream).pages[0].extract_text(visitor_text=visit)
    return found


def strings(drawing: Drawing) -> list[str]:
    """The texts the drawing holds, its charts drawn, before any PDF writer sees them."""

    def walk(node: Any) -> list[str]:
        if isinstance(node, String):
            return [node.text]
        if isinstance(node, Widget):  # a chart: the shapes it draws
            return walk(node.draw())
        if isinstance(node, Group):
            return [text for child in node.contents for text in walk(child)]
        return []

    return walk(drawing)


def test_paired_bars_read_from_the_top_in_the_legend_order() -> None:
    drawing = paired_bar_chart(["Givors", "Corbas"], [7, 9], [3, 4], ("pris", "tenus"), "Titre")
    texts = printed(drawing)

    def where(text: str) -> tuple[float, float]:
        (position,) = [(x, y) for shown, x, y in texts if shown == text]
        return position

    # The legend reads « pris » then « tenus », left to right…
    assert where("pris")[0] < where("tenus")[0]
    # …and so do each name's bars from the top: made (7, 9) above kept (3, 4).
    assert where("7")[1] > where("3")[1]
    assert where("9")[1] > where("4")[1]
    # The first name at the top, as the table under the chart reads.
    assert where("Givors")[1] > where("Corbas")[1]


def test_a_chart_writes_its_amounts_as_the_text_does() -> None:
    drawing = column_chart(
        ["2026", "2027"],
        [Decimal("438362.40"), Decimal(0)],
        "Montants en euros",
        format_whole_money,
        "Crédits de paiement",
    )
    held = strings(drawing)
    # The axis starts at « 0 € », a no-break space before the sign, as every amount of the text.
    assert "0\u00a0€" in held and "0€" not in held
    assert "438\u202f362\u00a0€" in held  # the bar's label, rounded to the euro
    assert all(text.endswith("\u00a0€") for text in held if "€" in text)
    shown = [text for text, _x, _y in printed(drawing)]
    assert "0 €" in shown and "400 000 €" in [text.replace("\u202f", " ") for text in shown]
