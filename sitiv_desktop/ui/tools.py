"""What the window opens beside the lists: search, packs, exports, backups, import and help."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import MeetingRecord, SearchHit
from sitiv_desktop.i18n import _, ngettext
from sitiv_desktop.services.commitments import get_commitment
from sitiv_desktop.services.meetings import get_meeting
from sitiv_desktop.services.projects import get_project
from sitiv_desktop.services.stakes import get_stake
from sitiv_desktop.store import models
from sitiv_desktop.ui.packs import PackDialog, meeting_pack_kind
from sitiv_desktop.ui.progress import run_long_task
from sitiv_desktop.ui.record_actions import RecordActions
from sitiv_desktop.ui.search import SearchDialog
from sitiv_desktop.ui.tasks import TaskState


class WindowTools(RecordActions):
    """The tools of the main window (a part of ``MainWindow``, on ``WindowParts``)."""

    # Search ------------------------------------------------------------------------------

    def open_search(self) -> SearchDialog:
        dialog = SearchDialog(self.runner, self)
        dialog.opened.connect(self.open_hit)
        dialog.open()
        return dialog

    def open_hit(self, hit: SearchHit) -> None:
        """Show the record a search result names, in its tab, with its editor when it has one."""
        record_id = hit.record_id
        if hit.kind == RecordKind.COMMUNE:
            self.select_commune(record_id)
            self.tabs.setCurrentWidget(self.dashboard)
            return
        loaders: dict[str, tuple[QWidget, Callable[[Session], Any]]] = {
            RecordKind.PROJECT: (self.projects, lambda s: get_project(s, record_id)),
            RecordKind.COMMITMENT: (self.commitments, lambda s: get_commitment(s, record_id)),
            RecordKind.MEETING: (
                self.meetings.parentWidget() or self.meetings,
                lambda s: get_meeting(s, record_id),
            ),
            RecordKind.STAKE: (self.stakes, lambda s: get_stake(s, record_id)),
        }
        if hit.kind in loaders:
            tab, load = loaders[hit.kind]
            self.tabs.setCurrentWidget(tab)
            if hit.kind == RecordKind.MEETING:
                self.runner.read(load, lambda record: self.agenda.show_meeting(record.id))
            else:
                self.runner.read(load, lambda record: self.edit_record(hit.kind, record))
            return
        if hit.kind == RecordKind.AGENDA_ITEM:
            self.tabs.setCurrentWidget(self.meetings.parentWidget() or self.meetings)
            self.runner.read(
                lambda s: s.get(models.AgendaItem, record_id).meeting_id,  # type: ignore[union-attr]
                self.agenda.show_meeting,
            )
            return
        if hit.kind == RecordKind.CONTACT:
            # A contact is seen among its commune's contacts, from the commune's dashboard.
            def shown(commune_id: Any) -> None:
                self.select_commune(commune_id)
                self.tabs.setCurrentWidget(self.dashboard)
                self.open_contacts(commune_id)

            self.runner.read(
                lambda s: s.get(models.Contact, record_id).commune_id,  # type: ignore[union-attr]
                shown,
            )
            return
        self.tabs.setCurrentWidget(
            self.exchanges if hit.kind == RecordKind.EXCHANGE else self.dashboard
        )
        if hit.kind == RecordKind.EXCHANGE:
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

        self._long(_("Exporting…"), work, lambda count: self._written(count, target, False))

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

        self._long(_("Exporting…"), work, lambda count: self._written(count, target, True))

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

    def _written(self, count: int, path: Path, meetings: bool) -> None:
        message = (
            ngettext(
                "{count} meeting written to {path}.", "{count} meetings written to {path}.", count
            )
            if meetings
            else ngettext(
                "{count} row written to {path}.", "{count} rows written to {path}.", count
            )
        )
        self.statusBar().showMessage(message.format(count=count, path=path), 8000)

    def _long(
        self, title: str, work: Callable[[TaskState], Any], done: Callable[[Any], Any]
    ) -> None:
        run_long_task(self, self.runner, title, work, done, self._tasks)

    # Help --------------------------------------------------------------------------------

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
        dialog = ImportDialog(self.runner, kind, path, self)
        dialog.open()
        dialog.start()
        self.import_dialog = dialog
        return dialog
