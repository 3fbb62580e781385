"""One search field over everything (Ctrl+F): results grouped by kind, Enter opens the record."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitiv_desktop.domain.kinds import RecordKind, kind_label
from sitiv_desktop.domain.records import SearchHit
from sitiv_desktop.i18n import _, ngettext
from sitiv_desktop.services.search import search
from sitiv_desktop.ui.tasks import StoreRunner, emit

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
RESULTS = 100
TYPING_PAUSE_MS = 150


class SearchField(QLineEdit):
    """Down arrow goes to the results, Enter opens the first one."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            emit(self.down_pressed)
            return
        super().keyPressEvent(event)


class SearchDialog(QDialog):
    """Search as you type; ``opened`` carries the hit chosen."""

    opened = Signal(object)

    def __init__(self, runner: StoreRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(_("Search"))
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        self.field = SearchField()
        self.field.setPlaceholderText(_("Search projects, commitments, meetings, exchanges…"))
        self.field.setAccessibleName(_("Search"))
        self.field.setClearButtonEnabled(True)
        layout.addWidget(self.field)
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        layout.addWidget(self.summary)
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setColumnCount(2)
        self.results.setAccessibleName(_("Search results"))
        self.results.setRootIsDecorated(False)
        self.results.itemActivated.connect(self._activated)
        layout.addWidget(self.results, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.run_search)
        self.field.textChanged.connect(lambda _text: self._timer.start())
        self.field.returnPressed.connect(self.open_current)
        self.field.down_pressed.connect(self._focus_results)
        self._generation = 0
        self.hits: list[SearchHit] = []

    def run_search(self) -> None:
        """Search now for what the field holds."""
        self._timer.stop()
        typed = self.field.text()
        self._generation += 1
        generation = self._generation

        def done(hits: list[SearchHit]) -> None:
            if generation == self._generation:
                self._show(hits)

        self.runner.read(lambda session: search(session, typed, limit=RESULTS), done)

    def _show(self, hits: list[SearchHit]) -> None:
        self.hits = hits
        self.results.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        order: list[str] = list(RecordKind)
        for hit in sorted(hits, key=lambda h: order.index(h.kind) if h.kind in order else 99):
            group = groups.get(hit.kind)
            if group is None:
                group = QTreeWidgetItem([kind_label(hit.kind)])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.results.addTopLevelItem(group)
                groups[hit.kind] = group
            item = QTreeWidgetItem(group, [hit.title, ", ".join(hit.commune_names)])
            item.setData(0, HIT_ROLE, hit)
            item.setToolTip(0, hit.snippet)
        self.results.expandAll()
        self.results.resizeColumnToContents(1)
        self.results.setColumnWidth(0, max(300, self.results.width() - 200))
        if self.field.text().strip():
            self.summary.setText(
                ngettext("{count} result", "{count} results", len(hits)).format(count=len(hits))
                if hits
                else _("Nothing found.")
            )
        else:
            self.summary.clear()
        first = self._first_hit_item()
        if first is not None:
            self.results.setCurrentItem(first)

    def _first_hit_item(self) -> QTreeWidgetItem | None:
        if self.results.topLevelItemCount() == 0:
            return None
        group = self.results.topLevelItem(0)
        return group.child(0) if group is not None and group.childCount() else None

    def _focus_results(self) -> None:
        self.results.setFocus()

    def open_current(self) -> None:
        if self._timer.isActive():
            self.run_search()
        item = self.results.currentItem() or self._first_hit_item()
        if item is not None:
            self._activated(item)

    def _activated(self, item: QTreeWidgetItem) -> None:
        hit = item.data(0, HIT_ROLE)
        if isinstance(hit, SearchHit):
            emit(self.opened, hit)
            self.accept()
