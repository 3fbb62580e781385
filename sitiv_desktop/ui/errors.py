"""How the window shows what went wrong: the one place in ``ui`` that catches errors.

``UserError`` goes by its field when a form shows it, else in a short message; ``ExternalError``
says what happened and what to do; ``Cancelled`` is silent; anything else is a bug, logged and
shown in a crash dialog whose details can be copied into a report.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitiv_desktop import APP_NAME, __version__
from sitiv_desktop.errors import Cancelled, ExternalError, UserError
from sitiv_desktop.i18n import _

log = logging.getLogger(__name__)


class CrashDialog(QDialog):
    """An unexpected error: a sentence, and the details ready to copy."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Unexpected error"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        message = QLabel(
            _(
                "Something went wrong that should not have. Your data is safe: what was saved "
                "stays saved. Copy the details below into a report to the syndicate's IT team."
            )
        )
        message.setWordWrap(True)
        layout.addWidget(message)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(_("Error details"))
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(_("Copy the details"))
        copy.clicked.connect(self.copy_details)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.details.toPlainText())


def error_details(error: BaseException) -> str:
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return f"{APP_NAME} {__version__}\nPython {sys.version.split()[0]}\n\n" + "".join(lines)


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """Tell the user about an error the way its kind deserves."""
    if isinstance(error, Cancelled):
        return
    if isinstance(error, UserError):
        QMessageBox.warning(parent, _("Check what was typed"), error.message)
    elif isinstance(error, ExternalError):
        QMessageBox.critical(parent, _("The operation could not be completed"), error.message)
    else:
        log.error("unexpected error", exc_info=error)
        CrashDialog(error_details(error), parent).exec()


def install_excepthook(parent: QWidget | None = None) -> None:
    """Errors escaping a slot reach the user as a crash dialog instead of vanishing."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if error.__traceback__ is None:
            error = error.with_traceback(trace)
        show_error(parent, error)

    sys.excepthook = hook
