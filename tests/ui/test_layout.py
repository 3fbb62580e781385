"""The window at home on a 13-inch laptop: everything in view at 1366×768, at 1920×1080 at 150 %
(which leaves the same 1280×720 logical pixels), and columns fitted to what they hold."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from sitiv_desktop.ui.app import Application
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
