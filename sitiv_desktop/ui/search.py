"""One search field over everything (Ctrl+F): results grouped by kind, Enter opens the record.

Each kind shows a few hits, those matching in their title first, and « N autres » when it has
more; activating that row brings up to ``MORE`` of that kind. A commune is found by its name or
its INSEE code (``services.search.search_grouped``).
"""

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

from sitiv_desktop.domain.records import SearchHit
from sitiv_desktop.i18n import _, ngettext
from sitiv_desktop.services.search import SearchGroup, search_grouped
from sitiv_desktop.ui.tasks import StoreRunner, emit

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
MORE_ROLE = Qt.ItemDataRole.UserRole + 2
PER_KIND = 5
MORE = 50
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
        self.field.setPlaceholderText(
            _("Search communes (name or INSEE code), projects, meetings, contacts…")
        )
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
        self.groups: list[SearchGroup] = []
        self.hits: list[SearchHit] = []

    def run_search(self) -> None:
        """Search now for what the field holds."""
        self._timer.stop()
        self._search(self.field.text(), PER_KIND, None)

    def _search(self, typed: str, per_kind: int, widened: str | None) -> None:
        self._generation += 1
        generation = self._generation

        def done(groups: list[SearchGroup]) -> None:
            if generation != self._generation:
                return
            if widened is not None:
                # Only the kind asked for shows more; the others keep their few.
                wider = {group.kind: group for group in groups}
                groups = [wider.get(g.kind, g) if g.kind == widened else g for g in self.groups]
            self._show(groups)

        self.runner.read(lambda session: search_grouped(session, typed, per_kind=per_kind), done)

    def _show(self, groups: list[SearchGroup]) -> None:
        self.groups = groups
        self.hits = [hit for group in groups for hit in group.hits]
        self.results.clear()
        for group in groups:
            header = QTreeWidgetItem([group.label, _count_text(group.total, group.capped)])
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.results.addTopLevelItem(header)
            for position, hit in enumerate(group.hits):
                item = QTreeWidgetItem(header, [hit.title, ", ".join(hit.commune_names)])
                item.setData(0, HIT_ROLE, hit)
                if position >= group.title_matches and hit.snippet:
                    # Found in its text, not its title: the words around say why it is here.
                    item.setText(0, f"{hit.title} — {hit.snippet}")
                item.setToolTip(0, hit.snippet or hit.title)
            if group.others:
                more = QTreeWidgetItem(header, [_others_text(group)])
                more.setData(0, MORE_ROLE, group.kind)
                font = more.font(0)
                font.setItalic(True)
                more.setFont(0, font)
                more.setToolTip(0, _("Show more of them"))
        self.results.expandAll()
        self.results.resizeColumnToContents(1)
        self.results.setColumnWidth(0, max(300, self.results.width() - 200))
        total = sum(group.total for group in groups)
        if self.field.text().strip():
            self.summary.setText(
                ngettext("{count} result", "{count} results", total).format(count=total)
                + ("+" if any(group.capped for group in groups) else "")
                if groups
                else _("Nothing found.")
            )
        else:
            self.summary.clear()
        first = self._first_hit_item()
        if first is not None and self.results.currentItem() is None:
            self.results.setCurrentItem(first)

    def group_rows(self) -> list[tuple[str, list[str]]]:
        """What the results show: each kind's header and its rows (for tests, and reading aloud)."""
        rows = []
        for index in range(self.results.topLevelItemCount()):
            header = self.results.topLevelItem(index)
            if header is None:
                continue
            children = [
                child.text(0)
                for i in range(header.childCount())
                if (child := header.child(i)) is not None
            ]
            rows.append((header.text(0), children))
        return rows

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
        kind = item.data(0, MORE_ROLE)
        if isinstance(kind, str):
            self._search(self.field.text(), MORE, kind)
            return
        hit = item.data(0, HIT_ROLE)
        if isinstance(hit, SearchHit):
            emit(self.opened, hit)
            self.accept()


def _count_text(total: int, capped: bool) -> str:
    return f"{total}+" if capped else str(total)


def _others_text(group: SearchGroup) -> str:
    if group.capped:
        return _("{count}+ others…").format(count=group.others)
    return ngettext("{count} other…", "{count} others…", group.others).format(count=group.others)
