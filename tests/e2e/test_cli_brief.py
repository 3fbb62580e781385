"""`sitiv-desktop brief …` as a user runs it: meeting pack, New Year pack, agenda, draft."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from pypdf import PdfReader

from sitiv_desktop.context import open_context
from tests.e2e.conftest import Runner
from tests.unit.reports_data import make_pack_data


def _fill(data_dir: Path) -> None:
    context = open_context(data_dir)
    try:
        with context.database.session() as session:
            make_pack_data(session)
    finally:
        context.close()


def _meeting_id(sitiv: Runner, title: str) -> str:
    listed = sitiv("list", "meetings", "--json")
    assert listed.returncode == 0, listed.stderr
    return next(m["id"] for m in json.loads(listed.stdout) if m["title"] == title)


def _text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_three_packs_from_the_command_line(sitiv: Runner, tmp_path: Path) -> None:
    _fill(tmp_path / "data")
    meeting = _meeting_id(sitiv, "Rencontre avec Mme la maire")

    pack = tmp_path / "dossier.pdf"
    result = sitiv("brief", "meeting", meeting, "-o", str(pack))
    assert result.returncode == 0, result.stderr
    assert str(pack) in result.stdout
    reader = PdfReader(io.BytesIO(pack.read_bytes()))
    assert reader.metadata is not None
    assert reader.metadata.title == "Dossier de rencontre — Vénissieux — 20 janvier 2015"
    assert reader.metadata.creation_date is not None
    assert reader.metadata.creation_date.year == dt.date.today().year
    assert "PROJET" not in _text(pack)

    agenda = tmp_path / "odj.pdf"
    result = sitiv("brief", "agenda", meeting, "-o", str(agenda), "--draft")
    assert result.returncode == 0, result.stderr
    assert "Ordre du jour" in _text(agenda) and "PROJET" in _text(agenda)

    voeux = tmp_path / "voeux.pdf"
    result = sitiv("brief", "voeux", "--year", "2014", "-o", str(voeux))
    assert result.returncode == 0, result.stderr
    assert "Vœux 2015" in _text(voeux)

    # The PDF is dated of its build; with the reproducible-builds date fixed, the same data
    # gives the same bytes.
    fixed = {"SOURCE_DATE_EPOCH": "1767225600"}
    first, again = tmp_path / "dossier-1.pdf", tmp_path / "dossier-2.pdf"
    assert sitiv("brief", "meeting", meeting, "-o", str(first), **fixed).returncode == 0
    assert sitiv("brief", "meeting", meeting, "-o", str(again), **fixed).returncode == 0
    assert again.read_bytes() == first.read_bytes()
    assert b"D:20260101" in first.read_bytes() and b"D:20260101" not in pack.read_bytes()


def test_a_wrong_meeting_is_one_french_line(sitiv: Runner, tmp_path: Path) -> None:
    result = sitiv("brief", "meeting", "12", "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 2
    assert "n’est pas un identifiant de réunion" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
    assert not list(tmp_path.glob(".pack-*"))


def test_a_meeting_is_named_by_the_first_characters_of_its_identifier(
    sitiv: Runner, tmp_path: Path
) -> None:
    _fill(tmp_path / "data")
    meeting = _meeting_id(sitiv, "Rencontre avec Mme la maire")
    # The meetings' identifiers share their time-ordered start: only a longer prefix is unique.
    shortest_unique = next(
        meeting[:length]
        for length in range(4, 33)
        if sum(m["id"].startswith(meeting[:length]) for m in _meetings(sitiv)) == 1
    )
    pack = tmp_path / "dossier.pdf"
    result = sitiv("brief", "agenda", shortest_unique, "-o", str(pack))
    assert result.returncode == 0, result.stderr
    assert "Ordre du jour" in _text(pack)
    if len(shortest_unique) > 4:
        ambiguous = sitiv("brief", "agenda", meeting[:4], "-o", str(pack), "--force")
        assert ambiguous.returncode == 2
        assert "plusieurs identifiants" in ambiguous.stderr


def _meetings(sitiv: Runner) -> list[dict[str, str]]:
    listed = sitiv("list", "meetings", "--json")
    return list(json.loads(listed.stdout))


def test_a_year_not_begun_is_refused_before_any_work(sitiv: Runner, tmp_path: Path) -> None:
    coming = dt.date.today().year + 1
    result = sitiv("brief", "voeux", "--year", str(coming), "-o", str(tmp_path / "v.pdf"))
    assert result.returncode == 2
    assert f"l’année {coming} n’a pas commencé" in result.stderr
    assert "(--year)" in result.stderr
    assert not (tmp_path / "v.pdf").exists()
