"""Search in the window: grouped by kind, a few of each with « N autres », titles first, a commune
by its INSEE code; the real dialog on the hand-made data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pytestqt.qtbot import QtBot

from sitiv_desktop.context import Context
from sitiv_desktop.domain.records import SearchHit
from sitiv_desktop.store import models
from sitiv_desktop.ui.search import PER_KIND, SearchDialog
from tests import builders
from tests.ui.conftest import Town


def searched(started: Any, typed: str) -> SearchDialog:
    dialog: SearchDialog = started.window.open_search()
    dialog.field.setText(typed)
    dialog.run_search()
    return dialog


def test_results_come_by_kind_titles_first_with_how_many_others(
    started: Any, context: Context, town: Town, qtbot: QtBot
) -> None:
    with context.database.session() as session:
        venissieux = session.get(models.Commune, town.venissieux)
        for number in range(1, 9):
            builders.project(session, f"FIB-{number:02}", f"Fibre optique lot {number}", venissieux)
        builders.project(
            session, "RES-09", "Réseau des mairies", venissieux, description="Passage de fibre"
        )
        builders.commitment(
            session, venissieux, "Raccorder la fibre au gymnase", dt.date(2026, 1, 5), None
        )
    started.window.notifier.notify("all")

    dialog = searched(started, "FIBRE")
    rows = dict(dialog.group_rows())
    assert list(rows) == ["Projet", "Engagement", "Échange"]
    projects = rows["Projet"]
    assert len(projects) == PER_KIND + 1
    assert all("Fibre optique lot" in title for title in projects[:PER_KIND])
    assert projects[-1] == "5 autres…"
    assert rows["Engagement"] == ["Raccorder la fibre au gymnase"]
    # Found in its text only: the words around say why.
    assert rows["Échange"] == ["Appel de la DSI — Point sur la fibre"]
    assert dialog.summary.text() == "12 résultats"

    # « 5 autres » brings the rest of the projects; the body match comes after the titles.
    header = dialog.results.topLevelItem(0)
    assert header is not None
    dialog.results.itemActivated.emit(header.child(PER_KIND), 0)
    projects = dict(dialog.group_rows())["Projet"]
    assert len(projects) == 10
    assert projects[-1].startswith("RES-09 Réseau des mairies — "), projects
    assert dict(dialog.group_rows())["Engagement"] == ["Raccorder la fibre au gymnase"]


def test_a_commune_is_found_by_its_insee_code_and_opened(started: Any, qtbot: QtBot) -> None:
    dialog = searched(started, "69091")
    assert dialog.group_rows() == [("Commune", ["Givors"])]
    opened: list[SearchHit] = []
    dialog.opened.connect(opened.append)
    dialog.open_current()
    assert [hit.title for hit in opened] == ["Givors"]
    assert started.window.commune_list.currentItem().text() == "Givors"


def test_nothing_found_says_so(started: Any, qtbot: QtBot) -> None:
    dialog = searched(started, "zzzzqx")
    assert dialog.group_rows() == []
    assert dialog.summary.text() == "Aucun résultat."


def test_a_stake_found_opens_its_editor_and_a_contact_its_communes_contacts(
    started: Any, context: Context, town: Town, qtbot: QtBot
) -> None:
    from sitiv_desktop.ui.editors import ContactsDialog, StakeEditor

    with context.database.session() as session:
        stake = models.MandateStake(
            commune_id=town.givors,
            axis="Numérique",
            line="Écoles",
            action="Tablettes en CM2",
            priority="high",
        )
        contact = models.Contact(
            commune_id=town.givors,
            full_name="Aline Morvan",
            role="general_director",
            email="",
            phone="",
        )
        session.add_all([stake, contact])
        session.flush()
        stake_id, contact_id = stake.id, contact.id
    window = started.window
    window.open_hit(SearchHit("stake", stake_id, "Tablettes en CM2", ""))
    assert isinstance(window.last_editor, StakeEditor)
    assert window.tabs.currentWidget() is window.stakes
    window.last_editor.reject()
    window.open_hit(SearchHit("contact", contact_id, "Aline Morvan", ""))
    assert window.commune_list.currentItem().text() == "Givors"
    dialogs = [d for d in window.findChildren(ContactsDialog) if d.isVisible()]
    assert dialogs, "the commune's contacts were not shown"
    for dialog in dialogs:
        dialog.reject()
