"""The embedded fonts of the packs, read from ``resources/fonts`` and registered once.

DejaVu Sans Condensed carries every character the data and Babel's French formatting produce
(accents, œ, €, « », the no-break and narrow no-break spaces, dashes, the ellipsis), so no
glyph is ever missing; it is embedded as a subset, never replaced by a viewer's font.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

BODY = "SitivSans"
BODY_BOLD = "SitivSans-Bold"
BODY_ITALIC = "SitivSans-Italic"
TITLE = "SitivSerif-Bold"

_FILES = {
    BODY: "DejaVuSansCondensed.ttf",
    BODY_BOLD: "DejaVuSansCondensed-Bold.ttf",
    BODY_ITALIC: "DejaVuSansCondensed-Oblique.ttf",
    TITLE: "DejaVuSerifCondensed-Bold.ttf",
}


def font_file(name: str) -> Path:
    """The TTF file of one of our font names."""
    return Path(str(resources.files("sitiv_desktop") / "resources" / "fonts" / _FILES[name]))


@cache
def register_fonts() -> None:
    """Register the fonts with reportlab (once per process)."""
    for name in _FILES:
        pdfmetrics.registerFont(TTFont(name, str(font_file(name))))
    # <b> and <i> in paragraph markup pick the right face of the family.
    addMapping(BODY, 0, 0, BODY)
    addMapping(BODY, 1, 0, BODY_BOLD)
    addMapping(BODY, 0, 1, BODY_ITALIC)
    addMapping(BODY, 1, 1, BODY_BOLD)


def missing_characters(text: str, name: str = BODY) -> set[str]:
    """The characters of ``text`` that the font cannot draw (line breaks aside)."""
    register_fonts()
    font = pdfmetrics.getFont(name)
    char_to_glyph: dict[int, int] = font.face.charToGlyph  # type: ignore[attr-defined]
    return {c for c in text if c not in "\n\r\t" and ord(c) not in char_to_glyph}
