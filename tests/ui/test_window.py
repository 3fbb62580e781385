"""The window driven as a user would: choose a commune, edit, build an agenda, search, undo."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QSpinBox
from pytestqt.qtbot import QtBot

from sitiv_desktop.context import Context
from sitiv_desktop.domain.enums import MeetingStatus, OutcomeKind
from sitiv_desktop.services.commitments import CommitmentFilter, list_commitments
from sitiv_desktop.services.meetings import get_meeting, list_meetings
from sitiv_desktop.store import models
from sitiv_desktop.ui.agenda import AgendaItemEditor, OutcomeEditor
from sitiv_desktop.ui.app import Application
from sitiv_desktop.ui.editors import CommitmentEditor, FormDialog
from sitiv_desktop.ui.models import PagedTableModel
from sitiv_desktop.ui.window import COMMUNE_ROLE, MainWindow
from tests.ui.conftest import Town


def choose(window: MainWindow, name: str) -> None:
    for row in range(window.commune_list.count()):
        item = window.commune_list.item(row)
        if item.text() == name:
            window.commune_list.setCurrentItem(item)
            return
    raise AssertionError(f"no commune {name}")


def field(editor: FormDialog, name: str) -> Any:
    return editor.fields[name]


def test_window_opens_on_the_communes_with_their_late_badges(started: Application) -> None:
    window = started.window
    names = [window.commune_list.item(row).text() for row in range(window.commune_list.count())]
    assert names == ["Toutes les communes", "Givors", "Vénissieux"]
    assert window.tabs.tabText(0) == "Tableau de bord"
    assert window.dashboard.title.text() == "Toutes les communes"


def test_choosing_a_commune_shows_its_dashboard_and_lists(
    started: Application, context: Context
) -> None:
    window = started.window
    choose(window, "Vénissieux")
    assert window.dashboard.title.text() == "Vénissieux"
    late_lines = [
        window.dashboard.late_card.body.itemAt(i).widget().text()  # type: ignore[union-attr]
        for i in range(window.dashboard.late_card.body.count())
    ]
    assert any("Équiper la médiathèque" in line for line in late_lines)
    assert window.commitments.model.rowCount() == 1
    assert window.projects.model.rowCount() == 1
    assert window.dashboard.chart.totals  # the PPI chart has its years
    assert context.settings.last_commune == str(window.commune_id)


def test_a_commitment_with_a_bad_date_keeps_what_was_typed_then_saves(
    started: Application, context: Context, town: Town
) -> None:
    window = started.window
    choose(window, "Vénissieux")
    editor = window.new_commitment()
    assert isinstance(editor, CommitmentEditor)
    field(editor, "title").setText("Ouvrir un guichet numérique")
    field(editor, "due_date").setText("31/13/2026")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    error = editor.errors["due_date"]
    assert editor.isVisible()
    assert not error.isHidden()
    assert "Échéance" in error.text() or "échéance" in error.text()
    assert "31/13/2026" in error.text()
    assert field(editor, "title").text() == "Ouvrir un guichet numérique"
    assert field(editor, "due_date").text() == "31/13/2026"

    field(editor, "due_date").setText("15/06/2030")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert not editor.isVisible()
    titles = [r.title for r in window.commitments.model.records]
    assert "Ouvrir un guichet numérique" in titles

    # Edit it: the form opens with what was saved.
    page = window.commitments
    row = titles.index("Ouvrir un guichet numérique")
    window.tabs.setCurrentWidget(page)
    page.view.selectRow(row)
    edited = window.edit_selected()
    assert isinstance(edited, CommitmentEditor)
    assert field(edited, "due_date").text() == "15/06/2030"
    field(edited, "title").setText("Ouvrir deux guichets numériques")
    edited.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    with context.database.read_session() as session:
        saved = list_commitments(session, CommitmentFilter(commune_id=town.venissieux))
    assert "Ouvrir deux guichets numériques" in [c.title for c in saved]


def test_note_an_exchange_from_anywhere_is_linked_to_the_commune_shown(
    started: Application, qtbot: QtBot
) -> None:
    window = started.window
    choose(window, "Givors")
    window.tabs.setCurrentIndex(5)
    editor = window.note_exchange()
    assert field(editor, "commune").currentText() == "Givors"
    field(editor, "subject").setText("Courriel du maire")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    # The author is required: said by the field, nothing written.
    assert "Auteur" in editor.errors["author"].text()
    assert window.exchanges.model.records == []
    field(editor, "author").setText("Marie Dupont")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert [r.subject for r in window.exchanges.model.records] == ["Courriel du maire"]
    assert window.exchange_action.shortcut().toString() == "Ctrl+E"


def test_building_an_agenda_by_dragging(started: Application, context: Context, town: Town) -> None:
    window = started.window
    choose(window, "Vénissieux")
    window.tabs.setCurrentIndex(3)
    meetings = window.meetings
    first = [r.title for r in meetings.model.records].index("Rencontre avec le maire")
    meetings.view.selectRow(first)
    panel = window.agenda
    assert panel.meeting is not None and panel.meeting.title == "Rencontre avec le maire"

    for title, minutes in (("Fibre", 20), ("Écoles", 30), ("Questions diverses", 25)):
        panel.add_button.click()
        editor = panel.findChildren(AgendaItemEditor)[-1]
        field(editor, "title").setText(title)
        duration = field(editor, "duration_minutes")
        assert isinstance(duration, QSpinBox)
        duration.setValue(minutes)
        editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert [r.title for r in panel.model.records] == ["Fibre", "Écoles", "Questions diverses"]
    assert "75 min" in panel.total.text() and "dépassement de 15 min" in panel.total.text()

    # Drag « Questions diverses » above « Fibre »: what the view does on a drop.
    model = panel.model
    dragged = model.mimeData([model.index(2, 0)])
    model.dropMimeData(dragged, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    with context.database.read_session() as session:
        meeting = get_meeting(session, panel.meeting.id)
    assert [item.title for item in meeting.agenda] == ["Questions diverses", "Fibre", "Écoles"]
    assert [r.title for r in panel.model.records] == ["Questions diverses", "Fibre", "Écoles"]

    # « Noter la suite donnée » waits until the meeting is held.
    assert not panel.outcome_button.isEnabled()
    with context.database.session() as session:
        row = session.get(models.Meeting, panel.meeting.id)
        assert row is not None
        row.status = MeetingStatus.HELD.value
    panel.reload()
    assert panel.outcome_button.isEnabled()

    # An outcome that is a new commitment, in one step.
    panel.view.selectRow(1)
    panel.outcome_button.click()
    outcome = panel.findChildren(OutcomeEditor)[-1]
    combo = field(outcome, "outcome")
    combo.setCurrentIndex(combo.findData(OutcomeKind.COMMITMENT))
    field(outcome, "commitment_title").setText("Raccorder trois écoles")
    field(outcome, "due_date").setText("01/09/2031")
    outcome.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    with context.database.read_session() as session:
        titles = [c.title for c in list_commitments(session, CommitmentFilter(town.venissieux))]
    assert "Raccorder trois écoles" in titles

    # The items not dealt with go to the next meeting of the same kind.
    panel.carry_button.click()
    with context.database.read_session() as session:
        later = [m for m in list_meetings(session, town.venissieux) if m.title.endswith("suivi")]
        carried = get_meeting(session, later[0].id)
    assert [item.title for item in carried.agenda] == ["Questions diverses", "Écoles"]


def test_search_with_and_without_accents_opens_the_record(
    started: Application, qtbot: QtBot
) -> None:
    window = started.window
    dialog = window.open_search()
    for typed in ("médiathèque", "MEDIATHEQUE", "mediath"):
        dialog.field.setText(typed)
        dialog.run_search()
        groups = [
            dialog.results.topLevelItem(i).text(0)  # type: ignore[union-attr]
            for i in range(dialog.results.topLevelItemCount())
        ]
        assert "Engagement" in groups, typed
    dialog.field.setText("venissieux")
    dialog.run_search()
    assert dialog.results.topLevelItem(0).text(0) == "Commune"  # type: ignore[union-attr]

    dialog.field.setText("médiathèque")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    opened = window.findChildren(CommitmentEditor)[-1]
    assert field(opened, "title").text() == "Équiper la médiathèque"


def test_delete_asks_first_and_ctrl_z_brings_it_back(
    started: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = started.window
    choose(window, "Vénissieux")
    window.tabs.setCurrentWidget(window.commitments)
    window.commitments.view.selectRow(0)
    asked: list[str] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box.text())
        names = [button.text() for button in box.buttons()]
        assert sorted(names) == ["Annuler", "Supprimer"]
        assert box.defaultButton().text() == "Annuler"
        delete = next(b for b in box.buttons() if b.text() == "Supprimer")
        delete.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    window.delete_action.trigger()
    assert asked and "Équiper la médiathèque" in asked[0]
    assert window.commitments.model.rowCount() == 0
    window.undo_action.trigger()
    assert [r.title for r in window.commitments.model.records] == ["Équiper la médiathèque"]


def test_column_widths_are_remembered(context: Context, town: Town, qtbot: QtBot) -> None:
    context.settings.first_start_done = True
    first = Application(context, inline=True)
    first.start()
    first.window.projects.view.horizontalHeader().resizeSection(1, 333)
    first.window.close()
    first.close()
    second = Application(context, inline=True)
    second.start()
    assert second.window.projects.view.horizontalHeader().sectionSize(1) == 333
    second.window.close()
    second.close()


def test_later_start_opens_the_last_commune(context: Context, town: Town, qtbot: QtBot) -> None:
    context.settings.first_start_done = True
    context.settings.last_commune = str(town.givors)
    application = Application(context, inline=True)
    application.start()
    assert application.window.commune_list.currentItem().data(COMMUNE_ROLE) == town.givors
    assert application.window.dashboard.title.text() == "Givors"
    application.window.close()
    application.close()


def test_qt_standard_buttons_speak_french(started: Application) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == (
        "Annuler"
    )


def test_sorting_a_paged_list_asks_the_database(started: Application) -> None:
    window = started.window
    model = window.projects.model
    assert isinstance(model, PagedTableModel)
    window.projects.proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert [r.title for r in model.records] == ["Fibre optique des écoles", "Cadastre numérique"]
    window.projects.filter.setText("cadastre")
    assert [r.title for r in model.records] == ["Cadastre numérique"]


def test_the_paged_model_fetches_page_by_page(context: Context, qtbot: QtBot) -> None:
    from sitiv_desktop.ui.tasks import StoreRunner
    from tests import builders

    with context.database.session() as session:
        commune = builders.commune(session, "Corbas", "69273")
        for number in range(45):
            builders.exchange(session, commune, f"Échange {number}", dt.date(2024, 1, 1))
    runner = StoreRunner(context.database, inline=True)
    from sitiv_desktop.ui.models import EXCHANGE_COLUMNS

    model = PagedTableModel(runner, "exchanges", EXCHANGE_COLUMNS, page_size=20)
    reads: list[int] = []
    original = runner.read

    def counting(work: Any, success: Any) -> None:
        reads.append(1)
        original(work, success)

    runner.read = counting  # type: ignore[method-assign]
    model.reload()
    # The scroll bar knows every row at once; only the first page has been read.
    assert (model.rowCount(), model.total, len(model.records)) == (45, 45, 20)
    assert len(reads) == 1
    # Asking for the last row (what Ctrl+End shows) reads its page, and only that one.
    last = model.index(44, 1)
    assert model.data(last) is not None and model.data(last).startswith("Échange")
    assert len(model.records) == 25
    assert len(reads) == 2
    assert model.data(model.index(41, 1)).startswith("Échange")  # same page: no new read
    assert len(reads) == 2
    assert model.data(model.index(30, 1)).startswith("Échange")  # the middle page
    assert (len(reads), len(model.records)) == (3, 45)
    model.load_all_pages()
    assert len({r.id for r in model.records}) == 45
    runner.close()


def test_a_write_announces_the_kinds_it_wrote(context: Context) -> None:
    """The runner tells the notifier what a write touched; no caller has to say it."""
    from sqlalchemy import delete

    from sitiv_desktop.ui.tasks import ChangeNotifier, StoreRunner
    from tests import builders

    notifier = ChangeNotifier()
    heard: list[str] = []
    notifier.changed.connect(heard.append)
    runner = StoreRunner(context.database, inline=True, notifier=notifier)
    results: list[object] = []

    def create(session: Any) -> str:
        commune = builders.commune(session, "Corbas", "69273")
        builders.exchange(session, commune, "Appel du maire", dt.date(2024, 1, 1))
        return "created"

    runner.write(create, results.append)
    assert (heard, results) == (["commune", "exchange"], ["created"])

    heard.clear()
    # A Core statement is seen too (the undo of a creation deletes this way).
    runner.write(lambda session: session.execute(delete(models.Exchange)), results.append)
    assert heard == ["exchange"]

    heard.clear()
    runner.write(lambda session: session.get(models.Exchange, uuid.uuid4()), results.append)
    runner.read(lambda session: None, results.append)
    assert heard == []
    runner.close()
