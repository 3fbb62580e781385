"""The sync in the window: connecting, syncing in the background, the status bar's part.

The sync itself (``sitiv_desktop.sync``) knows nothing of Qt: it runs as a long task on the store
runner's one worker, so it never races an edit, and reports its progress to the status bar. The
words of the status are ``sync.status``'s, shared with the command line; the conflicts view is
``ui.conflicts``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
)

from sitiv_desktop.context import Context
from sitiv_desktop.errors import Cancelled, ExternalError, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.sync.status import (
    SyncStatus,
    issues_text,
    read_cursor,
    read_sync_status,
    status_text,
    summary_sentence,
)
from sitiv_desktop.sync.summary import SyncSummary
from sitiv_desktop.ui.conflicts import ConflictsDialog
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.first_start import Connection, ConnectionDialog
from sitiv_desktop.ui.tasks import ChangeNotifier, LongTask, StoreRunner, TaskState

if TYPE_CHECKING:
    from sitiv_desktop.credentials import Credentials


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
        return self.context.credentials

    # Status -------------------------------------------------------------------------------

    @property
    def configured(self) -> bool:
        return bool(self.context.settings.server_url)

    def refresh_status(self) -> None:
        self.runner.read(read_sync_status, self._status_read)

    def _status_read(self, status: SyncStatus) -> None:
        self.status = status
        self.show_status()

    def show_status(self) -> None:
        self.label.setText(status_text(self.configured, self.reachable, self.status))
        self.issues_button.setText(issues_text(self.status))
        self.issues_button.setAccessibleName(self.issues_button.text())
        self.issues_button.setVisible(bool(self.status.conflicts + self.status.refused))

    # Connection ---------------------------------------------------------------------------

    def open_connection(self) -> ConnectionDialog:
        settings = self.context.settings
        dialog = ConnectionDialog(
            settings.server_url,
            settings.server_user,
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

        # The check touches no local data: it waits on the network on the background executor.
        task = LongTask(work, self.runner, background=True)
        self._checks.append(task)

        def done(error: BaseException | None) -> None:
            self._checks.remove(task)
            answer(error)

        task.finished.connect(lambda _count: done(None))
        task.failed.connect(done)
        task.start()

    def _connected(self, connection: Connection) -> None:
        settings = self.context.settings
        settings.server_url = connection.url
        settings.server_user = connection.user
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
        url = self.context.settings.server_url
        user = self.context.settings.server_user
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

        # Off the store worker: lists and searches keep answering while the sync waits on the
        # network; its writes take the copy's write lock as any writer does (WAL).
        task = LongTask(work, self.runner, background=True)
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
        url = self.context.settings.server_url
        user = self.context.settings.server_user
        token = self.credentials.token(url, user)
        if not url or not token:
            return
        database = self.context.database

        def work(_state: TaskState) -> bool:
            from sitiv_desktop.sync.transport import ServiceClient

            with database.read_session() as session:
                cursor = read_cursor(session)
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
        self.notifier.notify_all()
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
        self.notifier.notify_all()

    def wait(self) -> None:
        """Tests and closing: let a sync in progress end."""
        if self.task is not None:
            self.task.wait()

    # Conflicts ----------------------------------------------------------------------------

    def open_conflicts(self) -> ConflictsDialog:
        if self.conflicts_dialog is None:
            self.conflicts_dialog = ConflictsDialog(self.runner, self.edit_record, self.window)
            self.conflicts_dialog.settled.connect(self.refresh_status)
        self.conflicts_dialog.load()
        self.conflicts_dialog.show()
        self.conflicts_dialog.raise_()
        return self.conflicts_dialog
