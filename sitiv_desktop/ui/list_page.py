"""One tab's list: a filter field, buttons, and a table whose columns fit or are remembered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sitiv_desktop.i18n import _, format_number, ngettext
from sitiv_desktop.ui.models import PagedTableModel, RecordTableModel, StoreSortProxy


class ListPage(QWidget):
    """A filter field, buttons and a table over a proxy; column widths are remembered."""

    def __init__(
        self,
        name: str,
        model: RecordTableModel,
        settings: QSettings,
        filter_hint: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.name, self.model, self.settings = name, model, settings
        self.proxy = StoreSortProxy(model, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        self.toolbar = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(filter_hint)
        self.filter.setAccessibleName(filter_hint)
        self.filter.setClearButtonEnabled(True)
        self.filter.setMaximumWidth(360)
        # The hint read whole: its text, the clear button and the frame's margins.
        hint_width = self.filter.fontMetrics().horizontalAdvance(filter_hint) + 48
        self.filter.setMinimumWidth(min(360, max(200, hint_width)))
        self.filter.textChanged.connect(self.proxy.set_filter_text)
        self.toolbar.addWidget(self.filter)
        self.toolbar.addStretch(1)
        self.count = QLabel()
        self.count.setObjectName("muted")
        self.toolbar.addWidget(self.count)
        layout.addLayout(self.toolbar)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setAccessibleName(name)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(28)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setSectionsMovable(True)
        layout.addWidget(self.view, 1)
        # No sort at first: the list keeps the order the services give (a paged model's sort
        # goes to the database through the proxy).
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        model.modelReset.connect(self._update_count)
        model.rowsInserted.connect(self._update_count)
        model.modelAboutToBeReset.connect(self._reset_starting)
        model.modelReset.connect(self._list_changed)
        self.user_sized = False
        self._fitting = False
        self.single_commune = False
        self._pending_state: QByteArray | None = None
        self.view.installEventFilter(self)
        self._restore_columns()
        header.sectionResized.connect(self._section_resized)
        header.sortIndicatorChanged.connect(lambda *_args: self._save_columns())

    def _settings_key(self) -> str:
        # The columns were reordered (important ones first): older saved states do not apply.
        return f"columns-v2/{self.name}"

    def _restore_columns(self) -> None:
        state = self.settings.value(self._settings_key(), None)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.view.horizontalHeader().restoreState(state)
            # Restored again once the first rows are in: a header not yet laid out may drop it.
            self._pending_state = state
            self.user_sized = True
        else:
            for section, column in enumerate(self.model.columns):
                self.view.horizontalHeader().resizeSection(section, column.width)

    def _section_resized(self, *_args: object) -> None:
        if self._fitting:
            return
        self.user_sized = True
        self._save_columns()

    def _save_columns(self) -> None:
        self.settings.setValue(self._settings_key(), self.view.horizontalHeader().saveState())

    def show_single_commune(self, single: bool) -> None:
        """The commune columns say the same thing on every row when one commune is shown."""
        self.single_commune = single
        fitting, self._fitting = self._fitting, True
        try:
            for section, column in enumerate(self.model.columns):
                if column.name == "commune" and self.name != "projects":
                    self.view.setColumnHidden(section, single)
        finally:
            self._fitting = fitting

    def _reset_starting(self) -> None:
        # Sections resized by the reset itself are not the user's doing.
        self._fitting = True

    def _list_changed(self) -> None:
        """A new list: back to its left edge, columns fitted to what it holds."""
        self._fitting = False
        self.view.horizontalScrollBar().setValue(0)
        if self.model.columnCount() != self.view.horizontalHeader().count():
            return
        if self._pending_state is not None:
            state, self._pending_state = self._pending_state, None
            self._fitting = True
            self.view.horizontalHeader().restoreState(state)  # may sort, hence reload
            self._fitting = False
        self.show_single_commune(self.single_commune)
        if not self.user_sized:
            if self.isVisible():
                self.fit_columns()
            else:  # a tab not shown: fitted when it is, not at each commune switch
                self._fit_pending = True

    _fit_pending = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fit_pending:
            self._fit_pending = False
            if not self.user_sized:
                self.fit_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The view's own resize, once its viewport has its new width: the title follows.
        if watched is self.view and event.type() == QEvent.Type.Resize and not self.user_sized:
            QTimer.singleShot(0, self.fit_columns)
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """Each column as wide as its header and the rows read (amounts never cut); the title
        takes what is left of the view's width."""
        header = self.view.horizontalHeader()
        bold = QFont(self.view.font())
        bold.setBold(True)
        # Measured bold: late rows are drawn bold, and bold is never narrower.
        metrics = QFontMetrics(bold)
        bold = QFont(self.view.font())
        bold.setBold(True)
        header_metrics = QFontMetrics(bold)
        rows = [self.model.record_at(row) for row in range(min(self.model.rowCount(), 200))]
        rows = [row for row in rows if row is not None]
        self._fitting = True
        try:
            widths: dict[int, int] = {}
            title_section = -1
            for section, column in enumerate(self.model.columns):
                if self.view.isColumnHidden(section):
                    continue
                widest = header_metrics.horizontalAdvance(_(column.header)) + 28
                for record in rows:
                    widest = max(widest, metrics.horizontalAdvance(column.display(record)) + 26)
                if column.name != "amount":
                    widest = min(widest, 380 if column.name == "title" else 240)
                if column.name == "title" and title_section < 0:
                    title_section = section
                widths[section] = widest
            room = (self.view.viewport().width() or self.view.width()) - 2
            used = sum(widths.values())
            if title_section >= 0 and used > room:
                # Too wide: the longest text columns give way first, down to their own width
                # (dates stay whole), never the amounts; then the title, which is what a row is
                # read by; what still does not fit is at the right (the least important).
                for section in sorted(widths, key=lambda s: -widths[s]):
                    if used <= room:
                        break
                    column = self.model.columns[section]
                    if column.name in ("amount", "title"):
                        continue
                    cut = min(widths[section] - min(column.width, 140), used - room)
                    if cut > 0:
                        widths[section] -= cut
                        used -= cut
                if used > room:
                    title = widths[title_section]
                    widths[title_section] = max(170, title - (used - room))
            elif title_section >= 0 and room > used:
                widths[title_section] += room - used
            for section, width in widths.items():
                header.resizeSection(section, width)
        finally:
            self._fitting = False

    def _update_count(self) -> None:
        total = (
            self.model.total if isinstance(self.model, PagedTableModel) else self.model.rowCount()
        )
        self.count.setText(
            ngettext("{count} row", "{count} rows", total).format(count=format_number(total))
        )

    def add_button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        self.toolbar.insertWidget(self.toolbar.count() - 2, button)
        return button

    def selected_record(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.record(rows[0]) if rows else None
