"""The New Year address pack for 2014, read back and checked against the store."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import format_money
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.voeux_pack import write_voeux_pack
from sitiv_desktop.services.briefings import voeux_pack_data
from sitiv_desktop.services.ppi import ppi_table
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from tests.unit.reports_data import PackIds, flat, make_pack_data, page_texts

SECTIONS = [
    "1. L’année 2014 en chiffres",
    "2. Projets livrés",
    "3. Engagements tenus par commune",
    "4. Les communes",
    "5. PPI 2015",
    "6. Notes de l’orateur",
]


@pytest.fixture
def ids(database: Database) -> PackIds:
    with database.session() as session:
        return make_pack_data(session)


def build(database: Database, draft: bool = False, invariant: bool = False) -> bytes:
    with database.read_session() as session:
        data = voeux_pack_data(session, 2014)
    stream = io.BytesIO()
    write_voeux_pack(data, stream, BuildOptions(draft=draft, invariant=invariant))
    return stream.getvalue()


def test_sections_and_one_bookmark_per_commune(database: Database, ids: PackIds) -> None:
    reader = PdfReader(io.BytesIO(build(database)))
    top = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert top == SECTIONS
    communes = [entry.title for entry in reader.outline[4]]  # type: ignore[union-attr]
    assert communes == ["Corbas", "Givors", "Vénissieux"]
    assert reader.metadata is not None
    assert reader.metadata.title == "Vœux 2015 — bilan de 2014"


def test_the_year_in_figures(database: Database, ids: PackIds) -> None:
    pages = [flat(p) for p in page_texts(build(database))]
    figures = pages[2]
    # Communes, delivered (Wi-Fi, ENT of Givors), in progress, meetings held.
    assert (
        "3 communes membres 2 projets livrés 2 projets en cours aujourd’hui 1 réunion tenue"
        in figures
    )
    assert "7 engagements pris 3 engagements tenus 2 échanges avec les communes" in figures
    assert "VEN-WIFI Wi-Fi des médiathèques Vénissieux 30 septembre 2014" in figures
    assert "GIV-ENT Espace numérique de travail de Givors Givors 30 juin 2014" in figures
    with database.read_session() as session:
        cp_2014 = ppi_table(session, years=(2014,)).total_cp(2014)
    assert cp_2014 == Decimal("500000.00")
    assert flat(f"Crédits de paiement (CP) 2014 {format_money(cp_2014)}") in figures


def test_commitments_kept_by_commune_and_one_page_each(database: Database, ids: PackIds) -> None:
    pages = [flat(p) for p in page_texts(build(database))]
    by_commune = next(p for p in pages if p.startswith("3. Engagements tenus par commune"))
    assert "Corbas 0 0 0 Givors 2 1 1 Vénissieux 5 2 1 Total 7 3 2" in by_commune
    assert "Engagements pris et tenus en 2014, par commune" in by_commune
    for name, kept in (
        ("Givors", "Audit de sécurité de Givors"),
        ("Vénissieux", "Former les agents d’accueil"),
    ):
        page = next(p for p in pages if f"{name} 31 décembre 2014 Section : 4. Les communes" in p)
        assert kept in page
    venissieux = next(p for p in pages if "Vénissieux 31 décembre 2014 Section" in p)
    assert "Givors" not in venissieux
    assert "Remplacer les copieurs" in venissieux and "Louis-Pergaud" in venissieux


def test_the_ppi_of_the_coming_year(database: Database, ids: PackIds) -> None:
    text = flat(" ".join(page_texts(build(database))))
    with database.read_session() as session:
        table = ppi_table(session, years=(2015,))
    for row in table.rows:
        assert (
            flat(f"{row.commune_name} {format_money(row.ap)} {format_money(row.cp_by_year[2015])}")
            in text
        )
    assert flat(format_money(table.total_cp(2015))) in text
    assert flat(format_money(Decimal("714567.89"))) in text
    assert "Annoncer le PPI 2015 : 714 567,89 € de crédits de paiement" in text
    assert "dont 2 avec Vénissieux, la commune qui en compte le plus." in text


def test_draft_and_identical_bytes(database: Database, ids: PackIds) -> None:
    assert build(database, invariant=True) == build(database, invariant=True)
    assert all("PROJET" in page for page in page_texts(build(database, draft=True)))


def test_an_empty_year_says_so(database: Database) -> None:
    text = flat(" ".join(page_texts(build(database))))
    assert "Aucun projet n’a été livré en 2014." in text
    assert "Aucune commune n’est enregistrée." in text
    assert "Aucun crédit de paiement n’est encore prévu pour 2015." in text


def test_a_year_out_of_range_is_refused(database: Database) -> None:
    with database.read_session() as session, pytest.raises(UserError, match="Année"):
        voeux_pack_data(session, 1800)


def test_a_year_not_begun_is_refused_and_this_year_stands_at_today(database: Database) -> None:
    today = dt.date(2026, 12, 1)
    with database.read_session() as session:
        with pytest.raises(UserError, match="l’année 2027 n’a pas commencé") as refused:
            voeux_pack_data(session, 2027, today=today)
        assert refused.value.field == "year"
        this_year = voeux_pack_data(session, 2026, today=today)
    assert this_year.as_of == today and not this_year.in_progress_today


def test_a_commitment_late_at_the_years_end_and_kept_since_was_late_then(
    database: Database, ids: PackIds
) -> None:
    with database.session() as session:
        session.add(
            models.Commitment(
                commune_id=ids.corbas,
                title="Câbler la mairie annexe",
                description="",
                made_on=dt.date(2014, 3, 1),
                due_date=dt.date(2014, 9, 1),
                status="kept",
                closed_on=dt.date(2015, 2, 1),
                evidence="",
            )
        )
    with database.read_session() as session:
        data = voeux_pack_data(session, 2014, today=dt.date(2026, 12, 1))
    corbas = next(c for c in data.communes if c.commune.id == ids.corbas)
    assert corbas.late_count == 1
    assert [c.title for c in corbas.commitments_late] == ["Câbler la mairie annexe"]
    pages = [flat(p) for p in page_texts(build(database))]
    by_commune = next(p for p in pages if p.startswith("3. Engagements tenus par commune"))
    assert "Corbas 1 0 1" in by_commune
