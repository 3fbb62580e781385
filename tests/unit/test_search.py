"""Full-text search ignores case and accents, ranks titles first, and stays current."""

from __future__ import annotations

import datetime as dt

import pytest

from sitiv_desktop.services.search import search
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from tests import builders


@pytest.fixture
def filled(database: Database) -> None:
    with database.session() as s:
        ven = builders.commune(s, "Vénissieux", "69259")
        giv = builders.commune(s, "Givors", "69091")
        builders.project(s, "VEN-01", "Fibre optique des écoles", ven, description="Déploiement")
        builders.project(
            s,
            "SYN-01",
            "Messagerie",
            None,
            description="Migration pour Vénissieux et Givors",
            shares={ven.id: 50, giv.id: 50},
        )
        builders.commitment(s, giv, "Respecter l’échéance du marché", dt.date(2020, 1, 1), None)
        builders.exchange(s, giv, "Appel du DGS", dt.date(2020, 2, 1), "Question sur l’ÉCHÉANCE")


def titles(database: Database, typed: str) -> list[str]:
    with database.read_session() as session:
        return [hit.title for hit in search(session, typed)]


@pytest.mark.usefixtures("filled")
@pytest.mark.parametrize("typed", ["venissieux", "Vénissieux", "VENISSIEUX", "vénis"])
def test_accents_and_case_do_not_matter(database: Database, typed: str) -> None:
    found = titles(database, typed)
    # The commune itself (its name is a title) ranks above a project that names it in its text.
    assert found[:2] == ["Vénissieux", "SYN-01 Messagerie"]


@pytest.mark.usefixtures("filled")
def test_echeance_finds_echeance_in_titles_and_summaries(database: Database) -> None:
    assert titles(database, "echeance") == ["Respecter l’échéance du marché", "Appel du DGS"]


@pytest.mark.usefixtures("filled")
def test_hits_say_which_communes_they_concern(database: Database) -> None:
    with database.read_session() as session:
        hits = {hit.title: hit for hit in search(session, "messagerie")}
    assert hits["SYN-01 Messagerie"].commune_names == ("Givors", "Vénissieux")
    assert hits["SYN-01 Messagerie"].kind_label == "Projet"


@pytest.mark.usefixtures("filled")
def test_every_word_must_match(database: Database) -> None:
    assert titles(database, "fibre écoles") == ["VEN-01 Fibre optique des écoles"]
    assert titles(database, "fibre givors") == []


@pytest.mark.usefixtures("filled")
def test_the_index_follows_edits_and_deletions(database: Database) -> None:
    with database.session() as s:
        project = s.query(models.Project).filter_by(code="VEN-01").one()
        project.title = "Réseau très haut débit"
    assert titles(database, "fibre") == []
    assert titles(database, "tres haut debit") == ["VEN-01 Réseau très haut débit"]
    with database.session() as s:
        s.delete(s.query(models.Project).filter_by(code="VEN-01").one())
    assert titles(database, "debit") == []


@pytest.mark.usefixtures("filled")
def test_punctuation_and_quotes_are_harmless(database: Database) -> None:
    assert titles(database, '"') == []
    assert titles(database, "l’échéance AND OR (") == []
    assert titles(database, "échéance") == titles(database, "echeance")
