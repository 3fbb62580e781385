"""What the parts of the main window share: its state, its widgets and where the user is.

``MainWindow`` (``ui.window``) builds what is declared here; its parts, each a class on the one
below (``WindowParts`` ← ``RecordActions`` ← ``WindowTools`` ← ``WindowMenus`` ← ``MainWindow``),
read it. Only the few questions every part asks (which list is shown, which commune) are
answered here.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QListWidget, QMainWindow, QSplitter, QTabWidget

from sitiv_desktop.context import Context
from sitiv_desktop.domain.records import CommuneRecord
from sitiv_desktop.i18n import _
from sitiv_desktop.ui.agenda import AgendaPanel
from sitiv_desktop.ui.commune_list import COMMUNE_ROLE
from sitiv_desktop.ui.dashboard import Dashboard
from sitiv_desktop.ui.list_page import ListPage
from sitiv_desktop.ui.tasks import ChangeNotifier, StoreRunner

if TYPE_CHECKING:
    from sitiv_desktop.ui.syncing import SyncController


class WindowParts(QMainWindow):
    """The main window's state and widgets, as ``MainWindow`` builds them."""

    context: Context
    runner: StoreRunner
    notifier: ChangeNotifier
    settings: QSettings
    communes: list[CommuneRecord]
    commune_id: uuid.UUID | None
    undo_stack: QUndoStack
    commune_list: QListWidget
    tabs: QTabWidget
    dashboard: Dashboard
    projects: ListPage
    commitments: ListPage
    meetings: ListPage
    exchanges: ListPage
    stakes: ListPage
    ppi: ListPage
    agenda: AgendaPanel
    sync: SyncController
    _tasks: list[Any]

    def commune_name(self) -> str:
        for commune in self.communes:
            if commune.id == self.commune_id:
                return commune.name
        return _("All communes")

    def select_commune(self, commune_id: uuid.UUID | None) -> None:
        for row in range(self.commune_list.count()):
            item = self.commune_list.item(row)
            if item.data(COMMUNE_ROLE) == commune_id:
                self.commune_list.setCurrentItem(item)
                return

    def current_page(self) -> ListPage | None:
        widget = self.tabs.currentWidget()
        if isinstance(widget, ListPage):
            return widget
        if isinstance(widget, QSplitter):
            return self.meetings
        return None

    def list_pages(self) -> tuple[ListPage, ...]:
        return (
            self.projects,
            self.commitments,
            self.meetings,
            self.exchanges,
            self.stakes,
            self.ppi,
        )
