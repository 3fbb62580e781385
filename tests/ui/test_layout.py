"""The window at home on a 13-inch laptop: everything in view at 1366×768, at 1920×1080 at 150 %
(which leaves the same 1280×720 logical pixels), and columns fitted to what they hold."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QListWidget, QStyle, QWidget

from sitiv_desktop.services.meetings import AgendaItemDraft, save_agenda_item
from sitiv_desktop.ui.app import Application
from sitiv_desktop.ui.editors import MeetingEditor
from sitiv_desktop.ui.first_start import FirstStartDialog
from sitiv_desktop.ui.window import MainWindow
from tests.ui.test_window import choose


def _inside(window: MainWindow, widget: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    shown = QRect(top_left, widget.size())
    return window.rect().contains(shown)


def _clipped(window: MainWindow, widget: QWidget) -> bool:
    """A widget squeezed below what it needs to show itself (a button cut off)."""
    hint = widget.minimumSizeHint()
    return widget.width() < hint.width() - 1 or widget.height() < hint.height() - 1


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_every_tab_fits_a_laptop_screen(started: Application, size: tuple[int, int]) -> None:
    window = started.window
    window.resize(*size)
    choose(window, "Vénissieux")
    window.tabs.setCurrentWidget(window.meeting_split)
    window.meetings.view.selectRow(0)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert window.width() <= size[0] and window.height() <= size[1]
        buttons = [
            button
            for button in window.findChildren(QAbstractButton)
            if button.isVisible() and button.window() is window
        ]
        assert buttons or index == 0
        for button in buttons:
            assert _inside(window, button), (window.tabs.tabText(index), button.text())
            assert not _clipped(window, button), (window.tabs.tabText(index), button.text())
    window.tabs.setCurrentWidget(window.meeting_split)
    QApplication.processEvents()
    agenda = window.agenda
    assert agenda.isVisible() and _inside(window, agenda)
    assert agenda.width() >= agenda.minimumSizeHint().width()
    assert window.agenda.pack_button.isVisible() and _inside(window, window.agenda.pack_button)


def test_first_size_fits_the_screen(started: Application) -> None:
    window = started.window
    window.fit_to_screen()
    available = window.screen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()


def test_columns_are_fitted_and_the_commune_shown_when_several(started: Application) -> None:
    window = started.window
    window.resize(1366, 768)
    window.tabs.setCurrentWidget(window.commitments)
    choose(window, "Toutes les communes")
    QApplication.processEvents()
    page = window.commitments
    headers = [page.model.headerData(i, _horizontal()) for i in range(page.model.columnCount())]
    assert headers[:4] == ["Engagement", "Commune", "Statut", "Échéance"]
    commune_column = headers.index("Commune")
    assert not page.view.isColumnHidden(commune_column)
    choose(window, "Vénissieux")
    assert page.view.isColumnHidden(commune_column)
    # Amounts are never cut: the AP column is at least as wide as its widest amount.
    projects = window.projects
    ap = [c.header for c in projects.model.columns].index("AP")
    metrics = projects.view.fontMetrics()
    widest = max(
        metrics.horizontalAdvance(projects.model.columns[ap].display(record))
        for record in projects.model.records
    )
    assert projects.view.horizontalHeader().sectionSize(ap) >= widest
    # The meetings list names the meeting and its communes, not only its kind.
    meeting_headers = [window.meetings.model.headerData(i, _horizontal()) for i in range(4)]
    assert meeting_headers == ["Date", "Titre", "Communes", "Statut"]


def test_the_horizontal_scroll_is_reset_when_the_list_changes(started: Application) -> None:
    window = started.window
    window.resize(700, 600)
    window.tabs.setCurrentWidget(window.projects)
    QApplication.processEvents()
    bar = window.projects.view.horizontalScrollBar()
    for section in range(window.projects.model.columnCount()):
        window.projects.view.horizontalHeader().resizeSection(section, 300)
    QApplication.processEvents()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    choose(window, "Givors")
    assert bar.value() == 0


def _horizontal() -> object:
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_the_meetings_list_reads_whole_above_its_agenda_on_a_laptop(started: Application) -> None:
    window = started.window
    window.resize(1366, 768)
    choose(window, "Vénissieux")
    window.tabs.setCurrentWidget(window.meeting_split)
    window.meetings.view.selectRow(0)
    QApplication.processEvents()
    # Too narrow for both side by side: each is as wide as the tab, nothing runs off the right.
    assert window.meeting_split.orientation() == Qt.Orientation.Vertical
    assert window.meetings.view.horizontalScrollBar().maximum() == 0
    header = window.meetings.view.horizontalHeader()
    title = [c.name for c in window.meetings.model.columns].index("title")
    metrics = window.meetings.view.fontMetrics()
    widest = max(
        metrics.horizontalAdvance(window.meetings.model.columns[title].display(record))
        for record in window.meetings.model.records
    )
    assert header.sectionSize(title) >= widest
    assert window.agenda.width() >= window.meetings.width() - 24
    # A speaker is read whole when there is room, the item keeping the most of it.
    agenda = window.agenda.view
    meeting = window.agenda.meeting
    assert meeting is not None
    speaker_text = "Camille Lambert (présidente du syndicat)"
    with started.context.database.session() as session:
        save_agenda_item(
            session, meeting.id, AgendaItemDraft("Allocution d’accueil", speaker_text, 10)
        )
    window.agenda.reload()
    QApplication.processEvents()
    assert agenda.model().rowCount() == 1
    speaker = max(agenda.sizeHintForColumn(1), agenda.horizontalHeader().sectionSizeHint(1))
    assert agenda.horizontalHeader().sectionSize(1) >= speaker
    assert agenda.horizontalHeader().sectionSize(0) >= agenda.horizontalHeader().sectionSize(1)
    # On a wide screen the agenda sits beside its list again.
    window.resize(1920, 1000)
    QApplication.processEvents()
    assert window.tabs.width() >= 1500
    assert window.meeting_split.orientation() == Qt.Orientation.Horizontal
    assert window.agenda.width() >= window.agenda.minimumSizeHint().width()


def test_filter_hints_are_read_whole(started: Application) -> None:
    window = started.window
    window.resize(1366, 768)
    for page in window.list_pages():
        window.tabs.setCurrentWidget(window.meeting_split if page is window.meetings else page)
        QApplication.processEvents()
        hint = page.filter.placeholderText()
        assert page.filter.width() >= page.filter.fontMetrics().horizontalAdvance(hint) + 24, hint


def test_the_dashboard_cards_fill_the_page(started: Application) -> None:
    window = started.window
    window.resize(1366, 768)
    choose(window, "Vénissieux")
    window.tabs.setCurrentWidget(window.dashboard)
    QApplication.processEvents()
    dashboard = window.dashboard
    page_bottom = dashboard.viewport().height()
    card = dashboard.exchanges_card
    card_bottom = card.mapTo(dashboard.viewport(), QPoint(0, card.height())).y()
    assert page_bottom - card_bottom <= 30, (page_bottom, card_bottom)


def test_a_long_field_has_its_label_at_its_top(started: Application) -> None:
    editor = started.window.new_project()
    assert editor is not None
    editor.show()
    QApplication.processEvents()
    field = editor.fields["description"]
    caption = editor.form.labelForField(field.parentWidget())
    assert isinstance(caption, QLabel)
    field_top = field.mapTo(editor, QPoint(0, 0)).y()
    caption_top = caption.mapTo(editor, QPoint(0, 0)).y()
    # The label's text by the field's first line, not floating in the row above or beside.
    assert abs(caption_top - field_top) <= 8, (caption_top, field_top)
    code = editor.fields["code"]
    code_caption = editor.form.labelForField(code.parentWidget())
    assert isinstance(code_caption, QLabel)
    middle = code.mapTo(editor, QPoint(0, code.height() // 2)).y()
    caption_middle = code_caption.mapTo(editor, QPoint(0, code_caption.height() // 2)).y()
    assert abs(middle - caption_middle) <= 3
    editor.close()


def test_a_meeting_shows_every_commune_it_may_invite_without_scrolling(
    started: Application,
) -> None:
    window = started.window
    # A syndicate of eight communes, the size the editor is drawn for.
    first = window.communes[0]
    eight = [
        dataclasses.replace(first, id=uuid.uuid4(), name=f"{first.name} {number}")
        for number in range(8)
    ]
    editor = MeetingEditor(window.runner, eight, parent=window)
    editor.show()
    QApplication.processEvents()
    communes = editor.fields["communes"]
    assert isinstance(communes, QListWidget)
    assert communes.count() == 8
    assert communes.verticalScrollBar().maximum() == 0
    last = communes.visualItemRect(communes.item(communes.count() - 1))
    assert last.bottom() <= communes.viewport().height()
    editor.close()


def test_starting_empty_does_not_look_like_cancelling(qtbot: object) -> None:
    dialog = FirstStartDialog()
    cancel = dialog.style().standardIcon(QStyle.StandardPixmap.SP_DialogCancelButton)
    shown = dialog.empty_button.icon()
    assert dialog.empty_button.text() == "Commencer à vide"
    assert shown.pixmap(16).toImage() != cancel.pixmap(16).toImage()
    dialog.close()
