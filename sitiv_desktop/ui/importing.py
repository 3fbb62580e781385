"""Import from a spreadsheet with a preview: the command line's checks, shown before writing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.transfers import ImportKind, ImportPreview
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.imports import import_spreadsheet
from sitiv_desktop.services.imports.preview import preview_summary
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.tasks import StoreRunner

SHOWN = 500


class ImportDialog(QDialog):
    """Reads the file without writing (a dry run), lists what it would create or change and
    every bad row; « Importer » writes it in one transaction."""

    def __init__(
        self,
        runner: StoreRunner,
        kind: str,
        path: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.kind, self.path = ImportKind(kind), path
        self.preview: ImportPreview | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Import « {name} »").format(name=path.name))
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        self.summary = QLabel(_("Reading the file…"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.changes = QListWidget()
        self.changes.setAccessibleName(_("What the import will do"))
        layout.addWidget(self.changes, 2)
        self.problems_title = QLabel(_("Rows with a problem"))
        self.problems_title.setObjectName("strong")
        layout.addWidget(self.problems_title)
        self.problems = QListWidget()
        self.problems.setAccessibleName(_("Rows with a problem"))
        layout.addWidget(self.problems, 1)
        self.skip = QCheckBox(_("Skip the rows with a problem"))
        self.skip.toggled.connect(self._update_button)
        layout.addWidget(self.skip)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            _("Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def start(self) -> None:
        kind, path = self.kind, self.path

        def work(session: Session) -> ImportPreview:
            return import_spreadsheet(session, kind, path, dry_run=True)

        self.runner.write(work, self._previewed, self._failed)

    def _previewed(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.summary.setText(preview_summary(preview))
        self.changes.clear()
        for change in preview.changes[:SHOWN]:
            self.changes.addItem(str(change))
        if len(preview.changes) > SHOWN:
            self.changes.addItem(_("… and {count} more").format(count=len(preview.changes) - SHOWN))
        self.problems.clear()
        for problem in preview.problems[:SHOWN]:
            self.problems.addItem(str(problem))
        has_problems = bool(preview.problems)
        self.problems.setVisible(has_problems)
        self.problems_title.setVisible(has_problems)
        self.skip.setVisible(has_problems)
        self._update_button()

    def _update_button(self) -> None:
        preview = self.preview
        ready = (
            preview is not None
            and bool(preview.changes)
            and (not preview.problems or self.skip.isChecked())
        )
        self.import_button.setEnabled(ready)

    def apply(self) -> None:
        if not self.import_button.isEnabled():
            return
        kind, path, skip = self.kind, self.path, self.skip.isChecked()
        self.import_button.setEnabled(False)

        def work(session: Session) -> ImportPreview:
            return import_spreadsheet(session, kind, path, skip_bad_rows=skip)

        self.runner.write(work, self._applied, self._failed)

    def _applied(self, preview: ImportPreview) -> None:
        self.preview = preview  # the runner told the notifier what the import wrote
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, UserError):
            self.summary.setText(error.message)
        else:
            show_error(self, error)
