"""The fields the editors share: dates typed as « 20/01/2015 », combos, lines, tables."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from enum import Enum
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from sitiv_desktop.domain.records import CommuneRecord
from sitiv_desktop.i18n import N_, _

# The form a date is typed in, shown in an empty date field.
DATE_HINT = N_("dd/mm/yyyy")
ERROR_STYLE = "color: #b3261e;"


def date_text(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def calendar_icon() -> QIcon:
    """A small calendar, drawn: an emoji or a theme's icon is missing on many desktops."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QColor("#3c4a5a"))
    painter.setBrush(QColor("white"))
    painter.drawRect(1, 2, 13, 12)
    painter.fillRect(2, 3, 12, 3, QColor("#1f5f99"))
    for row in range(2):
        for column in range(3):
            painter.fillRect(4 + 3 * column, 8 + 3 * row, 2, 2, QColor("#3c4a5a"))
    painter.end()
    return QIcon(pixmap)


class DateField(QWidget):
    """A date typed as people write it (20/01/2015) or picked from a calendar; may be empty.

    What was typed is kept as typed, so that a wrong date is shown back with its message.
    """

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.edit = QLineEdit(date_text(value))
        self.edit.setPlaceholderText(_(DATE_HINT))
        self.edit.setMaximumWidth(160)
        row.addWidget(self.edit)
        self.button = QToolButton()
        self.button.setIcon(calendar_icon())
        self.button.setToolTip(_("Choose in a calendar"))
        self.button.setAccessibleName(_("Choose in a calendar"))
        self.button.clicked.connect(self.open_calendar)
        row.addWidget(self.button)
        row.addStretch(1)
        self.setFocusProxy(self.edit)
        self.popup: QCalendarWidget | None = None

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)

    def open_calendar(self) -> QCalendarWidget:
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setGridVisible(True)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        current = self._typed_date() or dt.date.today()
        calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        calendar.clicked.connect(self._picked)
        calendar.activated.connect(self._picked)
        calendar.move(self.mapToGlobal(self.button.geometry().bottomLeft()))
        calendar.show()
        self.popup = calendar
        return calendar

    def _picked(self, date: QDate) -> None:
        self.edit.setText(date.toString("dd/MM/yyyy"))
        if self.popup is not None:
            self.popup.close()
            self.popup = None

    def _typed_date(self) -> dt.date | None:
        try:
            return dt.datetime.strptime(self.edit.text().strip(), "%d/%m/%Y").date()
        except ValueError:
            return None


def select_data(combo: QComboBox, value: object) -> None:
    """Select the entry holding ``value``: Qt's ``findData`` compares Python objects by identity."""
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            combo.setCurrentIndex(index)
            return


def enum_combo(enum: type[Enum], current: Enum | None = None) -> QComboBox:
    combo = QComboBox()
    for member in enum:
        combo.addItem(member.label, member)  # type: ignore[attr-defined]
    if current is not None:
        select_data(combo, current)
    return combo


def commune_combo(
    communes: Sequence[CommuneRecord], current: uuid.UUID | None, none_label: str = ""
) -> QComboBox:
    combo = QComboBox()
    if none_label:
        combo.addItem(none_label, None)
    for commune in communes:
        combo.addItem(commune.name, commune.id)
    if current is not None:
        select_data(combo, current)
    return combo


def freeze(widget: QWidget) -> None:
    if isinstance(widget, QLineEdit | QPlainTextEdit | DateField):
        widget.setReadOnly(True)
    elif isinstance(widget, QAbstractItemView):
        widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        widget.setEnabled(False)
    else:
        widget.setEnabled(False)


def form_layout() -> QFormLayout:
    """The editors' form: each label at the top of its field, right-aligned. A one-line field's
    label reads on its line all the same (the form gives it the field's height); a description's
    label stays by its first line, and a label never drifts when an error shows under a field."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    return form


def line_field(value: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(value)
    # A long value is read from its start (Qt leaves the cursor, so the view, at its end).
    edit.setCursorPosition(0)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def long_text_field(value: str = "", height: int = 80) -> QPlainTextEdit:
    edit = QPlainTextEdit(value)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def choice_combo(choices: Sequence[tuple[str, Any]], current: Any, none_label: str) -> QComboBox:
    """A combo of (label, value) with a first « none » entry; the current value is selected."""
    combo = QComboBox()
    combo.addItem(none_label, None)
    for label, value in choices:
        combo.addItem(label, value)
    combo.setMaxVisibleItems(20)
    if current is not None:
        select_data(combo, current)
    return combo


def table_widget(headers: Sequence[str], rows: int = 0) -> QTableWidget:
    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setMinimumHeight(150)
    return table


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def set_cell(table: QTableWidget, row: int, column: int, text: str, editable: bool = True) -> None:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    table.setItem(row, column, item)
