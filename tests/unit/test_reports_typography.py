"""French typography with no missing glyph, fonts embedded, user text escaped."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle

from sitiv_desktop.i18n import format_date, format_money
from sitiv_desktop.reports.agenda import write_agenda
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.flowables import markup, para
from sitiv_desktop.reports.fonts import BODY, BODY_BOLD, BODY_ITALIC, TITLE, missing_characters
from sitiv_desktop.reports.meeting_pack import write_meeting_pack
from sitiv_desktop.reports.voeux_pack import write_voeux_pack
from sitiv_desktop.services.briefings import (
    agenda_pack_data,
    meeting_pack_data,
    voeux_pack_data,
)
from sitiv_desktop.store.database import Database
from tests.unit.reports_data import PackIds, make_pack_data, page_texts

FRENCH = "àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔŒÆ€«»\u00a0\u202f…–—’“”°"


@pytest.fixture
def packs(database: Database) -> dict[str, bytes]:
    with database.session() as session:
        ids: PackIds = make_pack_data(session)
    with database.read_session() as session:
        writers: list[tuple[str, Callable[..., None], object]] = [
            ("meeting", write_meeting_pack, meeting_pack_data(session, ids.meeting)),
            ("voeux", write_voeux_pack, voeux_pack_data(session, 2014)),
            ("agenda", write_agenda, agenda_pack_data(session, ids.meeting)),
        ]
    built = {}
    for name, write, data in writers:
        stream = io.BytesIO()
        write(data, stream, BuildOptions(draft=True))
        built[name] = stream.getvalue()
    return built


@pytest.mark.parametrize("font", [BODY, BODY_BOLD, BODY_ITALIC, TITLE])
def test_every_font_has_every_french_character(font: str) -> None:
    produced = format_money(1234567.89) + format_date(__import__("datetime").date(2015, 1, 20))
    assert missing_characters(FRENCH + produced, font) == set()


def test_no_glyph_is_missing_from_any_pack(packs: dict[str, bytes]) -> None:
    for name, pdf in packs.items():
        text = "".join(page_texts(pdf))
        assert missing_characters(text) == set(), name


def test_every_font_is_embedded(packs: dict[str, bytes], tmp_path: Path) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    for name, pdf in packs.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        listing = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert listing, name
        for line in listing:
            assert "DejaVu" in line, line
            # Columns: name, type, encoding, emb, sub, uni.
            assert line.split()[-5:-2] == ["yes", "yes", "yes"], line


def test_text_is_escaped_and_markup_is_explicit() -> None:
    style = ParagraphStyle("test", fontName=BODY)
    typed = para("<b>R&D</b> « x »", style)
    assert typed.getPlainText() == "<b>R&D</b> « x »"
    made = para(markup("<b>{name}</b>", name="<i>Givors & co</i>"), style)
    assert made.getPlainText() == "<i>Givors & co</i>"


def test_an_amount_never_splits_across_lines() -> None:
    style = ParagraphStyle("test", fontName=BODY, fontSize=10, leading=12)
    amount = format_money(1234567.89)
    paragraph = para(f"Annoncer {amount} de crédits", style)
    paragraph.wrap(75, 1000)  # narrow enough that a space inside the amount would break
    lines = [" ".join(str(word) for word in line[1]) for line in paragraph.blPara.lines]
    assert any("1\u00a0234\u00a0567,89\u00a0€" in line for line in lines), lines
