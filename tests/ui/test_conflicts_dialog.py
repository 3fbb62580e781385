"""The conflicts view speaks of records and fields as people do, and a refusal can be retried or
dismissed; a real service on a shared SQLite file, the real dialog offscreen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from sitiv_desktop.store import models
from sitiv_desktop.sync.service.admin import grant
from sitiv_desktop.ui.conflicts import ConflictsDialog
from sitiv_desktop.ui.tasks import StoreRunner
from tests.sync_harness import Laptop, Syndicate


@pytest.fixture
def syndicate(tmp_path: Path) -> Iterator[Syndicate]:
    made = Syndicate(f"sqlite+pysqlite:///{tmp_path / 'partagee.sqlite3'}", tmp_path)
    yield made
    made.close()


def dialog_for(laptop: Laptop, qtbot: QtBot) -> ConflictsDialog:
    runner = StoreRunner(laptop.database, inline=True)
    dialog = ConflictsDialog(runner, lambda _kind, _record: None)
    qtbot.addWidget(dialog)
    dialog.load()
    return dialog


def refuse_an_edit(syndicate: Syndicate) -> Laptop:
    reader = syndicate.laptop("elu", {"Vénissieux": "elu"})
    reader.sync()
    with reader.database.session() as session:
        project = session.scalars(select(models.Project)).one()
        project.title, project.end_date = "Fibre retentée", dt.date(2027, 6, 30)
    assert reader.sync().refused == 1
    return reader


def test_a_conflict_names_the_record_and_the_fields_in_french(
    syndicate: Syndicate, qtbot: QtBot
) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "liaison"})
    alice.sync()
    bob.sync()
    with bob.database.session() as session:
        session.scalars(select(models.Commitment)).one().due_date = dt.date(2026, 9, 1)
    bob.sync()
    with alice.database.session() as session:
        session.scalars(select(models.Commitment)).one().due_date = dt.date(2026, 10, 15)
    assert alice.sync().conflicts == 1

    dialog = dialog_for(alice, qtbot)
    assert dialog.conflict_list.item(0).text() == "Engagement « Promesse à Vénissieux »"
    assert dialog.comparison_rows() == [("Échéance", "15/10/2026", "01/09/2026")]
    assert dialog.tabs.tabText(0) == "Conflits (1)"


def test_a_refusal_says_why_in_french_and_shows_what_was_sent(
    syndicate: Syndicate, qtbot: QtBot
) -> None:
    reader = refuse_an_edit(syndicate)
    dialog = dialog_for(reader, qtbot)

    assert dialog.tabs.currentIndex() == 1
    ((record, change, reason, _noticed),) = dialog.refused_rows()
    assert (record, change) == ("Projet « Fibre de Vénissieux »", "modification")
    assert reason == "pas le droit de modifier cette commune"
    sent = [
        tuple(dialog.sent_table.item(row, column).text() for column in range(2))
        for row in range(dialog.sent_table.rowCount())
    ]
    assert sent == [("Fin", "30/06/2027"), ("Titre", "Fibre retentée")]


def test_a_retried_refusal_is_sent_again_at_the_next_sync(
    syndicate: Syndicate, qtbot: QtBot
) -> None:
    reader = refuse_an_edit(syndicate)
    dialog = dialog_for(reader, qtbot)
    grant(syndicate.owner_url, reader.user, "Vénissieux", "liaison")

    with qtbot.waitSignal(dialog.settled):
        dialog.retry_button.click()
    assert dialog.refused_rows() == []
    assert not dialog.retry_button.isEnabled()
    assert reader.outbox() == 1
    assert reader.sync().sent == 1
    assert syndicate.project_row("P-69259")["title"] == "Fibre retentée"


def test_a_dismissed_refusal_leaves_the_list_and_nothing_is_sent(
    syndicate: Syndicate, qtbot: QtBot
) -> None:
    reader = refuse_an_edit(syndicate)
    dialog = dialog_for(reader, qtbot)

    dialog.seen_button.click()
    assert dialog.refused_rows() == []
    assert reader.refused() == [] and reader.outbox() == 0
    assert reader.project("P-69259")["title"] == "Fibre de Vénissieux"
