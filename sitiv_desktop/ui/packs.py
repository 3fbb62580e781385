"""« Préparer le dossier »: build a pack in the background, show it, print it or save it.

Each build writes a new dated file in the packs folder (a printed pack is a version). Printing
renders each page at an explicit 300 dpi: Qt's high-resolution default took minutes and 100 MB.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitiv_desktop.domain.records import MeetingRecord
from sitiv_desktop.errors import Cancelled
from sitiv_desktop.i18n import _, ngettext
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.tasks import LongTask, StoreRunner, TaskState, emit

PRINT_DPI = 300


def build_pack_file(
    state: TaskState, database: Any, folder: Path, kind: str, meeting: str | None, year: int | None
) -> Path:
    """Gather the pack's data, then write the PDF: the work function, with no Qt in it."""
    from sitiv_desktop.reports.document import BuildOptions
    from sitiv_desktop.reports.files import pack_file_name, save_pdf
    from sitiv_desktop.reports.packs import build_pack
    from sitiv_desktop.services.briefings import gather_pack

    state.progress(0.02, _("Gathering the data…"))
    with database.read_session() as session:
        data = gather_pack(session, kind, meeting, year)
    folder.mkdir(parents=True, exist_ok=True)
    path = pack_file_name(data, folder, dt.datetime.now())
    options = BuildOptions(
        progress=lambda fraction, text: state.progress(0.05 + 0.95 * fraction, text),
        cancelled=lambda: state.cancelled,
    )
    save_pdf(path, lambda stream: _build(build_pack, data, stream, options, state))
    return path


def _build(build: Any, data: Any, stream: Any, options: Any, state: TaskState) -> None:
    build(data, stream, options)
    if state.cancelled:
        raise Cancelled()


class PackDialog(QDialog):
    """The pack being built (a progress bar), then shown page by page, to print or save."""

    ready = Signal(object)

    def __init__(
        self,
        runner: StoreRunner,
        folder: Path,
        kind: str,
        title: str,
        meeting_id: uuid.UUID | None = None,
        year: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.folder, self.kind = runner, folder, kind
        self.meeting_id, self.year = meeting_id, year
        self.path: Path | None = None
        self.setWindowTitle(title)
        self.resize(900, 1000)
        layout = QVBoxLayout(self)
        self.status = QLabel(_("Preparing the pack…"))
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName(_("Progress of the pack"))
        layout.addWidget(self.progress)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName(_("Preview of the pack"))
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self._cancel)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        self.save_button = QPushButton(_("Save as…"))
        self.save_button.clicked.connect(self.save_as)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(self.print_pack)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.accept)
        for button in (self.save_button, self.print_button, self.close_button):
            buttons.addWidget(button)
        self.save_button.setEnabled(False)
        self.print_button.setEnabled(False)
        layout.addLayout(buttons)
        self.task: LongTask | None = None

    def start(self) -> LongTask:
        meeting = str(self.meeting_id) if self.meeting_id else None
        database, folder, kind, year = self.runner.database, self.folder, self.kind, self.year
        task = LongTask(
            lambda state: build_pack_file(state, database, folder, kind, meeting, year),
            self.runner,
            self,
        )
        task.progressed.connect(self._progressed)
        task.finished.connect(self._built)
        task.failed.connect(self._failed)
        self.task = task
        task.start()
        return task

    def _progressed(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if text:
            self.status.setText(text)

    def _built(self, path: Path) -> None:
        self.path = path
        self.document.load(str(path))
        self.progress.hide()
        self.cancel_button.hide()
        pages = self.document.pageCount()
        self.status.setText(
            ngettext("{file} — {pages} page", "{file} — {pages} pages", pages).format(
                file=path.name, pages=pages
            )
        )
        self.save_button.setEnabled(True)
        self.print_button.setEnabled(True)
        emit(self.ready, path)

    def _failed(self, error: BaseException) -> None:
        self.progress.hide()
        if isinstance(error, Cancelled):
            self.reject()
            return
        self.status.setText(_("The pack could not be built."))
        show_error(self, error)

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.reject()

    def save_as(self) -> None:
        if self.path is None:
            return
        target, _filter = QFileDialog.getSaveFileName(
            self, _("Save the pack"), str(Path.home() / self.path.name), _("PDF documents (*.pdf)")
        )
        if target:
            try:
                shutil.copyfile(self.path, target)
            except OSError as error:
                from sitiv_desktop.errors import ExternalError

                show_error(
                    self,
                    ExternalError(
                        _("The pack could not be saved to {path}: {error}.").format(
                            path=target, error=error.strerror or error
                        )
                    ),
                )

    def print_pack(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setResolution(PRINT_DPI)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        print_document(self.document, printer)


def print_document(document: QPdfDocument, printer: QPrinter) -> None:
    """Each page rendered at 300 dpi, scaled into the printable area."""
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(
                int(points.width() * PRINT_DPI / 72), int(points.height() * PRINT_DPI / 72)
            )
            image = document.render(page, size)
            scaled = image.scaled(
                area.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            painter.drawImage(QPointF(0, 0), scaled)
    finally:
        painter.end()


def meeting_pack_kind(meeting: MeetingRecord) -> str:
    """A meeting with one commune gets the full pack; any other its agenda."""
    return "meeting" if len(meeting.commune_ids) == 1 else "agenda"
