"""« Préparer le dossier »: build a pack in the background, show it, print it or save it.

Each build writes a new dated file in the packs folder (a printed pack is a version). The data
is gathered on the store's worker (a short read); the PDF is written, and later printed, on the
runner's background executor, so that neither the window nor the lists wait for it. Printing
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
from sitiv_desktop.errors import Cancelled, ExternalError, os_reason
from sitiv_desktop.i18n import _, ngettext
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.tasks import LongTask, StoreRunner, TaskState, emit

PRINT_DPI = 300


def gather_pack_data(session: Any, kind: str, meeting: str | None, year: int | None) -> Any:
    """What the pack shows, read from the local copy (on the store's worker)."""
    from sitiv_desktop.services.briefings import gather_pack

    return gather_pack(session, kind, meeting, year)


def write_pack_file(state: TaskState, data: Any, folder: Path) -> Path:
    """Write the PDF of data already gathered: the work function, with no Qt and no store."""
    from sitiv_desktop.reports.document import BuildOptions
    from sitiv_desktop.reports.files import pack_file_name, save_pdf
    from sitiv_desktop.reports.packs import build_pack

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
    printed = Signal(int)

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
        self.printing: LongTask | None = None
        self._stopped = False

    def start(self) -> None:
        """Gather the data on the store's worker, then write the PDF in the background."""
        meeting = str(self.meeting_id) if self.meeting_id else None
        kind, year = self.kind, self.year
        self._progressed(0.02, _("Gathering the data…"))
        self.runner.read(
            lambda session: gather_pack_data(session, kind, meeting, year),
            self._gathered,
            self._failed,
        )

    def _gathered(self, data: Any) -> None:
        if self._stopped:
            return
        folder = self.folder
        task = LongTask(
            lambda state: write_pack_file(state, data, folder), self.runner, self, background=True
        )
        task.progressed.connect(self._progressed)
        task.finished.connect(self._built)
        task.failed.connect(self._failed)
        self.task = task
        task.start()

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
        self._stopped = True
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
                show_error(
                    self,
                    ExternalError(
                        _("The pack could not be saved to {path}: {error}.").format(
                            path=target, error=os_reason(error)
                        )
                    ),
                )

    def print_pack(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setResolution(PRINT_DPI)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> LongTask | None:
        """Render and send the pages in the background; ``printed`` tells when it is done."""
        if self.path is None or self.printing is not None:
            return None
        path = self.path
        task = LongTask(
            lambda state: print_file(state, path, printer), self.runner, self, background=True
        )
        task.progressed.connect(lambda _fraction, text: self.status.setText(text))
        task.finished.connect(self._printed)
        task.failed.connect(self._print_failed)
        self.printing = task
        self._printer = printer  # kept alive until the pages are sent
        self.print_button.setEnabled(False)
        task.start()
        return task

    def _printed(self, pages: int) -> None:
        self.printing = None
        self.print_button.setEnabled(True)
        self.status.setText(
            ngettext(
                "{pages} page sent to the printer.", "{pages} pages sent to the printer.", pages
            ).format(pages=pages)
        )
        emit(self.printed, pages)

    def _print_failed(self, error: BaseException) -> None:
        self.printing = None
        self.print_button.setEnabled(True)
        if not isinstance(error, Cancelled):
            show_error(self, error)


def print_file(state: TaskState, path: Path, printer: QPrinter) -> int:
    """Each page of the PDF rendered at 300 dpi, scaled into the printable area; off the GUI
    thread (Qt paints on a printer from any thread), with a document of its own."""
    document = QPdfDocument()
    document.load(str(path))
    pages = document.pageCount()
    if document.status() is not QPdfDocument.Status.Ready or not pages:
        raise ExternalError(
            _("The pack {file} could not be read to print it.").format(file=path.name)
        )
    painter = QPainter()
    if not painter.begin(printer):
        raise ExternalError(_("The printer could not be opened."))
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for page in range(pages):
            state.progress(
                page / pages,
                _("Printing page {page} of {pages}…").format(page=page + 1, pages=pages),
            )
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
        document.close()
    return pages


def meeting_pack_kind(meeting: MeetingRecord) -> str:
    """A meeting with one commune gets the full pack; any other its agenda."""
    return "meeting" if len(meeting.commune_ids) == 1 else "agenda"
