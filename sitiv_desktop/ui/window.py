"""The main window: communes on the left, the chosen commune's dashboard and lists on the right."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QResizeEvent,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop import APP_NAME
from sitiv_desktop.context import Context
from sitiv_desktop.domain.records import CommuneRecord, MeetingRecord, SearchHit
from sitiv_desktop.i18n import _, format_date, format_number, ngettext
from sitiv_desktop.services.budgets import delete_ppi_line, ppi_line_of
from sitiv_desktop.services.commitments import (
    CommitmentFilter,
    delete_commitment,
    get_commitment,
    list_commitments,
)
from sitiv_desktop.services.communes import late_commitment_counts, list_communes
from sitiv_desktop.services.exchanges import delete_exchange
from sitiv_desktop.services.meetings import delete_meeting, get_meeting, list_meetings
from sitiv_desktop.services.ppi import list_ppi_lines
from sitiv_desktop.services.projects import (
    ProjectFilter,
    delete_project,
    get_project,
    list_projects,
)
from sitiv_desktop.services.roles import read_only_reason
from sitiv_desktop.services.stakes import delete_stake
from sitiv_desktop.store import models
from sitiv_desktop.ui.agenda import AgendaPanel
from sitiv_desktop.ui.dashboard import Dashboard
from sitiv_desktop.ui.editors import (
    CommitmentEditor,
    ExchangeEditor,
    FormDialog,
    MeetingEditor,
    PpiLineEditor,
    ProjectEditor,
    StakeEditor,
)
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.history import HistoryDialog
from sitiv_desktop.ui.models import (
    COMMITMENT_COLUMNS,
    EXCHANGE_COLUMNS,
    MEETING_COLUMNS,
    PROJECT_COLUMNS,
    STAKE_COLUMNS,
    Column,
    PagedTableModel,
    RecordTableModel,
    StoreSortProxy,
    ppi_columns,
)
from sitiv_desktop.ui.packs import PackDialog, meeting_pack_kind
from sitiv_desktop.ui.search import SearchDialog
from sitiv_desktop.ui.tasks import ChangeNotifier, StoreRunner, TaskState
from sitiv_desktop.ui.undo import DeleteCommand

CHOICES = 500
HISTORY_TABLES = {
    "project": "projects",
    "commitment": "commitments",
    "meeting": "meetings",
    "exchange": "exchanges",
    "stake": "mandate_stakes",
    "ppi_line": "ppi_lines",
}
BADGE_ROLE = Qt.ItemDataRole.UserRole + 10
COMMUNE_ROLE = Qt.ItemDataRole.UserRole + 11
AnyIndex = QModelIndex | QPersistentModelIndex


class BadgeDelegate(QStyledItemDelegate):
    """Draws the count of late commitments as a red pill at the right of a commune."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().paint(painter, option, index)
        count = index.data(BADGE_ROLE)
        if not count:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = format_number(int(count))
        font = QFont(option.font)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        painter.setFont(font)
        width = max(22, painter.fontMetrics().horizontalAdvance(text) + 12)
        rect: QRect = option.rect
        pill = QRect(rect.right() - width - 8, rect.center().y() - 9, width, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#b3261e"))
        painter.drawRoundedRect(pill, 9, 9)
        painter.setPen(QColor("white"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 40, max(size.height(), 30))


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
                # Too wide: the title gives way first, then the longest text columns, never
                # the amounts; what still does not fit is at the right (the least important).
                title = widths[title_section]
                widths[title_section] = max(200, title - (used - room))
                used = sum(widths.values())
                for section in sorted(widths, key=lambda s: -widths[s]):
                    if used <= room:
                        break
                    if self.model.columns[section].name in ("amount", "title"):
                        continue
                    cut = min(widths[section] - 140, used - room)  # dates stay whole
                    if cut > 0:
                        widths[section] -= cut
                        used -= cut
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


def record_label(record: Any) -> str:
    """What a person calls a record: its title, subject, action or project."""
    for name in ("title", "subject", "action", "project_title"):
        value = getattr(record, name, None)
        if value:
            return str(value)
    return ""


def ask_delete(parent: QWidget, label: str) -> bool:
    """« Supprimer » or « Annuler », Annuler being the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Delete"))
    box.setText(
        _("Delete « {title} »? You can undo it with Ctrl+Z until the next sync.").format(
            title=label
        )
    )
    delete = box.addButton(_("Delete"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is delete


class MainWindow(QMainWindow):
    """Everything a user opens: communes, dashboard, lists, editors, search, sync, packs."""

    def __init__(
        self,
        context: Context,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        settings: QSettings,
    ) -> None:
        super().__init__()
        self.context, self.runner, self.notifier, self.settings = (
            context,
            runner,
            notifier,
            settings,
        )
        self.setWindowTitle(APP_NAME)
        self.communes: list[CommuneRecord] = []
        self.commune_id: uuid.UUID | None = None
        self.undo_stack = QUndoStack(self)
        self._tasks: list[Any] = []
        runner.failed.connect(lambda error: show_error(self, error))
        self._build_body()
        self._build_actions()
        self._build_status_bar()
        notifier.changed.connect(self._changed)
        self._restore_geometry()

    # Layout ------------------------------------------------------------------------------

    def _build_body(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        side = QWidget()
        side.setObjectName("side")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(10, 12, 6, 10)
        side_layout.setSpacing(6)
        heading = QLabel(_("Communes"))
        heading.setObjectName("sideTitle")
        side_layout.addWidget(heading)
        self.commune_list = QListWidget()
        self.commune_list.setObjectName("communes")
        self.commune_list.setAccessibleName(_("Communes"))
        self.commune_list.setItemDelegate(BadgeDelegate(self.commune_list))
        self.commune_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setMinimumWidth(200)
        self.commune_list.currentItemChanged.connect(self._commune_chosen)
        side_layout.addWidget(self.commune_list, 1)
        splitter.addWidget(side)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.dashboard = Dashboard(self.runner)
        self.dashboard.contacts_opened.connect(lambda commune_id: self.open_contacts(commune_id))
        self.dashboard.filled.connect(self._load_hidden_lists)
        self.tabs.addTab(self.dashboard, _("Dashboard"))

        def paged(kind: str, columns: Sequence[Column]) -> PagedTableModel:
            return PagedTableModel(self.runner, kind, columns, self)

        self.projects = ListPage(
            "projects", paged("projects", PROJECT_COLUMNS), self.settings, _("Filter projects")
        )
        self.projects.add_button(_("New project"), self.new_project)
        self.projects.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.tabs.addTab(self.projects, _("Projects"))

        self.commitments = ListPage(
            "commitments",
            paged("commitments", COMMITMENT_COLUMNS),
            self.settings,
            _("Filter commitments"),
        )
        self.commitments.add_button(_("New commitment"), self.new_commitment)
        self.commitments.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.tabs.addTab(self.commitments, _("Commitments"))

        self.meetings = ListPage(
            "meetings", paged("meetings", MEETING_COLUMNS), self.settings, _("Filter meetings")
        )
        self.meetings.add_button(_("New meeting"), self.new_meeting)
        self.meetings.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.agenda = AgendaPanel(self.runner, self.notifier)
        self.agenda.pack_requested.connect(self.prepare_meeting_pack)
        self.meetings.view.selectionModel().selectionChanged.connect(
            lambda *_args: self._meeting_chosen()
        )
        meeting_split = QSplitter(Qt.Orientation.Horizontal)
        meeting_split.addWidget(self.meetings)
        meeting_split.addWidget(self.agenda)
        meeting_split.setChildrenCollapsible(False)
        meeting_split.setStretchFactor(0, 1)
        meeting_split.setStretchFactor(1, 1)
        meeting_split.setSizes([620, 480])
        self.meeting_split = meeting_split
        self.tabs.addTab(meeting_split, _("Meetings"))

        self.exchanges = ListPage(
            "exchanges", paged("exchanges", EXCHANGE_COLUMNS), self.settings, _("Filter exchanges")
        )
        self.exchanges.add_button(_("Note an exchange"), self.note_exchange)
        self.exchanges.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.tabs.addTab(self.exchanges, _("Exchanges"))

        self.stakes = ListPage(
            "stakes", paged("stakes", STAKE_COLUMNS), self.settings, _("Filter stakes")
        )
        self.stakes.add_button(_("New stake"), self.new_stake)
        self.stakes.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.tabs.addTab(self.stakes, _("Mandate stakes"))
        self.ppi = ListPage(
            "ppi", RecordTableModel(ppi_columns(()), self), self.settings, _("Filter")
        )
        self.ppi.add_button(_("New PPI line"), self.new_ppi_line)
        self.ppi.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.tabs.addTab(self.ppi, _("PPI"))
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())
        # The stakes and the PPI are read when their tab is shown, not at each commune switch.
        self._stale_tabs: set[str] = {"stakes", "ppi"}
        self.tabs.currentChanged.connect(lambda _i: self._load_small_tables())

        splitter.addWidget(self.tabs)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 1100])
        self.splitter = splitter
        self.setCentralWidget(splitter)

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu(_("&File"))
        self.exchange_action = self._action(_("Note an exchange…"), self.note_exchange, "Ctrl+E")
        self.new_project_action = self._action(_("New project…"), self.new_project, "Ctrl+Shift+P")
        self.new_commitment_action = self._action(
            _("New commitment…"), self.new_commitment, "Ctrl+Shift+E"
        )
        self.new_meeting_action = self._action(_("New meeting…"), self.new_meeting, "Ctrl+Shift+M")
        for action in (
            self.exchange_action,
            self.new_project_action,
            self.new_commitment_action,
            self.new_meeting_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        import_menu = file_menu.addMenu(_("Import from a spreadsheet"))
        self.import_actions: dict[str, QAction] = {}
        for kind, label in (
            ("projects", _("Projects…")),
            ("commitments", _("Commitments…")),
            ("ppi", _("PPI lines…")),
        ):
            action = self._action(label, self._importer(kind))
            import_menu.addAction(action)
            self.import_actions[kind] = action
        file_menu.addSeparator()
        self.file_menu = file_menu
        self.quit_action = self._action(_("Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        file_menu.addAction(self.quit_action)

        edit_menu = menus.addMenu(_("&Edit"))
        self.undo_action = self.undo_stack.createUndoAction(self, _("Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, _("Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.edit_action = self._action(_("Open the selected record"), self.edit_selected, "Return")
        self.delete_action = self._action(
            _("Delete the selected record…"), self.delete_selected, QKeySequence.StandardKey.Delete
        )
        self.history_action = self._action(
            _("History of the selected record…"), self.show_selected_history, "Ctrl+H"
        )
        edit_menu.addAction(self.edit_action)
        edit_menu.addAction(self.history_action)
        edit_menu.addAction(self.delete_action)
        edit_menu.addSeparator()
        self.search_action = self._action(_("Search…"), self.open_search, "Ctrl+F")
        edit_menu.addAction(self.search_action)

        view_menu = menus.addMenu(_("&View"))
        for index in range(self.tabs.count()):
            label = self.tabs.tabText(index)
            action = self._action(label, self._tab_switcher(index), f"Ctrl+{index + 1}")
            view_menu.addAction(action)
        view_menu.addSeparator()
        self.refresh_action = self._action(_("Refresh"), self.refresh_all, "Ctrl+R")
        view_menu.addAction(self.refresh_action)

        self.tools_menu = menus.addMenu(_("&Tools"))
        self.voeux_action = self._action(
            _("Prepare the New Year address pack…"), self.prepare_voeux
        )
        self.tools_menu.addAction(self.voeux_action)
        self.tools_menu.addSeparator()
        self.export_action = self._action(
            _("Export the list shown to a spreadsheet…"), self.export_list, "Ctrl+Shift+X"
        )
        self.calendar_action = self._action(
            _("Export the meetings to a calendar (.ics)…"), self.export_calendar
        )
        self.backup_action = self._action(_("Back up the local copy…"), self.back_up)
        for action in (self.export_action, self.calendar_action, self.backup_action):
            self.tools_menu.addAction(action)
        help_menu = menus.addMenu(_("&Help"))
        self.shortcuts_action = self._action(_("Keyboard shortcuts"), self.show_shortcuts, "F1")
        self.guide_action = self._action(_("Guide"), self.show_guide)
        self.about_action = self._action(_("About SITIV Desktop"), self.show_about)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.guide_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        self.help_menu = help_menu
        self._update_actions()

    def _tab_switcher(self, index: int) -> Callable[[], None]:
        return lambda: self.tabs.setCurrentIndex(index)

    def _build_status_bar(self) -> None:
        from sitiv_desktop.ui.syncing import SyncController

        self.sync = SyncController(
            self, self.context, self.runner, self.notifier, self.undo_stack, self.edit_record
        )
        self.sync.add_menu(before=self.help_menu.menuAction())
        from sitiv_desktop.ui.administration import install

        self.administration_action = install(self)
        self.connection_label = self.sync.label
        self.progress = self.sync.progress

    # Communes ----------------------------------------------------------------------------

    def load_communes(self, select: uuid.UUID | None = None) -> None:
        today = dt.date.today()

        def work(session: Session) -> tuple[list[CommuneRecord], dict[uuid.UUID, int]]:
            return list_communes(session), late_commitment_counts(session, today)

        self.runner.read(work, lambda result: self._fill_communes(*result, select=select))

    def _fill_communes(
        self,
        communes: list[CommuneRecord],
        late: dict[uuid.UUID, int],
        select: uuid.UUID | None,
    ) -> None:
        self.communes = communes
        wanted = select if select is not None else self.commune_id
        self.commune_list.blockSignals(True)
        self.commune_list.clear()
        everyone = QListWidgetItem(_("All communes"))
        everyone.setData(COMMUNE_ROLE, None)
        everyone.setData(BADGE_ROLE, sum(late.values()))
        font = everyone.font()
        font.setBold(True)
        everyone.setFont(font)
        self.commune_list.addItem(everyone)
        current = everyone
        for commune in communes:
            item = QListWidgetItem(commune.name)
            item.setData(COMMUNE_ROLE, commune.id)
            item.setData(BADGE_ROLE, late.get(commune.id, 0))
            count = late.get(commune.id, 0)
            described = commune.name
            if count:
                described += " — " + ngettext(
                    "{count} late commitment", "{count} late commitments", count
                ).format(count=count)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, described)
            item.setToolTip(described)
            self.commune_list.addItem(item)
            if commune.id == wanted:
                current = item
        changed = current.data(COMMUNE_ROLE) != self.commune_id or not self._shown_once
        self.commune_list.setCurrentItem(current)
        self.commune_list.blockSignals(False)
        if changed:
            self._commune_chosen(current, None)

    _shown_once = False

    def _commune_chosen(self, item: QListWidgetItem | None, _previous: Any) -> None:
        if item is None:
            return
        self._shown_once = True
        self.commune_id = item.data(COMMUNE_ROLE)
        self.context.settings.set("last_commune", str(self.commune_id or ""))
        name = self.commune_name()
        self.setWindowTitle(f"{name} — {APP_NAME}")
        for shown in self.list_pages():
            shown.show_single_commune(self.commune_id is not None)
        # The list shown is read at once; the lists of other tabs once the dashboard is painted
        # (``_load_hidden_lists``), or when their tab is shown, so that the first paint waits
        # for the communes and the dashboard alone.
        visible = self.current_page()
        self._stale_tabs = {"stakes", "ppi"}
        for page in (self.projects, self.commitments, self.meetings, self.exchanges):
            assert isinstance(page.model, PagedTableModel)
            page.model.set_commune(self.commune_id, load=page is visible)
            if page is not visible:
                self._stale_tabs.add(page.name)
        assert isinstance(self.stakes.model, PagedTableModel)
        self.stakes.model.set_commune(self.commune_id, load=False)
        self.dashboard.show_commune(self.commune_id)
        self.agenda.show_meeting(None)
        self._load_small_tables()

    def commune_name(self) -> str:
        for commune in self.communes:
            if commune.id == self.commune_id:
                return commune.name
        return _("All communes")

    def select_commune(self, commune_id: uuid.UUID | None) -> None:
        for row in range(self.commune_list.count()):
            item = self.commune_list.item(row)
            if item.data(COMMUNE_ROLE) == commune_id:
                self.commune_list.setCurrentItem(item)
                return

    def _load_hidden_lists(self) -> None:
        """The lists of the tabs not shown, read once the dashboard is painted."""
        for page in (self.projects, self.commitments, self.meetings, self.exchanges):
            if page.name in self._stale_tabs:
                self._stale_tabs.discard(page.name)
                assert isinstance(page.model, PagedTableModel)
                page.model.reload()

    def _load_small_tables(self) -> None:
        """Read the list of the tab shown again if it is stale (always so for the stakes and
        the PPI lines, read only when their tab is shown)."""
        page = self.current_page()
        if page in (self.projects, self.commitments, self.meetings, self.exchanges):
            assert page is not None and isinstance(page.model, PagedTableModel)
            if page.name in self._stale_tabs:
                self._stale_tabs.discard(page.name)
                page.model.reload()
        shown = self.tabs.currentWidget()
        if shown is self.stakes and "stakes" in self._stale_tabs:
            self._stale_tabs.discard("stakes")
            assert isinstance(self.stakes.model, PagedTableModel)
            self.stakes.model.reload()
        if shown is not self.ppi or "ppi" not in self._stale_tabs:
            return
        self._stale_tabs.discard("ppi")
        commune_id = self.commune_id

        def done(lines: list[Any]) -> None:
            years = sorted({year for line in lines for year in line.cp_by_year})
            self.ppi.model.columns = ppi_columns(years)
            self.ppi.model.set_records(lines)

        self.runner.read(lambda session: list_ppi_lines(session, commune_id), done)

    # Reacting to changes -----------------------------------------------------------------

    def _changed(self, kind: str) -> None:
        """A save or a delete happened: reload what shows that kind of record."""
        pages = {
            "project": (self.projects,),
            "commitment": (self.commitments,),
            "meeting": (self.meetings,),
            "exchange": (self.exchanges,),
            "agenda_item": (),
            "stake": (),
            "ppi_line": (),
        }
        for page in pages.get(
            kind, (self.projects, self.commitments, self.meetings, self.exchanges)
        ):
            assert isinstance(page.model, PagedTableModel)
            self._stale_tabs.discard(page.name)
            page.model.reload()
        if kind in ("meeting", "agenda_item", "commitment", "all"):
            self.agenda.reload()
        self.dashboard.reload()
        if kind in ("commitment", "all", "commune"):
            self.load_communes()
        if kind in ("project", "all", "stake", "ppi_line"):
            self._stale_tabs |= {"stakes", "ppi"}
            self._load_small_tables()

    def refresh_all(self) -> None:
        self.notifier.notify("all")

    # Actions -----------------------------------------------------------------------------

    def current_page(self) -> ListPage | None:
        widget = self.tabs.currentWidget()
        if isinstance(widget, ListPage):
            return widget
        if isinstance(widget, QSplitter):
            return self.meetings
        return None

    def list_pages(self) -> tuple[ListPage, ...]:
        return (
            self.projects,
            self.commitments,
            self.meetings,
            self.exchanges,
            self.stakes,
            self.ppi,
        )

    def _update_actions(self) -> None:
        page = self.current_page()
        editable = page is not None
        self.delete_action.setEnabled(editable)
        self.edit_action.setEnabled(editable)
        self.history_action.setEnabled(editable)

    # Roles -------------------------------------------------------------------------------

    def read_only_reason(self, kind: str, commune_ids: Sequence[uuid.UUID | None]) -> str:
        roles = self.context.settings.get("commune_roles")
        return read_only_reason(roles if isinstance(roles, dict) else {}, kind, commune_ids)

    def _open(self, editor: FormDialog, commune_ids: Sequence[uuid.UUID | None] = ()) -> FormDialog:
        editor.undo_stack = self.undo_stack
        editor.set_read_only(self.read_only_reason(editor.kind, commune_ids or (self.commune_id,)))
        editor.open()
        self.last_editor = editor
        return editor

    # Choices the editors offer -----------------------------------------------------------

    def _choices(
        self, commune_id: uuid.UUID | None, then: Callable[[dict[str, list[Any]]], Any]
    ) -> None:
        """Projects, meetings and commitments to link to, read off the GUI thread."""
        self.last_editor = None

        def work(session: Session) -> dict[str, list[Any]]:
            projects = list_projects(session, ProjectFilter(commune_id=commune_id), 0, CHOICES)
            meetings = list_meetings(session, commune_id, None, 0, CHOICES)
            commitments = list_commitments(
                session, CommitmentFilter(commune_id=commune_id), 0, CHOICES
            )
            return {
                "projects": [(f"{p.code} — {p.title}", p.id) for p in projects],
                "meetings": [
                    (f"{format_date(m.starts_at.date(), 'short')} — {m.title}", m.id)
                    for m in meetings
                ],
                "commitments": [(c.title, c.id) for c in commitments],
            }

        self.runner.read(work, then)

    def new_project(self) -> FormDialog:
        return self._open(
            ProjectEditor(
                self.runner, self.notifier, self.communes, commune_id=self.commune_id, parent=self
            )
        )

    def new_commitment(self) -> FormDialog | None:
        self._choices(
            self.commune_id,
            lambda choices: self._open(
                CommitmentEditor(
                    self.runner,
                    self.notifier,
                    self.communes,
                    commune_id=self.commune_id,
                    projects=choices["projects"],
                    meetings=choices["meetings"],
                    parent=self,
                )
            ),
        )
        return self.last_editor

    def new_meeting(self) -> FormDialog:
        return self._open(
            MeetingEditor(
                self.runner, self.notifier, self.communes, commune_id=self.commune_id, parent=self
            )
        )

    def open_contacts(self, commune_id: uuid.UUID | None = None) -> QDialog | None:
        """The chosen commune's contacts, its mayor among them."""
        from sitiv_desktop.ui.editors import ContactsDialog

        wanted = commune_id or self.commune_id
        commune = next((c for c in self.communes if c.id == wanted), None)
        if commune is None:
            return None
        dialog = ContactsDialog(
            self.runner,
            self.notifier,
            commune,
            self.read_only_reason("contact", (commune.id,)),
            self.undo_stack,
            self,
        )
        dialog.open()
        self.contacts_dialog = dialog
        return dialog

    def note_exchange(self) -> FormDialog | None:
        author = str(self.context.settings.get("author_name"))
        self._choices(
            self.commune_id,
            lambda choices: self._open(
                ExchangeEditor(
                    self.runner,
                    self.notifier,
                    self.communes,
                    commune_id=self.commune_id,
                    author=author,
                    projects=choices["projects"],
                    commitments=choices["commitments"],
                    parent=self,
                )
            ),
        )
        return self.last_editor

    def new_stake(self) -> FormDialog | None:
        self._choices(
            self.commune_id,
            lambda choices: self._open(
                StakeEditor(
                    self.runner,
                    self.notifier,
                    self.communes,
                    commune_id=self.commune_id,
                    projects=choices["projects"],
                    parent=self,
                )
            ),
        )
        return self.last_editor

    def new_ppi_line(self) -> FormDialog | None:
        self._choices(
            self.commune_id,
            lambda choices: self._open(
                PpiLineEditor(self.runner, self.notifier, projects=choices["projects"], parent=self)
            ),
        )
        return self.last_editor

    last_editor: FormDialog | None = None

    def edit_record(self, kind: str, record: Any) -> FormDialog | None:
        """Open the editor of one record (read again first, so the editor shows it whole)."""
        self.last_editor = None
        if kind == "project":
            record_id = record.id

            def load_project(session: Session) -> tuple[Any, Any]:
                return get_project(session, record_id), ppi_line_of(session, record_id)

            self.runner.read(
                load_project,
                lambda loaded: self._open(
                    ProjectEditor(
                        self.runner,
                        self.notifier,
                        self.communes,
                        record=loaded[0],
                        budget=loaded[1],
                        parent=self,
                    ),
                    (loaded[0].owner_commune_id,),
                ),
            )
        elif kind == "meeting":
            self._open(
                MeetingEditor(
                    self.runner, self.notifier, self.communes, record=record, parent=self
                ),
                record.commune_ids,
            )
        elif kind in ("commitment", "exchange", "stake"):
            commune_id = record.commune_id

            def opened(choices: dict[str, list[Any]]) -> None:
                editor: FormDialog
                if kind == "commitment":
                    editor = CommitmentEditor(
                        self.runner,
                        self.notifier,
                        self.communes,
                        record=record,
                        projects=choices["projects"],
                        meetings=choices["meetings"],
                        parent=self,
                    )
                elif kind == "exchange":
                    editor = ExchangeEditor(
                        self.runner,
                        self.notifier,
                        self.communes,
                        record=record,
                        projects=choices["projects"],
                        commitments=choices["commitments"],
                        parent=self,
                    )
                else:
                    editor = StakeEditor(
                        self.runner,
                        self.notifier,
                        self.communes,
                        record=record,
                        projects=choices["projects"],
                        parent=self,
                    )
                self._open(editor, (commune_id,))

            self._choices(commune_id, opened)
        elif kind == "ppi_line":
            self._choices(
                None,
                lambda choices: self._open(
                    PpiLineEditor(
                        self.runner,
                        self.notifier,
                        record=record,
                        projects=choices["projects"],
                        parent=self,
                    )
                ),
            )
        return self.last_editor

    def _page_kind(self, page: ListPage | None) -> str:
        kinds = {
            id(self.projects): "project",
            id(self.commitments): "commitment",
            id(self.meetings): "meeting",
            id(self.exchanges): "exchange",
            id(self.stakes): "stake",
            id(self.ppi): "ppi_line",
        }
        return kinds.get(id(page), "")

    def edit_selected(self) -> FormDialog | None:
        page = self.current_page()
        record = page.selected_record() if page is not None else None
        if record is None:
            return None
        return self.edit_record(self._page_kind(page), record)

    def show_selected_history(self) -> HistoryDialog | None:
        page = self.current_page()
        record = page.selected_record() if page is not None else None
        kind = self._page_kind(page)
        if record is None or not kind:
            return None
        label = record_label(record)
        dialog = HistoryDialog(self.runner, HISTORY_TABLES[kind], record.id, label, self)
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        page = self.current_page()
        record = page.selected_record() if page is not None else None
        kind = self._page_kind(page)
        if record is None or not kind:
            return
        communes = getattr(record, "commune_ids", None) or (getattr(record, "commune_id", None),)
        reason = self.read_only_reason(kind, communes)
        if reason:
            self.statusBar().showMessage(reason, 8000)
            return
        label = record_label(record)
        if not ask_delete(self, label):
            return
        deleters: dict[str, tuple[type[Any], Callable[[Session, uuid.UUID], None]]] = {
            "project": (models.Project, delete_project),
            "commitment": (models.Commitment, delete_commitment),
            "meeting": (models.Meeting, delete_meeting),
            "exchange": (models.Exchange, delete_exchange),
            "stake": (models.MandateStake, delete_stake),
            "ppi_line": (models.PpiLine, delete_ppi_line),
        }
        model, delete = deleters[kind]
        text = _("Delete « {title} »").format(title=label)
        self.undo_stack.push(
            DeleteCommand(self.runner, self.notifier, kind, model, record.id, delete, text)
        )
        self.statusBar().showMessage(_("Deleted. Ctrl+Z brings it back."), 6000)

    def _meeting_chosen(self) -> None:
        record = self.meetings.selected_record()
        self.agenda.show_meeting(record.id if record is not None else None)

    # Search ------------------------------------------------------------------------------

    def open_search(self) -> SearchDialog:
        dialog = SearchDialog(self.runner, self)
        dialog.opened.connect(self.open_hit)
        dialog.open()
        return dialog

    def open_hit(self, hit: SearchHit) -> None:
        """Show the record a search result names, in its tab, with its editor when it has one."""
        record_id = hit.record_id
        if hit.kind == "commune":
            self.select_commune(record_id)
            self.tabs.setCurrentWidget(self.dashboard)
            return
        loaders: dict[str, tuple[QWidget, Callable[[Session], Any]]] = {
            "project": (self.projects, lambda s: get_project(s, record_id)),
            "commitment": (self.commitments, lambda s: get_commitment(s, record_id)),
            "meeting": (
                self.meetings.parentWidget() or self.meetings,
                lambda s: get_meeting(s, record_id),
            ),
        }
        if hit.kind in loaders:
            tab, load = loaders[hit.kind]
            self.tabs.setCurrentWidget(tab)
            if hit.kind == "meeting":
                self.runner.read(load, lambda record: self.agenda.show_meeting(record.id))
            else:
                self.runner.read(load, lambda record: self.edit_record(hit.kind, record))
            return
        if hit.kind == "agenda_item":
            self.tabs.setCurrentWidget(self.meetings.parentWidget() or self.meetings)
            self.runner.read(
                lambda s: s.get(models.AgendaItem, record_id).meeting_id,  # type: ignore[union-attr]
                self.agenda.show_meeting,
            )
            return
        targets = {"exchange": self.exchanges, "stake": self.stakes, "contact": self.dashboard}
        self.tabs.setCurrentWidget(targets.get(hit.kind, self.dashboard))
        if hit.kind == "exchange":
            self.exchanges.filter.setText(hit.title)

    # Packs, exports, backups -------------------------------------------------------------

    def prepare_meeting_pack(self, meeting: MeetingRecord | None) -> PackDialog | None:
        if meeting is None:
            return None
        kind = meeting_pack_kind(meeting)
        title = _("Pack: {title}").format(title=meeting.title)
        return self._open_pack(
            PackDialog(
                self.runner,
                self.context.paths.packs,
                kind,
                title,
                meeting_id=meeting.id,
                parent=self,
            )
        )

    def prepare_voeux(self, year: int | None = None) -> PackDialog | None:
        if year is None:
            today = dt.date.today()
            chosen, accepted = QInputDialog.getInt(
                self,
                _("New Year address pack"),
                _("Year under review:"),
                today.year if today.month >= 11 else today.year - 1,
                1972,
                2100,
            )
            if not accepted:
                return None
            year = chosen
        title = _("New Year address pack {year}").format(year=year + 1)
        return self._open_pack(
            PackDialog(
                self.runner, self.context.paths.packs, "voeux", title, year=year, parent=self
            )
        )

    def _open_pack(self, dialog: PackDialog) -> PackDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.start()
        return dialog

    def _ask_file(self, title: str, name: str, filters: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(self, title, str(Path.home() / name), filters)
        return Path(chosen) if chosen else None

    def export_list(self, path: Path | None = None) -> None:
        from sitiv_desktop.services.spreadsheets import ExportKind, export_spreadsheet

        kinds = {
            id(self.projects): ExportKind.PROJECTS,
            id(self.commitments): ExportKind.COMMITMENTS,
            id(self.meetings): ExportKind.MEETINGS,
            id(self.exchanges): ExportKind.EXCHANGES,
            id(self.ppi): ExportKind.PPI,
        }
        kind = kinds.get(id(self.current_page()), ExportKind.PROJECTS)
        name = f"{kind.value}-{self.commune_name()}.xlsx".replace(" ", "-").lower()
        path = path or self._ask_file(
            _("Export to a spreadsheet"), name, _("Spreadsheets (*.xlsx *.csv)")
        )
        if path is None:
            return
        commune_id, target = self.commune_id, path

        def work(state: TaskState) -> int:
            with self.context.database.read_session() as session:
                return export_spreadsheet(session, kind, target, commune_id, state.progress)

        self._long(_("Exporting…"), work, lambda count: self._written(count, target))

    def export_calendar(self, path: Path | None = None) -> None:
        from sitiv_desktop.services.calendars import export_calendar

        path = path or self._ask_file(
            _("Export the meetings"), "reunions.ics", _("Calendars (*.ics)")
        )
        if path is None:
            return
        commune_id, target = self.commune_id, path

        def work(state: TaskState) -> int:
            with self.context.database.read_session() as session:
                return export_calendar(session, target, commune_id, state.progress)

        self._long(_("Exporting…"), work, lambda count: self._written(count, target))

    def back_up(self, path: Path | None = None) -> None:
        from sitiv_desktop.services.backups import backup

        name = f"sitiv-{dt.date.today():%Y-%m-%d}.sqlite3"
        path = path or self._ask_file(_("Back up the local copy"), name, _("Backups (*.sqlite3)"))
        if path is None:
            return
        source, target = self.context.paths.database, path
        self._long(
            _("Backing up…"),
            lambda state: backup(source, target, state.progress),
            lambda _result: self.statusBar().showMessage(
                _("Backup written to {path}.").format(path=target), 8000
            ),
        )

    def _written(self, count: int, path: Path) -> None:
        self.statusBar().showMessage(
            _("{count} row(s) written to {path}.").format(count=count, path=path), 8000
        )

    def _long(
        self, title: str, work: Callable[[TaskState], Any], done: Callable[[Any], Any]
    ) -> None:
        from sitiv_desktop.ui.app import run_long_task

        run_long_task(self, self.runner, title, work, done, self._tasks)

    # Sync --------------------------------------------------------------------------------

    def sync_now(self) -> None:
        self.sync.sync_now()

    # About, geometry ---------------------------------------------------------------------

    def show_about(self) -> QDialog:
        from sitiv_desktop.ui.help import about_text

        return self._text_dialog(
            _("About SITIV Desktop"), about_text(self.context.paths.data_dir), 520, 360
        )

    def show_shortcuts(self) -> QDialog:
        from sitiv_desktop.ui.help import shortcuts_text

        return self._text_dialog(_("Keyboard shortcuts"), shortcuts_text(), 560, 540)

    def show_guide(self) -> QDialog:
        from sitiv_desktop.ui.help import guide_text

        return self._text_dialog(_("Guide"), guide_text(), 680, 600)

    def _text_dialog(self, title: str, html: str, width: int, height: int) -> QDialog:
        dialog = QDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(title)
        layout = QVBoxLayout(dialog)
        browser = QTextBrowser()
        browser.setOpenExternalLinks(True)
        browser.setHtml(html)
        layout.addWidget(browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        available = self.screen().availableGeometry() if self.screen() else None
        if available is not None:
            width, height = min(width, available.width() - 40), min(height, available.height() - 60)
        dialog.resize(width, height)
        dialog.open()
        self.help_dialog = dialog
        return dialog

    # Import ------------------------------------------------------------------------------

    def _importer(self, kind: str) -> Callable[[], object]:
        return lambda: self.import_file(kind)

    def import_file(self, kind: str, path: Path | None = None) -> QDialog | None:
        """Read a spreadsheet against the local copy, show what it would do, then import."""
        from sitiv_desktop.ui.importing import ImportDialog

        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self,
                _("Import from a spreadsheet"),
                str(Path.home()),
                _("Spreadsheets (*.xlsx *.csv)"),
            )
            if not chosen:
                return None
            path = Path(chosen)
        dialog = ImportDialog(self.runner, self.notifier, kind, path, self)
        dialog.open()
        dialog.start()
        self.import_dialog = dialog
        return dialog

    # Geometry ----------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry", None)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.fit_to_screen()
        splitter = self.settings.value("window/splitter", None)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        if self.settings.value("window/maximized", False, type=bool):
            self.setWindowState(Qt.WindowState.WindowMaximized)

    def fit_to_screen(self) -> None:
        """The first size: 1320×820 where there is room, else the screen's available area
        (1366×768 laptops, 1920×1080 at 150 %)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        width, height = 1320, 820
        if screen is not None:
            available = screen.availableGeometry()
            width, height = min(width, available.width()), min(height, available.height())
        self.resize(width, height)
        self.splitter.setSizes([max(190, width // 6), width - max(190, width // 6)])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sum(sizes) > 1000 and sizes[0] < 220:
            self.splitter.setSizes([220, sum(sizes) - 220])
        # The agenda pane keeps its buttons in view: the list gives way first.
        total = sum(self.meeting_split.sizes())
        wanted = self.agenda.minimumSizeHint().width()
        if total and self.meeting_split.sizes()[1] < wanted:
            self.meeting_split.setSizes([max(280, total - wanted), wanted])

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/maximized", self.isMaximized())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)


def style_sheet() -> str:
    """The look: light cards on a soft background, one accent colour."""
    return """
    QWidget#side { background: #f3f5f8; }
    QLabel#sideTitle { font-weight: 600; color: #45515e; padding: 2px 4px; }
    QListWidget#communes { border: none; background: transparent; outline: 0; }
    QListWidget#communes::item { padding: 4px 8px; border-radius: 6px; }
    QListWidget#communes::item:selected { background: #1f5f99; color: white; }
    QListWidget#communes::item:hover:!selected { background: #e3e8ef; }
    QWidget#dashboard { background: #f3f5f8; }
    QFrame#card { background: white; border: 1px solid #dde3ea; border-radius: 8px; }
    QLabel#cardTitle { font-weight: 600; color: #1f5f99; font-size: 11pt; }
    QLabel#dashboardTitle { font-size: 18pt; font-weight: 600; color: #1c2733; }
    QLabel#dashboardSubtitle, QLabel#muted { color: #6b7785; }
    QLabel#panelTitle { font-size: 13pt; font-weight: 600; }
    QLabel#strong { font-weight: 600; }
    QTableView { gridline-color: #e6eaef; selection-background-color: #1f5f99; }
    QHeaderView::section { padding: 4px 6px; }
    QTabBar::tab {
        padding: 6px 14px; margin-right: 2px; color: #45515e; background: #e9edf2;
        border: 1px solid #dde3ea; border-bottom: none;
        border-top-left-radius: 6px; border-top-right-radius: 6px;
    }
    QTabBar::tab:selected { background: #f3f5f8; color: #1c2733; }
    QTabBar::tab:hover:!selected { background: #f0f3f7; }
    """
