"""The conflicts and refused changes of the local copy, in words (``sync.describing``), with the
choices: keep mine, keep the shared one or edit for a conflict; dismiss or retry for a refusal."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.i18n import _
from sitiv_desktop.sync.conflicts import Kept, dismiss_refused, resolve_conflict, retry_refused
from sitiv_desktop.sync.describing import (
    WITH_EDITOR,
    DescribedConflict,
    DescribedRefusal,
    Issues,
    describe_issues,
)
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.tasks import ALL, StoreRunner, emit

# The tables whose records have an editor in the window, and the change kind they notify.
EDITABLE = {
    kind.table: kind
    for kind in (RecordKind.PROJECT, RecordKind.COMMITMENT, RecordKind.MEETING, RecordKind.EXCHANGE)
}


class ConflictsDialog(QDialog):
    """Each conflict with both versions side by side; the refused changes with their reason."""

    settled = Signal()

    def __init__(
        self,
        runner: StoreRunner,
        edit_record: Callable[[str, Any], QDialog | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.edit_record = runner, edit_record
        self.conflicts: tuple[DescribedConflict, ...] = ()
        self.refused: tuple[DescribedRefusal, ...] = ()
        self.setWindowTitle(_("Conflicts and refused changes"))
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._conflicts_page(), _("Conflicts"))
        self.tabs.addTab(self._refused_page(), _("Refused changes"))
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    def _conflicts_page(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        self.conflict_list = QListWidget()
        self.conflict_list.setAccessibleName(_("Conflicts"))
        self.conflict_list.setMaximumWidth(300)
        self.conflict_list.currentRowChanged.connect(self._show_conflict)
        layout.addWidget(self.conflict_list)
        detail = QVBoxLayout()
        self.conflict_title = QLabel()
        self.conflict_title.setObjectName("panelTitle")
        self.conflict_title.setWordWrap(True)
        detail.addWidget(self.conflict_title)
        self.conflict_description = QLabel()
        self.conflict_description.setObjectName("muted")
        self.conflict_description.setWordWrap(True)
        detail.addWidget(self.conflict_description)
        self.comparison = _table(
            _("Both versions"), [_("Field"), _("My version"), _("Shared version")]
        )
        header = self.comparison.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        detail.addWidget(self.comparison, 1)
        row = QHBoxLayout()
        self.keep_mine_button = QPushButton(_("Keep mine"))
        self.keep_mine_button.clicked.connect(lambda: self.keep(Kept.MINE))
        self.keep_theirs_button = QPushButton(_("Keep the shared one"))
        self.keep_theirs_button.clicked.connect(lambda: self.keep(Kept.THEIRS))
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(
            _("Open the record with the shared version, to write the right one.")
        )
        self.edit_button.clicked.connect(self.edit)
        for button in (self.keep_mine_button, self.keep_theirs_button, self.edit_button):
            button.setAccessibleName(button.text())
            row.addWidget(button)
        row.addStretch(1)
        detail.addLayout(row)
        self.no_conflict = QLabel(_("No conflict: every change found its place."))
        self.no_conflict.setObjectName("muted")
        detail.addWidget(self.no_conflict)
        layout.addLayout(detail, 1)
        return page

    def _refused_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            _(
                "The shared database refused these changes; your copy went back to what it "
                "holds. Retry one once the reason is settled, or mark it as seen."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.refused_table = _table(
            _("Refused changes"), [_("Record"), _("Change"), _("Reason"), _("Noticed")]
        )
        self.refused_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.refused_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.refused_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.refused_table.itemSelectionChanged.connect(self._show_refused)
        layout.addWidget(self.refused_table, 2)
        self.sent_label = QLabel(_("What was sent"))
        layout.addWidget(self.sent_label)
        self.sent_table = _table(_("What was sent"), [_("Field"), _("Value sent")])
        self.sent_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.sent_table, 1)
        row = QHBoxLayout()
        self.retry_button = QPushButton(_("Retry"))
        self.retry_button.setToolTip(_("Make the change again: the next sync sends it anew."))
        self.retry_button.clicked.connect(self.retry)
        self.seen_button = QPushButton(_("I've seen it"))
        self.seen_button.setToolTip(
            _("Remove it from the list; your copy keeps the shared version.")
        )
        self.seen_button.clicked.connect(self.dismiss)
        for button in (self.retry_button, self.seen_button):
            button.setAccessibleName(button.text())
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    # Loading ------------------------------------------------------------------------------

    def load(self) -> None:
        self.runner.read(describe_issues, self._fill)

    def _fill(self, issues: Issues) -> None:
        self.conflicts, self.refused = issues.conflicts, issues.refused
        self.conflict_list.blockSignals(True)
        self.conflict_list.clear()
        for conflict in self.conflicts:
            item = QListWidgetItem(conflict.heading)
            item.setToolTip(conflict.description)
            self.conflict_list.addItem(item)
        self.conflict_list.blockSignals(False)
        self.conflict_list.setCurrentRow(0 if self.conflicts else -1)
        self._show_conflict(0 if self.conflicts else -1)
        _fill_table(
            self.refused_table,
            [(r.heading, r.operation, r.reason, r.noticed) for r in self.refused],
        )
        for row, refused in enumerate(self.refused):
            cell = self.refused_table.item(row, 2)
            if cell is not None:
                cell.setToolTip(refused.reason)
        self.refused_table.resizeColumnToContents(0)
        if self.refused:
            self.refused_table.selectRow(0)
        self._show_refused()
        count_conflicts, count_refused = len(self.conflicts), len(self.refused)
        self.tabs.setTabText(
            0,
            _("Conflicts ({count})").format(count=count_conflicts)
            if count_conflicts
            else _("Conflicts"),
        )
        self.tabs.setTabText(
            1,
            _("Refused changes ({count})").format(count=count_refused)
            if count_refused
            else _("Refused changes"),
        )
        if not count_conflicts and count_refused:
            self.tabs.setCurrentIndex(1)

    def current_conflict(self) -> DescribedConflict | None:
        row = self.conflict_list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def current_refused(self) -> DescribedRefusal | None:
        rows = self.refused_table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self.refused[row] if 0 <= row < len(self.refused) else None

    def _show_conflict(self, _row: int) -> None:
        conflict = self.current_conflict()
        has_one = conflict is not None
        for widget in (
            self.conflict_title,
            self.conflict_description,
            self.comparison,
            self.keep_mine_button,
            self.keep_theirs_button,
            self.edit_button,
        ):
            widget.setVisible(has_one)
        self.no_conflict.setVisible(not has_one)
        if conflict is None:
            self.comparison.setRowCount(0)
            return
        self.conflict_title.setText(conflict.heading)
        self.conflict_description.setText(conflict.description)
        _fill_table(self.comparison, [(f.label, f.mine, f.theirs) for f in conflict.fields])
        self.comparison.resizeRowsToContents()
        self.edit_button.setEnabled(conflict.editable)

    def _show_refused(self) -> None:
        refused = self.current_refused()
        _fill_table(self.sent_table, list(refused.fields) if refused is not None else [])
        self.sent_label.setVisible(bool(refused and refused.fields))
        self.sent_table.setVisible(bool(refused and refused.fields))
        self.retry_button.setEnabled(refused is not None)
        self.seen_button.setEnabled(refused is not None)

    def comparison_rows(self) -> list[tuple[str, ...]]:
        """What the comparison shows, row by row (for people reading it aloud, and for tests)."""
        return _rows(self.comparison)

    def refused_rows(self) -> list[tuple[str, ...]]:
        return _rows(self.refused_table)

    # Choosing -----------------------------------------------------------------------------

    def keep(self, side: Kept) -> None:
        conflict = self.current_conflict()
        if conflict is not None:
            self._resolve(conflict, side)

    def _resolve(self, conflict: DescribedConflict, side: Kept) -> None:
        def work(session: Session) -> None:
            resolve_conflict(session, conflict.id, side)

        def done(_result: None) -> None:
            # The record's kind was announced by the runner; the sync's own tables, which it
            # does not see, changed too: the status shows one conflict fewer.
            self.runner.notifier.notify(EDITABLE.get(conflict.table, ALL))
            self._settled()

        self.runner.write(work, done, lambda error: show_error(self, error))

    def edit(self) -> QDialog | None:
        """Open the record's editor; once saved, the edit settles the conflict."""
        conflict = self.current_conflict()
        if conflict is None or conflict.table not in WITH_EDITOR:
            return None
        kind = EDITABLE[conflict.table]
        row_id = uuid.UUID(conflict.row_id)
        opened: list[QDialog] = []

        def work(session: Session) -> Any:
            from sitiv_desktop.services import commitments, meetings, projects

            getters: dict[str, Callable[[Session, uuid.UUID], Any]] = {
                RecordKind.PROJECT: projects.get_project,
                RecordKind.COMMITMENT: commitments.get_commitment,
                RecordKind.MEETING: meetings.get_meeting,
            }
            return getters[kind](session, row_id)

        def loaded(record: Any) -> None:
            editor = self.edit_record(kind, record)
            if editor is None:
                return
            # The saved edit is newer than both versions: it is what the next sync sends.
            editor.accepted.connect(lambda: self._resolve(conflict, Kept.THEIRS))
            opened.append(editor)

        self.runner.read(work, loaded)
        return opened[0] if opened else None

    def dismiss(self) -> None:
        """« J’ai vu »: the refusal leaves the list; the copy keeps the shared version."""
        self._settle_refused(dismiss_refused)

    def retry(self) -> None:
        """« Réessayer »: the change is made again and waits in the outbox for the next sync."""
        self._settle_refused(retry_refused)

    def _settle_refused(self, action: Callable[[Session, str], None]) -> None:
        refused = self.current_refused()
        if refused is None:
            return

        def work(session: Session) -> None:
            action(session, refused.id)

        def done(_result: None) -> None:
            self.runner.notifier.notify(EDITABLE.get(refused.table, ALL))
            self._settled()

        self.runner.write(work, done, lambda error: show_error(self, error))

    def _settled(self) -> None:
        emit(self.settled)
        self.load()


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    return table


def _fill_table(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))


def _rows(table: QTableWidget) -> list[tuple[str, ...]]:
    rows = []
    for row in range(table.rowCount()):
        cells = (table.item(row, column) for column in range(table.columnCount()))
        rows.append(tuple(cell.text() if cell is not None else "" for cell in cells))
    return rows
