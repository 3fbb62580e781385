"""The window's menus and shortcuts: one action per command, each in its menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from sitiv_desktop.i18n import _
from sitiv_desktop.ui.tools import WindowTools


class WindowMenus(WindowTools):
    """The menu bar of the main window (a part of ``MainWindow``, on ``WindowParts``)."""

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

    def refresh_all(self) -> None:
        self.notifier.notify_all()

    def _update_actions(self) -> None:
        page = self.current_page()
        editable = page is not None
        self.delete_action.setEnabled(editable)
        self.edit_action.setEnabled(editable)
        self.history_action.setEnabled(editable)
