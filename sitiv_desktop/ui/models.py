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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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

from sitiv_desktop.domain.records import CommitmentRecord, PpiLineRecord
from sitiv_desktop.i18n import N_, _, format_date, format_money, format_percent, format_time
from sitiv_desktop.services.browsing import PageRequest, count_page_rows, fetch_page
from sitiv_desktop.services.text import natural_key
from sitiv_desktop.ui.tasks import StoreRunner

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE_SIZE = 200
LATE_COLOUR = QColor("#b3261e")

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


@dataclass(frozen=True)
class Column:
    """One column: its header (an English msgid), its text, its typed value and store sort key."""

    header: str
    display: Callable[[Any], str]
    value: Callable[[Any], Any] | None = None
    sort_key: str = ""
    right_aligned: bool = False
    name: str = ""
    width: int = 110


def _short_date(value: dt.date | None) -> str:
    return format_date(value, "short") if value is not None else "—"


def _money(value: Decimal | None) -> str:
    return format_money(value) if value is not None else "—"


LATE_MARK = "⚠ "


def _late_mark(record: Any) -> str:
    """Late rows carry a sign as well as a colour (and the word in the tooltip)."""
    return LATE_MARK if _is_late(record) else ""


PROJECT_COLUMNS = (
    Column(N_("Title"), lambda p: p.title, lambda p: p.title, "title", width=320, name="title"),
    Column(N_("Owner"), lambda p: p.owner_name, lambda p: p.owner_name, "owner", name="commune"),
    Column(N_("Status"), lambda p: p.status.label, lambda p: p.status.label, "status"),
    Column(N_("End"), lambda p: _short_date(p.end_date), lambda p: p.end_date, "end_date"),
    Column(
        N_("AP"),
        lambda p: _money(p.budget),
        lambda p: p.budget,
        right_aligned=True,
        name="amount",
    ),
    Column(
        N_("Progress"),
        lambda p: format_percent(p.progress),
        lambda p: p.progress,
        "progress",
        right_aligned=True,
    ),
    Column(N_("Code"), lambda p: p.code, lambda p: p.code, "code"),
    Column(N_("Domain"), lambda p: p.domain.label, lambda p: p.domain.label, "domain"),
)

COMMITMENT_COLUMNS = (
    Column(
        N_("Commitment"),
        lambda c: _late_mark(c) + c.title,
        lambda c: c.title,
        "title",
        width=340,
        name="title",
    ),
    Column(
        N_("Commune"), lambda c: c.commune_name, lambda c: c.commune_name, "commune", name="commune"
    ),
    Column(N_("Status"), lambda c: c.status.label, lambda c: c.status.label, "status"),
    Column(N_("Due date"), lambda c: _short_date(c.due_date), lambda c: c.due_date, "due_date"),
    Column(N_("Responsible"), lambda c: c.responsible, lambda c: c.responsible, "responsible"),
    Column(N_("Made on"), lambda c: _short_date(c.made_on), lambda c: c.made_on, "made_on"),
    Column(N_("Project"), lambda c: c.project_title, lambda c: c.project_title),
)

MEETING_COLUMNS = (
    Column(
        N_("Date"),
        lambda m: f"{format_date(m.starts_at.date(), 'short')} {format_time(m.starts_at)}",
        lambda m: m.starts_at,
        "starts_at",
        width=130,
    ),
    Column(N_("Title"), lambda m: m.title, lambda m: m.title, "title", width=260, name="title"),
    Column(
        N_("Communes"),
        lambda m: ", ".join(m.commune_names),
        lambda m: ", ".join(m.commune_names),
        name="communes",
    ),
    Column(N_("Status"), lambda m: m.status.label, lambda m: m.status.label, "status"),
    Column(N_("Kind"), lambda m: m.kind.label, lambda m: m.kind.label, "kind", width=170),
    Column(N_("Place"), lambda m: m.place, lambda m: m.place, "place"),
)

EXCHANGE_COLUMNS = (
    Column(
        N_("Date"), lambda e: _short_date(e.occurred_on), lambda e: e.occurred_on, "occurred_on"
    ),
    Column(
        N_("Subject"), lambda e: e.subject, lambda e: e.subject, "subject", width=340, name="title"
    ),
    Column(
        N_("Commune"), lambda e: e.commune_name, lambda e: e.commune_name, "commune", name="commune"
    ),
    Column(N_("Author"), lambda e: e.author, lambda e: e.author, "author"),
    Column(N_("Channel"), lambda e: e.channel.label, lambda e: e.channel.label, "channel"),
    Column(N_("Direction"), lambda e: e.direction.label, lambda e: e.direction.label, "direction"),
)

STAKE_COLUMNS = (
    Column(N_("Action"), lambda s: s.action, lambda s: s.action, "action", width=320, name="title"),
    Column(
        N_("Commune"), lambda s: s.commune_name, lambda s: s.commune_name, "commune", name="commune"
    ),
    Column(
        N_("Priority"),
        lambda s: s.priority.label,
        lambda s: s.priority.codes().index(s.priority.value),
        "priority",
    ),
    Column(
        N_("Progress"),
        lambda s: format_percent(s.progress),
        lambda s: s.progress,
        "progress",
        right_aligned=True,
    ),
    Column(N_("Axis"), lambda s: s.axis, lambda s: s.axis, "axis", width=200),
    Column(N_("Line"), lambda s: s.line, lambda s: s.line, "line", width=220),
    Column(N_("Projects"), lambda s: ", ".join(s.project_titles), lambda s: len(s.project_titles)),
)

AGENDA_COLUMNS = (
    Column(N_("Item"), lambda a: a.title, width=220),
    Column(N_("Presenter"), lambda a: a.presenter),
    Column(
        N_("Duration"),
        lambda a: _("{minutes} min").format(minutes=a.duration_minutes),
        lambda a: a.duration_minutes,
        right_aligned=True,
    ),
    Column(N_("Linked to"), lambda a: a.linked_label),
    Column(N_("Outcome"), lambda a: a.outcome.label),
)


def _remaining(line: PpiLineRecord) -> Decimal | None:
    """« Reste à programmer »: the AP in force less the CP already spread over the years."""
    if line.ap is None:
        return None
    return line.ap - sum(line.cp_by_year.values(), Decimal(0))


def ppi_columns(years: Sequence[int]) -> tuple[Column, ...]:
    """PPI lines: the project, its payer, the AP, each year's CP and what remains to plan."""

    def cp_of(year: int) -> Column:
        return Column(
            _("CP {year}").format(year=year),
            lambda r: format_money(r.cp_by_year.get(year, Decimal(0))),
            lambda r: r.cp_by_year.get(year, Decimal(0)),
            right_aligned=True,
            name="amount",
        )

    return (
        Column(
            N_("Project"),
            lambda r: f"{r.project_code} — {r.project_title}",
            lambda r: r.project_title,
            width=300,
            name="title",
        ),
        Column(N_("Owner"), lambda r: r.owner_name, lambda r: r.owner_name, name="commune"),
        Column(N_("AP"), lambda r: _money(r.ap), lambda r: r.ap, right_aligned=True, name="amount"),
        *(cp_of(year) for year in years),
        Column(
            N_("Left to plan"),
            lambda r: _money(_remaining(r)),
            _remaining,
            right_aligned=True,
            name="amount",
        ),
    )


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
            return column.display(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            shown = column.display(record)
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
