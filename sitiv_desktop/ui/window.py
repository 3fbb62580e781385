"""The main window: communes on the left, the chosen commune's dashboard and lists on the right."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop import APP_NAME
from sitiv_desktop.context import Context
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import CommuneRecord
from sitiv_desktop.i18n import _
from sitiv_desktop.services.communes import late_commitment_counts, list_communes
from sitiv_desktop.services.ppi import list_ppi_lines
from sitiv_desktop.ui.agenda import AgendaPanel
from sitiv_desktop.ui.commune_list import COMMUNE_ROLE, BadgeDelegate, fill_commune_list
from sitiv_desktop.ui.dashboard import Dashboard
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.list_page import ListPage
from sitiv_desktop.ui.menus import WindowMenus
from sitiv_desktop.ui.models import (
    COMMITMENT_COLUMNS,
    EXCHANGE_COLUMNS,
    MEETING_COLUMNS,
    PROJECT_COLUMNS,
    STAKE_COLUMNS,
    Column,
    PagedTableModel,
    RecordTableModel,
    ppi_columns,
)
from sitiv_desktop.ui.tasks import ALL, ChangeNotifier, StoreRunner

# The width of the tabs from which the meetings list and its agenda sit side by side, each wide
# enough for its columns (a 1366-pixel laptop leaves about 1140: one above the other).
MEETINGS_SIDE_BY_SIDE = 1500

__all__ = ["COMMUNE_ROLE", "MainWindow"]


class MainWindow(WindowMenus):
    """Everything a user opens: communes, dashboard, lists, editors, search, sync, packs.

    This module builds the window and keeps it in step with the chosen commune and the changes
    the store announces; its menus (``ui.menus``), its tools (``ui.tools``) and its record commands
    (``ui.record_actions``) are parts it inherits, one on the other, down to ``ui.window_parts``.
    """

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
        self.agenda = AgendaPanel(self.runner)
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
        # The agenda gets the larger share: its items are read and typed there.
        meeting_split.setSizes([520, 580])
        meeting_split.setObjectName("meetingSplit")
        self.meeting_split = meeting_split
        meeting_split.installEventFilter(self)
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
        current = fill_commune_list(self.commune_list, communes, late, wanted)
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
        self.context.settings.last_commune = str(self.commune_id or "")
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
        pages: dict[str, tuple[ListPage, ...]] = {
            RecordKind.PROJECT: (self.projects,),
            RecordKind.COMMITMENT: (self.commitments,),
            RecordKind.MEETING: (self.meetings,),
            RecordKind.EXCHANGE: (self.exchanges,),
            RecordKind.AGENDA_ITEM: (),
            RecordKind.STAKE: (),
            RecordKind.PPI_LINE: (),
            RecordKind.CONTACT: (),
        }
        for page in pages.get(
            kind, (self.projects, self.commitments, self.meetings, self.exchanges)
        ):
            assert isinstance(page.model, PagedTableModel)
            self._stale_tabs.discard(page.name)
            page.model.reload()
        if kind in (RecordKind.MEETING, RecordKind.AGENDA_ITEM, RecordKind.COMMITMENT, ALL):
            self.agenda.reload()
        self.dashboard.reload()
        if kind in (RecordKind.COMMITMENT, RecordKind.COMMUNE, ALL):
            self.load_communes()
        if kind in (RecordKind.PROJECT, RecordKind.STAKE, RecordKind.PPI_LINE, ALL):
            self._stale_tabs |= {"stakes", "ppi"}
            self._load_small_tables()

    # The meetings tab ---------------------------------------------------------------------

    def _meeting_chosen(self) -> None:
        record = self.meetings.selected_record()
        self.agenda.show_meeting(record.id if record is not None else None)

    # Sync --------------------------------------------------------------------------------

    def sync_now(self) -> None:
        self.sync.sync_now()

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
        self.arrange_meetings()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.meeting_split and event.type() == QEvent.Type.Resize:
            self.arrange_meetings()
        return super().eventFilter(watched, event)

    def arrange_meetings(self) -> None:
        """The meetings list beside its agenda where the tab is wide enough for both to read
        whole; above it otherwise (a 1366-pixel laptop), each then as wide as the tab."""
        split = self.meeting_split
        side_by_side = self.tabs.width() >= MEETINGS_SIDE_BY_SIDE
        orientation = Qt.Orientation.Horizontal if side_by_side else Qt.Orientation.Vertical
        if split.orientation() != orientation:
            split.setOrientation(orientation)
            if side_by_side:
                self.agenda.set_beside_list(True)
                split.setSizes([split.width() * 45 // 100, split.width() * 55 // 100])
            else:
                self.agenda.set_beside_list(False)
                split.setSizes([split.height() * 46 // 100, split.height() * 54 // 100])
        # The agenda pane keeps its buttons in view: the list gives way first.
        sizes = split.sizes()
        total = sum(sizes)
        hint = self.agenda.minimumSizeHint()
        wanted = hint.width() if side_by_side else hint.height()
        if total and len(sizes) == 2 and sizes[1] < wanted:
            split.setSizes([max(160, total - wanted), wanted])

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/maximized", self.isMaximized())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
