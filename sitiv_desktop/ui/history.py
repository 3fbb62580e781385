"""« Historique »: who changed which field of a record, when, from what to what."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.i18n import N_, _, format_datetime, ngettext
from sitiv_desktop.services.history import HistoryEvent, describe_value, names_for, record_history
from sitiv_desktop.ui.tasks import StoreRunner

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


def _op_label(op: str) -> str:
    return {"insert": _("creation"), "update": _("change"), "delete": _("deletion")}.get(op, op)


class HistoryModel(QAbstractTableModel):
    """One row per changed field: when, who, what kind of change, which field, before, after."""

    HEADERS = (N_("When"), N_("Who"), N_("Change"), N_("Field"), N_("Before"), N_("After"))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, str, str, str, str, str, bool]] = []

    def set_events(self, events: list[HistoryEvent], names: dict[str, str]) -> None:
        self.beginResetModel()
        self.rows = []
        for event in events:
            when = format_datetime(event.at, "short") if event.at else _("not synced yet")
            changes = event.changes or ()
            if not changes:
                self.rows.append(
                    (when, event.author, _op_label(event.op), "", "", "", event.pending)
                )
            for change in changes:
                self.rows.append(
                    (
                        when,
                        event.author,
                        _op_label(event.op),
                        change.label,
                        describe_value(change.old, names),
                        describe_value(change.new, names),
                        event.pending,
                    )
                )
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return _(self.HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()]
        if role == Qt.ItemDataRole.FontRole and row[6]:
            font = QFont()
            font.setItalic(True)
            return font
        return None


class HistoryDialog(QDialog):
    """The history of one record, read on the store runner."""

    def __init__(
        self,
        runner: StoreRunner,
        table: str,
        record_id: uuid.UUID,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("History — {title}").format(title=title))
        self.resize(820, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = HistoryModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("History"))
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        def work(session: Session) -> tuple[list[HistoryEvent], dict[str, str]]:
            events = record_history(session, table, record_id)
            return events, names_for(session, events)

        runner.read(work, self._fill)

    def _fill(self, result: tuple[list[HistoryEvent], dict[str, str]]) -> None:
        events, names = result
        self.model.set_events(events, names)
        if not events:
            self.summary.setText(
                _("No change recorded yet: the history fills in as the copy is synced.")
            )
        else:
            pending = sum(1 for event in events if event.pending)
            count = len(events)
            text = ngettext("{count} change recorded.", "{count} changes recorded.", count).format(
                count=count
            )
            if pending:
                text += " " + _("Changes in italics are on this computer only, not synced yet.")
            self.summary.setText(text)
