"""Qt table models over the store: pages fetched as the view scrolls, sorted by the database.

Like Vorta's, every model gives a display role, a sort role (the typed value) and a record role
(the frozen domain record), and a ``QSortFilterProxyModel`` sits between model and view. A
paged model never holds a whole table: it reads ``PAGE_SIZE`` rows at a time through the store
runner, and the proxy hands sorting and the text filter down to it, so that the database orders
all the rows, not only those already read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from sitiv_desktop.domain.records import CommitmentRecord
from sitiv_desktop.i18n import _
from sitiv_desktop.services.browsing import PageRequest, count_page_rows, fetch_page
from sitiv_desktop.services.columns import (
    AGENDA_LIST,
    COMMITMENT_LIST,
    EXCHANGE_LIST,
    MEETING_LIST,
    PROJECT_LIST,
    STAKE_LIST,
    ListColumn,
    ppi_list,
)
from sitiv_desktop.services.text import natural_key
from sitiv_desktop.ui.tasks import StoreRunner

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE_SIZE = 200
LATE_COLOUR = QColor("#b3261e")

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


# The columns of each kind are declared once, Qt-free, in ``services.columns``.
Column = ListColumn
PROJECT_COLUMNS = PROJECT_LIST
COMMITMENT_COLUMNS = COMMITMENT_LIST
MEETING_COLUMNS = MEETING_LIST
EXCHANGE_COLUMNS = EXCHANGE_LIST
STAKE_COLUMNS = STAKE_LIST
AGENDA_COLUMNS = AGENDA_LIST
ppi_columns = ppi_list

LATE_MARK = "⚠ "


def _shown(column: Column, record: Any) -> str:
    """The cell's text; a late commitment's title carries a sign as well as a colour (and the
    word in the tooltip)."""
    text = column.display(record)
    if column.name == "title" and _is_late(record):
        return LATE_MARK + text
    return text


class RecordTableModel(QAbstractTableModel):
    """Rows of frozen records shown through column specifications."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.records: list[Any] = []

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return _(self.columns[section].header)
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        record = self.record_at(index.row())
        if record is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _shown(column, record)
        if role == Qt.ItemDataRole.ToolTipRole:
            shown = _shown(column, record)
            note = column.note(record) if column.note is not None else ""
            if note:
                return _("{text} — {note}").format(text=shown, note=note)
            return _("Late: {text}").format(text=shown) if _is_late(record) else shown
        if role == SORT_ROLE:
            value = column.value(record) if column.value else column.display(record)
            return _sortable(value)
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column.right_aligned else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and _is_late(record):
            return QBrush(LATE_COLOUR)
        if role == Qt.ItemDataRole.FontRole and _is_late(record):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def record_at(self, row: int) -> Any:
        return self.records[row]

    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()


def _sortable(value: Any) -> Any:
    """Qt compares variants of a few types: dates as ISO text, amounts as floats, text by its
    natural key; an empty value stays None so that the proxy puts it last."""
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return natural_key(value) if value else None
    return value


def _is_late(record: Any) -> bool:
    return isinstance(record, CommitmentRecord) and record.is_late(dt.date.today())


class PagedTableModel(RecordTableModel):
    """A list of one kind, read from the store a page at a time as the view scrolls.

    The model says at once how many rows the list has (so the scroll bar is true and Ctrl+End
    reaches the last row); a row not read yet shows « … » and asks for its page, which arrives
    through the store runner and replaces the placeholders.
    """

    def __init__(
        self,
        runner: StoreRunner,
        kind: str,
        columns: Sequence[Column],
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(columns, parent)
        self.runner = runner
        self.page_size = page_size
        self.request = PageRequest(kind=kind, limit=page_size)
        self.total = 0
        self.rows: list[Any] = []
        self._pending: set[int] = set()
        self._generation = 0

    @property
    def records(self) -> list[Any]:
        """The rows read so far, in list order."""
        return [row for row in self.rows if row is not None]

    @records.setter
    def records(self, value: list[Any]) -> None:
        self.rows = list(value)

    # What is shown -----------------------------------------------------------------------

    def set_commune(self, commune_id: uuid.UUID | None, load: bool = True) -> None:
        """Show this commune's rows (all without one); read later when ``load`` is false."""
        self.request = replace(self.request, commune_id=commune_id)
        if load:
            self.reload()

    def set_text(self, text: str) -> None:
        if text != self.request.text:
            self.request = replace(self.request, text=text)
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort_key if 0 <= column < len(self.columns) else ""
        descending = order == Qt.SortOrder.DescendingOrder
        self.request = replace(self.request, sort_key=key, descending=descending)
        self.reload()

    def reload(self) -> None:
        """Read the count and the first page again; older answers still on their way are dropped."""
        self._generation += 1
        generation = self._generation
        request = replace(self.request, offset=0)

        def work(session: Any) -> tuple[int, list[Any]]:
            return count_page_rows(session, request), fetch_page(session, request)

        def done(result: tuple[int, list[Any]]) -> None:
            if generation != self._generation:
                return
            total, first = result[0], list(result[1])
            self.beginResetModel()
            self.total = max(total, len(first))
            self.rows = first + [None] * (self.total - len(first))
            self._pending = set()
            self.endResetModel()

        self.runner.read(work, done)

    # Reading pages -----------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def record_at(self, row: int) -> Any:
        return self.rows[row]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        if self.rows[index.row()] is None:
            self._fetch_page(index.row() // self.page_size)
            if self.rows[index.row()] is None:  # still on its way
                return "…" if role == Qt.ItemDataRole.DisplayRole else None
        return super().data(index, role)

    def _fetch_page(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        generation = self._generation
        request = replace(self.request, offset=page * self.page_size)

        def done(rows: list[Any]) -> None:
            if generation != self._generation:
                return
            first = page * self.page_size
            last = min(first + len(rows), len(self.rows)) - 1
            if last < first:
                return
            self.rows[first : last + 1] = rows[: last - first + 1]
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

        self.runner.read(lambda session: fetch_page(session, request), done)

    def load_all_pages(self) -> None:
        """Ask for every page not read yet (tests, exports of what is shown)."""
        for page in range((len(self.rows) + self.page_size - 1) // self.page_size):
            if any(row is None for row in self.rows[page * self.page_size :][: self.page_size]):
                self._fetch_page(page)


class StoreSortProxy(QSortFilterProxyModel):
    """Sorts and filters by the sort role; for a paged model, hands both to the database."""

    def __init__(self, source: RecordTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self._order = Qt.SortOrder.AscendingOrder
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setSortLocaleAware(True)

    @property
    def paged(self) -> PagedTableModel | None:
        source = self.sourceModel()
        return source if isinstance(source, PagedTableModel) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.paged is not None:
            self.paged.sort(column, order)
        else:
            self._order = order
            super().sort(column, order)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        """Natural order of the sort role; an empty value comes last in either direction."""
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            if a is None and b is None:
                return False
            # Qt reverses the answer for a descending sort: keep empties at the bottom.
            descending = self._order == Qt.SortOrder.DescendingOrder
            return (a is None) == descending
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)

    def set_filter_text(self, text: str) -> None:
        if self.paged is not None:
            self.paged.set_text(text.strip())
        else:
            self.setFilterFixedString(text.strip())

    def record(self, index: QModelIndex) -> Any:
        return self.data(index, RECORD_ROLE) if index.isValid() else None
