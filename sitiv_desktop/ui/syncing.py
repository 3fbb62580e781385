"""The sync in the window: connecting, syncing in the background, the status, the conflicts.

The sync itself (``sitiv_desktop.sync``) knows nothing of Qt: it runs as a long task on the store
runner's one worker, so it never races an edit, and reports its progress to the status bar.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from babel.dates import format_timedelta
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.context import Context
from sitiv_desktop.domain import enums
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.errors import Cancelled, ExternalError, UserError
from sitiv_desktop.i18n import N_, _, babel_locale, format_date, format_timestamp, ngettext
from sitiv_desktop.sync.client import SyncSummary
from sitiv_desktop.sync.conflicts import (
    ConflictRecord,
    RefusedRecord,
    dismiss_refused,
    list_conflicts,
    list_refused,
    resolve_conflict,
)
from sitiv_desktop.sync.status import SyncStatus, read_sync_status, summary_sentence
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.first_start import Connection, ConnectionDialog
from sitiv_desktop.ui.tasks import ChangeNotifier, LongTask, StoreRunner, TaskState, emit

if TYPE_CHECKING:
    from sitiv_desktop.credentials import Credentials

# The tables whose records have an editor in the window, and the change kind they notify.
EDITABLE = {
    kind.table: kind
    for kind in (RecordKind.PROJECT, RecordKind.COMMITMENT, RecordKind.MEETING, RecordKind.EXCHANGE)
}

FIELD_LABELS = {
    "action": N_("Action"),
    "author": N_("Author"),
    "axis": N_("Axis"),
    "channel": N_("Channel"),
    "code": N_("Code"),
    "description": N_("Description"),
    "direction": N_("Direction"),
    "domain": N_("Domain"),
    "due_date": N_("Due date"),
    "end_date": N_("End"),
    "follow_up": N_("Follow-up"),
    "kind": N_("Kind"),
    "line": N_("Line"),
    "made_on": N_("Made on"),
    "mayor": N_("Mayor"),
    "name": N_("Name"),
    "place": N_("Place"),
    "population": N_("Population"),
    "presenter": N_("Presenter"),
    "progress": N_("Progress"),
    "responsible": N_("Responsible"),
    "start_date": N_("Start"),
    "status": N_("Status"),
    "subject": N_("Subject"),
    "summary": N_("Summary"),
    "title": N_("Title"),
}

# Stored codes shown by their label ("study" → « étude »).
ENUM_FIELDS: dict[tuple[str, str], type[enums.LabelledEnum]] = {
    ("projects", "status"): enums.ProjectStatus,
    ("projects", "domain"): enums.ProjectDomain,
    ("commitments", "status"): enums.CommitmentStatus,
    ("meetings", "kind"): enums.MeetingKind,
    ("meetings", "status"): enums.MeetingStatus,
    ("exchanges", "channel"): enums.ExchangeChannel,
    ("exchanges", "direction"): enums.ExchangeDirection,
    ("contacts", "role"): enums.ContactRole,
    ("mandate_stakes", "priority"): enums.Priority,
    ("agenda_items", "outcome"): enums.OutcomeKind,
    ("communes", "metropole"): enums.Metropole,
}

# The records the conflicts view can open in their editor.
WITH_EDITOR = ("projects", "commitments", "meetings")

# Columns that say nothing to a person comparing two versions.
HIDDEN_FIELDS = {"id"}


def format_elapsed(delta: dt.timedelta) -> str:
    """« 5 min », « 2 h », « 3 j » in the current language."""
    return format_timedelta(max(delta, dt.timedelta(0)), format="short", locale=babel_locale())


def status_text(
    configured: bool, reachable: bool, status: SyncStatus, now: dt.datetime | None = None
) -> str:
    """« Hors ligne », « Connecté », « Dernière synchronisation il y a 5 min », then what waits."""
    if not configured or not reachable:
        text_ = _("Offline")
    elif status.last_sync_at is None:
        text_ = _("Connected")
    else:
        elapsed = (now or dt.datetime.now()) - status.last_sync_at
        if elapsed < dt.timedelta(minutes=1):
            text_ = _("Synchronised just now")
        else:
            text_ = _("Last synchronised {ago} ago").format(ago=format_elapsed(elapsed))
    if status.pending:
        text_ += " · " + ngettext(
            "{count} change waiting", "{count} changes waiting", status.pending
        ).format(count=status.pending)
    return text_


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return _(label) if label else name


def display_value(table: str, name: str, value: Any) -> str:
    """A stored value as a person reads it: labels for codes, French dates, « — » for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    labelled = ENUM_FIELDS.get((table, name))
    if labelled is not None:
        try:
            return labelled(value).label
        except ValueError:
            return str(value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return format_date(dt.date.fromisoformat(value), "short")
            return format_timestamp(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def compared_fields(conflict: ConflictRecord) -> list[tuple[str, str, str]]:
    """(label, mine, theirs) for each field to choose between; a deleted side reads « Supprimé »."""
    mine, theirs = conflict.mine, conflict.theirs
    if conflict.kind == "field":
        names = sorted(set(mine or {}) | set(theirs or {}))
    elif mine is not None and theirs is not None:
        names = [n for n in mine if n not in HIDDEN_FIELDS and mine.get(n) != theirs.get(n)]
    else:
        names = [n for n in (mine or theirs or {}) if n not in HIDDEN_FIELDS]
    deleted = _("(deleted)")
    rows = []
    for name in names:
        mine_text = deleted if mine is None else display_value(conflict.table, name, mine.get(name))
        theirs_text = (
            deleted if theirs is None else display_value(conflict.table, name, theirs.get(name))
        )
        rows.append((field_label(name), mine_text, theirs_text))
    return rows


def refused_title(refused: RefusedRecord) -> str:
    fields = refused.change.get("fields") or {}
    for name in ("title", "name", "subject", "full_name", "action", "code"):
        if fields.get(name):
            return str(fields[name])
    return refused.row_id[:8]


# --- the controller ------------------------------------------------------------------------------


class SyncController(QObject):
    """The « Synchroniser » action, its progress and summary, and the status of the copy."""

    def __init__(
        self,
        window: QMainWindow,
        context: Context,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        undo_stack: QUndoStack,
        edit_record: Callable[[str, Any], QDialog | None],
    ) -> None:
        super().__init__(window)
        self.window, self.context, self.runner = window, context, runner
        self.notifier, self.undo_stack, self.edit_record = notifier, undo_stack, edit_record
        self._credentials: Credentials | None = None
        self.task: LongTask | None = None
        self._checks: list[LongTask] = []
        self.reachable = True
        self.status = SyncStatus(None, 0, 0, 0)
        self.conflicts_dialog: ConflictsDialog | None = None
        self._tokens: dict[tuple[str, str], str] = {}
        self._waiting: LongTask | None = None
        self._build_widgets()
        self._build_actions()
        notifier.changed.connect(lambda _kind: self.refresh_status())
        # The text says « il y a 5 min »: only the wording ages, the copy is not read again.
        self.clock = QTimer(self)
        self.clock.setInterval(60_000)
        self.clock.timeout.connect(self.show_status)
        self.clock.start()
        self.refresh_status()

    def _build_widgets(self) -> None:
        bar = self.window.statusBar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(_("Progress of the synchronisation"))
        self.progress.hide()
        self.cancel_button = QPushButton(_("Stop"))
        self.cancel_button.setAccessibleName(_("Stop the synchronisation"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.issues_button = QPushButton()
        self.issues_button.setFlat(True)
        self.issues_button.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.issues_button.clicked.connect(self.open_conflicts)
        self.issues_button.hide()
        self.label = QLabel(_("Offline"))
        self.label.setAccessibleName(_("Connection status"))
        self.button = QPushButton(_("Synchronise"))
        self.button.setAccessibleName(_("Synchronise"))
        self.button.setToolTip(_("Send your changes and receive the others' (F5)"))
        self.button.clicked.connect(self.sync_now)
        for widget in (
            self.progress,
            self.cancel_button,
            self.issues_button,
            self.label,
            self.button,
        ):
            bar.addPermanentWidget(widget)

    def _build_actions(self) -> None:
        def action(text_: str, slot: Callable[[], Any], shortcut: str | None = None) -> QAction:
            made = QAction(text_, self.window)
            if shortcut:
                made.setShortcut(QKeySequence(shortcut))
            made.triggered.connect(lambda _checked=False: slot())
            self.window.addAction(made)
            return made

        self.sync_action = action(_("Synchronise"), self.sync_now, "F5")
        self.connect_action = action(_("Connection…"), self.open_connection)
        self.conflicts_action = action(
            _("Conflicts and refused changes…"), self.open_conflicts, "Ctrl+Shift+K"
        )

    def add_menu(self, before: QAction | None = None) -> None:
        menus = self.window.menuBar()
        menu = menus.addMenu(_("S&ync"))
        if before is not None:
            menus.insertMenu(before, menu)
        for made in (self.sync_action, self.conflicts_action):
            menu.addAction(made)
        menu.addSeparator()
        menu.addAction(self.connect_action)
        self.menu = menu

    @property
    def credentials(self) -> Credentials:
        """The keyring, opened at first use: importing it is not worth delaying the window."""
        if self._credentials is None:
            from sitiv_desktop.credentials import Credentials

            self._credentials = Credentials()
        return self._credentials

    @credentials.setter
    def credentials(self, value: Credentials) -> None:
        self._credentials = value

    # Status -------------------------------------------------------------------------------

    @property
    def configured(self) -> bool:
        return bool(self.context.settings.get("server_url"))

    def refresh_status(self) -> None:
        self.runner.read(read_sync_status, self._status_read)

    def _status_read(self, status: SyncStatus) -> None:
        self.status = status
        self.show_status()

    def show_status(self) -> None:
        self.label.setText(status_text(self.configured, self.reachable, self.status))
        count = self.status.conflicts + self.status.refused
        parts = []
        if self.status.conflicts:
            parts.append(
                ngettext("{count} conflict", "{count} conflicts", self.status.conflicts).format(
                    count=self.status.conflicts
                )
            )
        if self.status.refused:
            parts.append(
                ngettext(
                    "{count} refused change", "{count} refused changes", self.status.refused
                ).format(count=self.status.refused)
            )
        self.issues_button.setText(" · ".join(parts))
        self.issues_button.setAccessibleName(self.issues_button.text())
        self.issues_button.setVisible(bool(count))

    # Connection ---------------------------------------------------------------------------

    def open_connection(self) -> ConnectionDialog:
        settings = self.context.settings
        dialog = ConnectionDialog(
            str(settings.get("server_url")),
            str(settings.get("server_user")),
            self.window,
            verify=self._verify,
        )
        dialog.accepted.connect(lambda: self._connected(dialog.connection()))
        dialog.open()
        self.connection_dialog = dialog
        return dialog

    def _verify(
        self, connection: Connection, answer: Callable[[BaseException | None], None]
    ) -> None:
        """Ask the shared database for the user's communes, off the GUI thread."""

        def work(_state: TaskState) -> int:
            from sitiv_desktop.sync.transport import ServiceClient

            with ServiceClient(connection.url) as service:
                token = service.log_in(connection.user, connection.password)
                granted = service.grants()
            if not granted:
                raise UserError(_("No commune is granted to this user on the sync service."))
            self._tokens[(connection.url, connection.user)] = token
            return len(granted)

        # The check touches no local data: it gets a thread of its own (inline in tests).
        task = LongTask(work, self.runner if self.runner.inline else None)
        self._checks.append(task)

        def done(error: BaseException | None) -> None:
            self._checks.remove(task)
            answer(error)

        task.finished.connect(lambda _count: done(None))
        task.failed.connect(done)
        task.start()

    def _connected(self, connection: Connection) -> None:
        settings = self.context.settings
        settings.set("server_url", connection.url)
        settings.set("server_user", connection.user)
        self.reachable = True
        token = self._tokens.pop((connection.url, connection.user), None)
        kept = self.credentials.store(connection.url, connection.user, token or "")
        if not kept:
            QMessageBox.information(
                self.window,
                _("No system keyring"),
                _(
                    "No system keyring is available: the password is not kept "
                    "and will be asked each time."
                ),
            )
        self.show_status()
        self._start(connection.url, connection.user, None if token else connection.password)

    # Sync ---------------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Sync with the profile saved; without one, ask where to connect first."""
        if self.task is not None:
            return
        url = str(self.context.settings.get("server_url"))
        user = str(self.context.settings.get("server_user"))
        if not url:
            self.open_connection()
            return
        password: str | None = None
        if not self.credentials.token(url, user):
            typed, accepted = QInputDialog.getText(
                self.window,
                _("Password"),
                _("Password of {user} on the sync service:").format(user=user),
                QLineEdit.EchoMode.Password,
            )
            if not accepted:
                return
            password = typed
        self._start(url, user, password)

    def _start(self, url: str, user: str, password: str | None) -> None:
        """Sync in the background; with ``password``, log in first and keep the session."""
        context, credentials = self.context, self.credentials

        def work(state: TaskState) -> SyncSummary:
            from sitiv_desktop.sync.connection import sync_now as sync_context
            from sitiv_desktop.sync.transport import ServiceClient

            token = credentials.token(url, user) if password is None else None
            with ServiceClient(url, token) as service:
                if password is not None:
                    credentials.store(url, user, service.log_in(user, password))
                return sync_context(
                    context, service, progress=state.report, is_cancelled=lambda: state.cancelled
                )

        task = LongTask(work, self.runner)
        self.task = task
        task.progressed.connect(self._progressed)
        task.finished.connect(self._finished)
        task.failed.connect(self._failed)
        self._set_running(True)
        self.window.statusBar().showMessage(_("Synchronising…"))
        task.start()

    # Live: while connected, the service says when a change concerns this user -------------

    def _listen(self) -> None:
        """Wait (a long poll, on a thread of its own) for the next change, then sync."""
        if self.runner.inline or self._waiting is not None:
            return
        url = str(self.context.settings.get("server_url"))
        user = str(self.context.settings.get("server_user"))
        token = self.credentials.token(url, user)
        if not url or not token:
            return
        database = self.context.database

        def work(_state: TaskState) -> bool:
            from sqlalchemy import text as sql

            from sitiv_desktop.sync.transport import ServiceClient

            with database.read_session() as session:
                cursor = int(session.execute(sql("SELECT cursor FROM sync_state")).scalar() or 0)
            with ServiceClient(url, token) as service:
                return service.wait(cursor)

        waiting = LongTask(work, None)
        self._waiting = waiting

        def heard(available: bool) -> None:
            self._waiting = None
            if available:
                self.sync_now()
            else:
                self._listen()

        def lost(_error: BaseException) -> None:
            self._waiting = None
            QTimer.singleShot(60_000, self._listen)

        waiting.finished.connect(heard)
        waiting.failed.connect(lost)
        waiting.start()

    def _set_running(self, running: bool) -> None:
        self.progress.setValue(0)
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.button.setEnabled(not running)
        self.sync_action.setEnabled(not running)

    def _progressed(self, fraction: float, text_: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if text_:
            self.window.statusBar().showMessage(text_)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)

    def _finished(self, summary: SyncSummary) -> None:
        self.task = None
        self.reachable = True
        self._set_running(False)
        # A deletion undone after a sync would resurrect a row the others already dropped.
        self.undo_stack.clear()
        message = summary_sentence(summary)
        if summary.conflicts:
            message += " " + _("Open Sync › Conflicts to choose.")
        self.window.statusBar().showMessage(message)
        self.notifier.notify("all")
        if self.conflicts_dialog is not None and self.conflicts_dialog.isVisible():
            self.conflicts_dialog.load()
        self._listen()

    def _failed(self, error: BaseException) -> None:
        self.task = None
        self._set_running(False)
        if isinstance(error, Cancelled):
            self.window.statusBar().showMessage(
                _("Synchronisation stopped; what was received is kept, the rest comes next time."),
                8000,
            )
        else:
            self.window.statusBar().clearMessage()
            if isinstance(error, ExternalError):
                self.reachable = False
            show_error(self.window, error)
        # Part of a sync may have landed before the stop or the cut.
        self.notifier.notify("all")

    def wait(self) -> None:
        """Tests and closing: let a sync in progress end."""
        if self.task is not None:
            self.task.wait()

    # Conflicts ----------------------------------------------------------------------------

    def open_conflicts(self) -> ConflictsDialog:
        if self.conflicts_dialog is None:
            self.conflicts_dialog = ConflictsDialog(
                self.runner, self.notifier, self.edit_record, self.window
            )
            self.conflicts_dialog.settled.connect(self.refresh_status)
        self.conflicts_dialog.load()
        self.conflicts_dialog.show()
        self.conflicts_dialog.raise_()
        return self.conflicts_dialog


# --- the conflicts view --------------------------------------------------------------------------


class ConflictsDialog(QDialog):
    """Each conflict with both versions side by side; the refused changes with their reason."""

    settled = Signal()

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        edit_record: Callable[[str, Any], QDialog | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.notifier, self.edit_record = runner, notifier, edit_record
        self.conflicts: list[ConflictRecord] = []
        self.refused: list[RefusedRecord] = []
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
        self.comparison = QTableWidget(0, 3)
        self.comparison.setAccessibleName(_("Both versions"))
        self.comparison.setHorizontalHeaderLabels(
            [_("Field"), _("My version"), _("Shared version")]
        )
        self.comparison.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.comparison.verticalHeader().setVisible(False)
        self.comparison.setWordWrap(True)
        header = self.comparison.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        detail.addWidget(self.comparison, 1)
        row = QHBoxLayout()
        self.keep_mine_button = QPushButton(_("Keep mine"))
        self.keep_mine_button.clicked.connect(lambda: self.keep("mine"))
        self.keep_theirs_button = QPushButton(_("Keep the shared one"))
        self.keep_theirs_button.clicked.connect(lambda: self.keep("theirs"))
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
                "holds. Note what you need, then mark them as seen."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.refused_table = QTableWidget(0, 4)
        self.refused_table.setAccessibleName(_("Refused changes"))
        self.refused_table.setHorizontalHeaderLabels(
            [_("Record"), _("Change"), _("Reason"), _("Noticed")]
        )
        self.refused_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.refused_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.refused_table.verticalHeader().setVisible(False)
        self.refused_table.horizontalHeader().setStretchLastSection(False)
        self.refused_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        layout.addWidget(self.refused_table, 1)
        row = QHBoxLayout()
        self.seen_button = QPushButton(_("I've seen it"))
        self.seen_button.setAccessibleName(self.seen_button.text())
        self.seen_button.clicked.connect(self.dismiss)
        row.addWidget(self.seen_button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    # Loading ------------------------------------------------------------------------------

    def load(self) -> None:
        def work(session: Session) -> tuple[list[ConflictRecord], list[RefusedRecord]]:
            return list_conflicts(session), list_refused(session)

        self.runner.read(work, lambda found: self._fill(*found))

    def _fill(self, conflicts: list[ConflictRecord], refused: list[RefusedRecord]) -> None:
        self.conflicts, self.refused = conflicts, refused
        self.conflict_list.blockSignals(True)
        self.conflict_list.clear()
        for conflict in conflicts:
            item = QListWidgetItem(f"{conflict.record_label} « {conflict.title} »")
            item.setToolTip(conflict.description)
            self.conflict_list.addItem(item)
        self.conflict_list.blockSignals(False)
        self.conflict_list.setCurrentRow(0 if conflicts else -1)
        self._show_conflict(0 if conflicts else -1)
        self.refused_table.setRowCount(len(refused))
        operations = {"insert": _("creation"), "update": _("change"), "delete": _("deletion")}
        for row, change in enumerate(refused):
            operation = str(change.change.get("op", ""))
            cells = (
                refused_title(change),
                operations.get(operation, operation),
                change.reason,
                format_timestamp(change.noticed_at),
            )
            for column, value in enumerate(cells):
                self.refused_table.setItem(row, column, QTableWidgetItem(value))
        self.refused_table.resizeColumnToContents(0)
        self.seen_button.setEnabled(bool(refused))
        self.tabs.setTabText(
            0,
            _("Conflicts ({count})").format(count=len(conflicts)) if conflicts else _("Conflicts"),
        )
        self.tabs.setTabText(
            1,
            _("Refused changes ({count})").format(count=len(refused))
            if refused
            else _("Refused changes"),
        )
        if not conflicts and refused:
            self.tabs.setCurrentIndex(1)

    def current_conflict(self) -> ConflictRecord | None:
        row = self.conflict_list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

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
        self.conflict_title.setText(f"{conflict.record_label} « {conflict.title} »")
        self.conflict_description.setText(conflict.description)
        rows = compared_fields(conflict)
        self.comparison.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.comparison.setItem(row, column, QTableWidgetItem(value))
        self.comparison.resizeRowsToContents()
        self.edit_button.setEnabled(
            conflict.table in WITH_EDITOR
            and conflict.kind == "field"
            and conflict.theirs is not None
        )

    def comparison_rows(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row (for people reading it aloud, and for tests)."""
        rows = []
        for row in range(self.comparison.rowCount()):
            cells = (self.comparison.item(row, column) for column in range(3))
            rows.append(tuple(cell.text() if cell is not None else "" for cell in cells))
        return rows

    # Choosing -----------------------------------------------------------------------------

    def keep(self, side: str) -> None:
        conflict = self.current_conflict()
        if conflict is None:
            return
        self._resolve(conflict, side)

    def _resolve(self, conflict: ConflictRecord, side: str) -> None:
        def work(session: Session) -> None:
            resolve_conflict(session, conflict.id, side)

        def done(_result: None) -> None:
            self.notifier.notify(EDITABLE.get(conflict.table, "all"))
            self.load()

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
                "project": projects.get_project,
                "commitment": commitments.get_commitment,
                "meeting": meetings.get_meeting,
            }
            return getters[kind](session, row_id)

        def loaded(record: Any) -> None:
            editor = self.edit_record(kind, record)
            if editor is None:
                return
            # The saved edit is newer than both versions: it is what the next sync sends.
            editor.accepted.connect(lambda: self._resolve(conflict, "theirs"))
            opened.append(editor)

        self.runner.read(work, loaded)
        return opened[0] if opened else None

    def dismiss(self) -> None:
        rows = self.refused_table.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        if not 0 <= row < len(self.refused):
            return
        refused_id = self.refused[row].id

        def work(session: Session) -> None:
            dismiss_refused(session, refused_id)

        self.runner.write(work, lambda _r: self._dismissed(), lambda e: show_error(self, e))

    def _dismissed(self) -> None:
        emit(self.settled)
        self.load()
