"""Full-text search ignores case and accents, ranks titles first, and stays current."""

from __future__ import annotations

import datetime as dt

import pytest

from sitiv_desktop.services.search import COUNT_CAP, search, search_grouped
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from sitiv_desktop.store.indexes import ensure_interactive_indexes, search_layout_ready
from tests import builders


@pytest.fixture(params=["by kind", "older layout"])
def layout(request: pytest.FixtureRequest, database: Database) -> str:
    """Every search test runs on the layout numbered by kind and on the older one."""
    if request.param == "by kind":
        with database.engine.begin() as connection:
            ensure_interactive_indexes(connection)
            assert search_layout_ready(connection)
    return str(request.param)


@pytest.fixture
def filled(database: Database, layout: str) -> None:
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


def groups(database: Database, typed: str, per_kind: int = 5) -> dict[str, tuple[list[str], int]]:
    with database.read_session() as session:
        return {
            group.kind: ([hit.title for hit in group.hits], group.total)
            for group in search_grouped(session, typed, per_kind)
        }


@pytest.mark.usefixtures("filled")
def test_results_come_grouped_by_kind_with_their_counts(database: Database) -> None:
    found = groups(database, "vénissieux")
    assert list(found) == ["commune", "project"]
    assert found["commune"] == (["Vénissieux"], 1)
    assert found["project"] == (["SYN-01 Messagerie"], 1)
    # Title matches come first in their group; a group says how many it has beyond those shown.
    assert groups(database, "e", per_kind=1)["project"] == (["VEN-01 Fibre optique des écoles"], 2)


@pytest.mark.usefixtures("filled")
def test_a_commune_is_found_by_its_insee_code(database: Database) -> None:
    assert groups(database, "69259")["commune"] == (["Vénissieux"], 1)
    assert groups(database, "690")["commune"] == (["Givors"], 1)


@pytest.mark.usefixtures("layout")
def test_ligatures_and_apostrophes_are_typed_any_way(database: Database) -> None:
    with database.session() as s:
        ven = builders.commune(s, "Vénissieux", "69259")
        builders.project(s, "SYN-02", "Cérémonie des vœux", None)
        builders.project(s, "SYN-03", "Ex aequo et Cæsar", ven)
        builders.commitment(s, ven, "Rappeler l'adjoint d’Œuilly", dt.date(2020, 1, 1), None)
    for typed in ("voeux", "VŒUX", "vœu", "Voe"):
        assert titles(database, typed) == ["SYN-02 Cérémonie des vœux"], typed
    assert titles(database, "caesar") == titles(database, "cæsar") == ["SYN-03 Ex aequo et Cæsar"]
    for typed in ("l’adjoint", "l'adjoint", "adjoint d'oeuilly", "d’Œuilly", "ADJOINT D‘OEUILLY"):
        assert titles(database, typed) == ["Rappeler l'adjoint d’Œuilly"], typed


@pytest.mark.usefixtures("layout")
def test_counts_stop_at_the_cap_and_one_letter_finds_the_best_titles(database: Database) -> None:
    with database.session() as s:
        ven = builders.commune(s, "Vénissieux", "69259")
        for number in range(COUNT_CAP + 5):
            s.add(
                models.Commitment(
                    commune_id=ven.id,
                    title=f"Relancer le dossier {number}",
                    made_on=dt.date(2020, 1, 1),
                    status="open",
                )
            )
        builders.commitment(s, ven, "Dossier de voirie", dt.date(2020, 1, 1), None)
    with database.read_session() as session:
        [group] = [g for g in search_grouped(session, "d", 3) if g.kind == "commitment"]
    assert group.capped and group.total == COUNT_CAP and group.others == COUNT_CAP - 3
    # Among the candidates, the title that starts with what was typed comes first.
    assert group.hits[0].title == "Dossier de voirie"
