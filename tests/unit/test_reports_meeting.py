"""The mayor meeting pack, built from hand-made data and read back page by page."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from sitiv_desktop import __version__
from sitiv_desktop.domain.briefings import ChangeKind
from sitiv_desktop.errors import Cancelled, UserError
from sitiv_desktop.i18n import format_money
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.meeting_pack import write_meeting_pack
from sitiv_desktop.services.briefings import meeting_pack_data
from sitiv_desktop.services.commitments import CommitmentState, commitments_by_state
from sitiv_desktop.services.exchanges import exchange_timeline
from sitiv_desktop.services.ppi import list_ppi_lines
from sitiv_desktop.services.projects import ProjectFilter, list_projects
from sitiv_desktop.services.stakes import list_stakes
from sitiv_desktop.store.database import Database
from tests import builders
from tests.unit.reports_data import (
    LONG_TITLE,
    MEETING_DAY,
    PackIds,
    flat,
    layout_pages,
    make_pack_data,
    page_texts,
)

SECTIONS = [
    "1. Ordre du jour",
    "2. La commune en bref",
    "3. Ce qui a changé depuis la dernière rencontre",
    "4. Projets",
    "5. Engagements",
    "6. Échanges récents",
    "7. Enjeux du plan de mandat",
    "8. Lignes du PPI",
    "9. Points à aborder",
]


@pytest.fixture
def ids(database: Database) -> PackIds:
    with database.session() as session:
        return make_pack_data(session)


def build(database: Database, ids: PackIds, **options: object) -> bytes:
    with database.read_session() as session:
        data = meeting_pack_data(session, ids.meeting)
    stream = io.BytesIO()
    write_meeting_pack(data, stream, BuildOptions(**options))  # type: ignore[arg-type]
    return stream.getvalue()


def test_every_section_is_in_the_contents_and_the_bookmarks(
    database: Database, ids: PackIds
) -> None:
    pdf = build(database, ids)
    pages = layout_pages(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert outline == SECTIONS
    contents = {
        flat(match.group(1)): int(match.group(2))
        for match in re.finditer(r"^\s*(\S.*?)[ .]{3,}(\d+)\s*$", pages[1], re.MULTILINE)
    }
    for title in SECTIONS:
        # The page the contents gives is the page the section starts on.
        assert title in flat(pages[contents[title] - 1])


def test_the_figures_are_those_of_the_store(database: Database, ids: PackIds) -> None:
    text = flat(" ".join(page_texts(build(database, ids))))
    today = MEETING_DAY.date()
    with database.read_session() as session:
        projects = list_projects(session, ProjectFilter(commune_id=ids.venissieux))
        states = commitments_by_state(session, ids.venissieux, today)
        exchanges = exchange_timeline(session, ids.venissieux)
        stakes = list_stakes(session, ids.venissieux)
        lines = list_ppi_lines(session, ids.venissieux)
    for project in projects:
        assert flat(project.title) in text
        if project.budget is not None:
            assert flat(format_money(project.budget)) in text
    for state in (CommitmentState.LATE, CommitmentState.DUE_SOON):
        for commitment in states[state]:
            assert flat(commitment.title) in text
    assert "36 jours de retard" in text
    for exchange in exchanges:
        assert flat(exchange.subject) in text
    for stake in stakes:
        assert flat(stake.action) in text
    for line in lines:
        assert line.project_code in text
        for amount in line.cp_by_year.values():
            assert flat(format_money(amount)) in text
    # Vénissieux bears all of its own lines and 30 % of the SIG: 1 234 567,89 + 150 000 + 80 000.
    assert flat(format_money(1_464_567.89)) in text
    assert "Part de Vénissieux" in text
    assert "65 405 habitants" in text
    assert "Michèle Picard" in text and "dgs@ville-venissieux.fr" in text


def test_what_changed_and_the_talking_points(database: Database, ids: PackIds) -> None:
    text = flat(" ".join(page_texts(build(database, ids))))
    assert (
        "Depuis la dernière rencontre avec le maire, le 15 novembre 2014 "
        "(« Rencontre d’automne »), jusqu’au 20 janvier 2015 : " in text
    )
    for expected in (
        "20 décembre 2014 Jalon atteint",
        "Étude de faisabilité rendue",
        "5 janvier 2015 AP votée",
        "10 janvier 2015 Projet livré",
        "1er décembre 2014 Engagement tenu Former les agents d’accueil",
    ):
        assert expected in text
    # Kept before the last meeting: neither a change nor « kept since ».
    assert "Remplacer les copieurs" not in text
    assert "Point 2 : obtenir la décision de la commune sur « SIG intercommunal » (Étude)." in text
    assert "« Ouvrir les données publiques », qu’aucun projet ne couvre encore" in text
    assert "Saluer la livraison du projet « VEN-PORTAIL — Portail citoyen de Vénissieux »" in text


def test_what_changed_is_summed_up_by_kind_as_its_table_shows(
    database: Database, ids: PackIds
) -> None:
    with database.read_session() as session:
        data = meeting_pack_data(session, ids.meeting)
    shown = Counter(change.kind for change in data.changes)
    assert data.change_count == len(data.changes)  # every change is in the table here
    assert dict(data.change_counts) == shown
    assert shown[ChangeKind.EXCHANGE] == 2 and len(shown) > 1
    text = flat(" ".join(page_texts(build(database, ids))))
    summary = re.search(r"jusqu’au 20 janvier 2015 : (.*?)\. Date Changement", text)
    assert summary is not None
    assert summary.group(1) == (
        "2 engagements pris, 1 engagement tenu, 1 projet livré, 1 jalon atteint, 1 AP votée, "
        "2 échanges"
    )
    # Each kind the sentence counts is a row of the table, as many times.
    table = text[summary.end() :]
    for kind, count in shown.items():
        assert table.count(f" {kind.label} ") >= count, kind


def test_a_pack_for_one_commune_holds_nothing_of_another(database: Database, ids: PackIds) -> None:
    text = flat(" ".join(page_texts(build(database, ids))))
    for foreign in (
        "Givors",
        "Téléphonie IP",
        "Engagement réservé",
        "Audit de sécurité",
        "Échange Givors confidentiel",
        "Action réservée",
        "Corbas",
    ):
        assert foreign not in text


def test_user_text_is_shown_as_typed(database: Database, ids: PackIds) -> None:
    text = flat(" ".join(page_texts(build(database, ids))))
    assert (
        "Le DGS demande <b>pas du gras</b> & « plus de débit » à l’œil nu… – vite — merci" in text
    )
    assert "Fibre optique des écoles « Jean-Jaurès » & gymnases" in text


def test_a_long_commitment_title_wraps_inside_its_cell(database: Database, ids: PackIds) -> None:
    pages = page_texts(build(database, ids))
    page = next(p for p in pages if "Louis-Pergaud" in p)
    assert flat(LONG_TITLE) in flat(page)
    assert not any(LONG_TITLE in line for line in page.splitlines())


def test_every_page_has_its_header_footer_and_number(database: Database, ids: PackIds) -> None:
    pages = page_texts(build(database, ids))
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        text = flat(page)
        assert f"page {number} sur {total}" in text
        assert "Dossier de rencontre — Vénissieux" in text
        if number > 1:
            assert "SITIV" in text and "20 janvier 2015" in text
            assert re.search(r"Sections? : ", text)
        assert "PROJET" not in text


def test_one_date_format_throughout(database: Database, ids: PackIds) -> None:
    text = flat(" ".join(page_texts(build(database, ids))))
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2,4}", text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_the_pdf_says_what_it_is(database: Database, ids: PackIds) -> None:
    reader = PdfReader(io.BytesIO(build(database, ids)))
    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "Dossier de rencontre — Vénissieux — 20 janvier 2015"
    assert metadata.author is not None and metadata.author.startswith("SITIV")
    assert __version__ in (metadata.creator or "")
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)


def test_the_same_data_gives_the_same_bytes(database: Database, ids: PackIds) -> None:
    first = build(database, ids, invariant=True)
    assert build(database, ids, invariant=True) == first
    assert b"D:20000101000000" in first
    # Otherwise the PDF is dated of the day it is built.
    assert dt.date.today().strftime("D:%Y%m%d").encode() in build(database, ids)


def test_a_draft_says_so_on_every_page(database: Database, ids: PackIds) -> None:
    pages = page_texts(build(database, ids, draft=True))
    assert all("PROJET" in page for page in pages)


def test_an_empty_commune_gets_a_sentence_for_each_empty_section(session: Session) -> None:
    lonely = builders.commune(session, "Rive-de-Gier", "42186")
    meeting = builders.meeting(session, "Première rencontre", dt.datetime(2015, 3, 2, 9), [lonely])
    data = meeting_pack_data(session, meeting.id)
    stream = io.BytesIO()
    write_meeting_pack(data, stream, BuildOptions())
    text = flat(" ".join(page_texts(stream.getvalue())))
    for sentence in (
        "Aucun point n’est encore inscrit à l’ordre du jour de cette réunion.",
        "Aucun contact n’est enregistré pour cette commune.",
        "Aucune rencontre avec le maire n’a eu lieu avant celle-ci",
        "Rien n’a changé depuis : aucun engagement pris, tenu ou déplacé",
        "La commune ne porte aucun projet et ne participe à aucun.",
        "Aucun engagement envers la commune n’est en retard.",
        "Aucun engagement n’arrive à échéance dans les 60 jours.",
        "Aucun engagement n’a été tenu depuis la dernière rencontre.",
        "Aucun échange avec la commune n’est enregistré.",
        "Aucun enjeu du plan de mandat n’est enregistré pour cette commune.",
        "Aucune ligne du PPI ne concerne les projets de la commune.",
        "Rien dans les données n’appelle de point particulier",
    ):
        assert sentence in text


def test_a_table_that_spans_pages_repeats_its_header(session: Session) -> None:
    commune = builders.commune(session, "Corbas", "69273")
    for number in range(70):
        builders.commitment(
            session,
            commune,
            f"Engagement numéro {number:02d}",
            dt.date(2014, 1, 1),
            dt.date(2014, 6, 1),
        )
    meeting = builders.meeting(session, "Rencontre", dt.datetime(2015, 1, 5, 9), [commune])
    data = meeting_pack_data(session, meeting.id)
    stream = io.BytesIO()
    write_meeting_pack(data, stream, BuildOptions())
    pages = [flat(p) for p in page_texts(stream.getvalue())]
    spanned = [p for p in pages if "jours de retard" in p]
    assert len(spanned) >= 2
    for page in spanned:
        assert "Engagement Échéance Responsable Projet" in page
    assert all(f"Engagement numéro {n:02d}" in " ".join(spanned) for n in range(70))


def test_a_meeting_with_several_communes_has_no_meeting_pack(session: Session) -> None:
    first = builders.commune(session, "Givors", "69091")
    second = builders.commune(session, "Corbas", "69273")
    meeting = builders.meeting(session, "Comité", dt.datetime(2015, 1, 5, 9), [first, second])
    with pytest.raises(UserError, match="ordre du jour"):
        meeting_pack_data(session, meeting.id)


def test_progress_is_reported_and_cancelling_writes_nothing(
    database: Database, ids: PackIds
) -> None:
    fractions: list[float] = []
    build(database, ids, progress=lambda fraction, text: fractions.append(fraction))
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    with database.read_session() as session:
        data = meeting_pack_data(session, ids.meeting)
    stream = io.BytesIO()
    with pytest.raises(Cancelled):
        write_meeting_pack(data, stream, BuildOptions(cancelled=lambda: True))
    assert stream.getvalue() == b""
