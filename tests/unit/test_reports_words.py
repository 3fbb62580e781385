"""The president's own words, contacts' titles, the evidence of kept commitments and the AP vote
history, as the packs print them: built from hand-made data and read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.meeting_pack import write_meeting_pack
from sitiv_desktop.reports.voeux_pack import write_voeux_pack
from sitiv_desktop.services.briefings import meeting_pack_data, voeux_pack_data
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from tests import builders
from tests.unit.reports_data import PackIds, flat, make_pack_data, page_texts

NOTES = "Féliciter la maire pour la médiathèque.\n- Parler du marché de Noël\n- Rappeler le congrès"


def meeting_text(database: Database, ids: PackIds) -> str:
    with database.read_session() as session:
        data = meeting_pack_data(session, ids.meeting)
    stream = io.BytesIO()
    write_meeting_pack(data, stream, BuildOptions())
    return flat(" ".join(page_texts(stream.getvalue())))


def voeux_text(database: Database, year: int = 2014) -> str:
    with database.read_session() as session:
        data = voeux_pack_data(session, year)
    stream = io.BytesIO()
    write_voeux_pack(data, stream, BuildOptions())
    return flat(" ".join(page_texts(stream.getvalue())))


def body_after(text: str, heading: str) -> str:
    """What follows ``heading`` where it heads its section: its last occurrence (the contents
    come first) that is not in a page footer naming the sections of the page."""
    for found in reversed(list(re.finditer(re.escape(heading), text))):
        if not re.search(r"(: |à )$", text[: found.start()]):
            return text[found.end() :]
    raise AssertionError(f"no heading {heading!r}")


@pytest.fixture
def ids(database: Database) -> PackIds:
    with database.session() as session:
        return make_pack_data(session)


def test_personal_points_come_first_in_the_talking_points(database: Database) -> None:
    with database.session() as session:
        ids = make_pack_data(session)
        session.get(models.Meeting, ids.meeting).speaker_notes = NOTES  # type: ignore[union-attr]
    section = body_after(meeting_text(database, ids), "9. Points à aborder")
    assert section.index("Points personnels") < section.index("Féliciter la maire")
    assert section.index("– Parler du marché de Noël") < section.index("Points tirés des données")
    assert section.index("Points tirés des données") < section.index("À traiter")


def test_without_notes_no_personal_points_are_claimed(database: Database, ids: PackIds) -> None:
    text = meeting_text(database, ids)
    assert "Points personnels" not in text
    assert "Points tirés des données" not in text
    assert "À traiter" in body_after(text, "9. Points à aborder")


def test_a_contact_is_named_by_their_title_else_their_role(database: Database) -> None:
    with database.session() as session:
        ids = make_pack_data(session)
        dgs = session.scalars(
            select(models.Contact).where(models.Contact.role == "general_director")
        ).one()
        dgs.full_name, dgs.title = "Maëlle Giraud", "Directrice générale des services"
    text = meeting_text(database, ids)
    assert "Maëlle Giraud Directrice générale des services" in text
    assert "Directeur général" not in text
    # The mayor has no title: her role's label stands for it.
    assert "Michèle Picard Maire" in text


def test_kept_commitments_print_their_evidence(database: Database) -> None:
    with database.session() as session:
        ids = make_pack_data(session)
        kept = session.scalars(
            select(models.Commitment).where(
                models.Commitment.title == "Former les agents d’accueil"
            )
        ).one()
        kept.evidence = "Attestations de formation du 1er décembre"
    kept_section = body_after(meeting_text(database, ids), "Tenus depuis la dernière rencontre")
    assert "Former les agents d’accueil Preuve : Attestations de formation du 1er décembre" in (
        kept_section.replace("\u00a0", " ")
    )


def test_the_ppi_section_shows_each_ap_vote(database: Database, ids: PackIds) -> None:
    section = body_after(meeting_text(database, ids), "8. Lignes du PPI").replace("\u00a0", " ")
    history = section[section.index("Historique des votes d’AP") :]
    # The fibre's AP: voted on 1 March 2014, revised on 5 January 2015; the SIG's: one vote.
    assert "votée le 1er mars 2014 : 1 000 000,00 €" in history.replace("\u202f", " ")
    assert "révisée le 5 janvier 2015 : 1 234 567,89 €" in history.replace("\u202f", " ")
    assert "votée le 1er juin 2014 : 500 000,00 €" in history.replace("\u202f", " ")


def test_the_speech_notes_of_the_vows_come_first(database: Database) -> None:
    with database.session() as session:
        make_pack_data(session)
        ven = session.scalars(select(models.Commune).where(models.Commune.name == "Vénissieux"))
        vows = builders.meeting(
            session, "Vœux 2015", dt.datetime(2015, 1, 16, 18, 30), [ven.one()], kind="new_year"
        )
        vows.speaker_notes = "Remercier les agents.\n- Saluer les nouveaux élus"
        # The vœux of the year before have their own notes, which this pack does not print.
        older = builders.meeting(
            session,
            "Vœux 2014",
            dt.datetime(2014, 1, 17, 18, 30),
            list(session.scalars(select(models.Commune))),
            kind="new_year",
            status="held",
        )
        older.speaker_notes = "Discours de l’an passé"
    section = body_after(voeux_text(database), "6. Notes de l’orateur")
    assert section.index("Notes pour le discours") < section.index("Remercier les agents.")
    assert section.index("– Saluer les nouveaux élus") < section.index("Points tirés des données")
    assert section.index("Points tirés des données") < section.index("À saluer")
    assert "Discours de l’an passé" not in section


def test_without_a_vows_meeting_or_notes_the_pack_says_so(database: Database) -> None:
    with database.session() as session:
        ids = make_pack_data(session)
    section = body_after(voeux_text(database), "6. Notes de l’orateur").replace("\u00a0", " ")
    assert "Aucune cérémonie des vœux n’est enregistrée pour 2015" in section
    assert "Notes pour le discours" not in section
    with database.session() as session:
        ven = session.get(models.Commune, ids.venissieux)
        assert ven is not None
        builders.meeting(
            session, "Vœux 2015", dt.datetime(2015, 1, 16, 18, 30), [ven], kind="new_year"
        )
    section = body_after(voeux_text(database), "6. Notes de l’orateur").replace("\u00a0", " ")
    assert "Aucune note pour le discours n’est encore saisie sur « Vœux 2015 »" in section
    assert "Notes pour le discours" not in section


def test_the_vows_pack_prints_the_evidence_of_kept_commitments(database: Database) -> None:
    with database.session() as session:
        make_pack_data(session)
        kept = session.scalars(
            select(models.Commitment).where(models.Commitment.title == "Remplacer les copieurs")
        ).one()
        kept.evidence = "Bon de livraison des copieurs"
    page = body_after(voeux_text(database), "Vénissieux 65 405 habitants").replace("\u00a0", " ")
    assert "Remplacer les copieurs Preuve : Bon de livraison des copieurs" in page
