"""Starting the window: the application object, translations, the first start, the main window.

The ``QApplication`` needs nothing from the store: the window is shown at once and fills itself
as the store runner answers (unlike an application that must open its database before it can
exist, which forces every test to boot everything).
"""

from __future__ import annotations

import logging
import sys
import threading
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTimer, QTranslator
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sitiv_desktop import APP_ID, APP_NAME
from sitiv_desktop.context import Context
from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _, set_language
from sitiv_desktop.store import models
from sitiv_desktop.ui.errors import install_excepthook
from sitiv_desktop.ui.first_start import DEMO, SHARED, ConnectionDialog, FirstStartDialog
from sitiv_desktop.ui.progress import run_long_task
from sitiv_desktop.ui.style import style_sheet
from sitiv_desktop.ui.tasks import ChangeNotifier, LongTask, StoreRunner, TaskState
from sitiv_desktop.ui.window import MainWindow

log = logging.getLogger(__name__)
DEMO_SEED = 1


def application() -> QApplication:
    """The one ``QApplication`` of the process (pytest-qt may have made it already)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("SITIV")
    app.setOrganizationDomain("sitiv.fr")
    app.setDesktopFileName(APP_ID)
    return app


def app_icon() -> QIcon:
    icon = QIcon()
    folder = resources.files("sitiv_desktop") / "resources" / "icons"
    for size in (16, 32, 48, 256):
        image = folder / f"{APP_ID}-{size}.png"
        if image.is_file():
            pixmap = QPixmap()
            pixmap.loadFromData(image.read_bytes())
            icon.addPixmap(pixmap)
    return icon


def load_qt_translations(app: QApplication, language: str) -> list[QTranslator]:
    """Qt's own catalogue (``qtbase_fr``) so that standard dialogs and buttons speak French."""
    for old in getattr(app, "_sitiv_translators", []):
        app.removeTranslator(old)
    installed: list[QTranslator] = []
    if language != "en":
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator(app)
        if translator.load(f"qtbase_{language}", folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Qt translation qtbase_%s not found in %s", language, folder)
    QLocale.setDefault(
        QLocale(QLocale.Language.French if language == "fr" else QLocale.Language.English)
    )
    app._sitiv_translators = installed  # type: ignore[attr-defined]
    return installed


def window_settings(context: Context) -> QSettings:
    """Window geometry and column widths, beside the local copy (``--data-dir`` moves them too)."""
    path = context.paths.data_dir / "window.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


def _is_empty(session: Session) -> bool:
    return (session.scalar(select(func.count(models.Commune.id))) or 0) == 0


class Application:
    """Wires the context, the store runner, the change notifier and the main window."""

    def __init__(self, context: Context, inline: bool = False) -> None:
        self.context = context
        self.app = application()
        language = context.settings.language
        set_language(language)
        load_qt_translations(self.app, language)
        self.app.setWindowIcon(app_icon())
        self.app.setStyleSheet(style_sheet())
        self.notifier = ChangeNotifier()
        self.runner = StoreRunner(context.database, inline=inline, notifier=self.notifier)
        self.window = MainWindow(context, self.runner, self.notifier, window_settings(context))
        self.tasks: list[LongTask] = []

    def start(self) -> None:
        """Show the window where the user left it, or offer the first-start choices."""
        self.window.show()
        self._backed_up_at_start = False
        if self.runner.inline:
            self.runner.read(lambda _session: self.automatic_backup(), lambda _path: None)
        else:
            # The backup reads the whole copy: it waits for the first paint, on its own thread,
            # so that neither the window nor the store's queue waits for it.
            self.window.dashboard.filled.connect(self._back_up_after_first_paint)
        if self.context.settings.first_start_done:
            self.window.load_communes(select=self._last_commune())
            return
        self.runner.read(_is_empty, self._first_start)

    def _back_up_after_first_paint(self) -> None:
        if self._backed_up_at_start:
            return
        self._backed_up_at_start = True
        self._start_backup = threading.Thread(
            target=self.automatic_backup, name="start-backup", daemon=True
        )
        self._start_backup.start()

    _start_backup: threading.Thread | None = None

    def _last_commune(self) -> uuid.UUID | None:
        text = self.context.settings.last_commune
        try:
            return uuid.UUID(text) if text else None
        except ValueError:
            return None

    def _first_start(self, empty: bool) -> None:
        if not empty:
            self.context.settings.first_start_done = True
            self.window.load_communes(select=self._last_commune())
            return
        dialog = FirstStartDialog(self.window)
        dialog.finished.connect(lambda _code: self._first_choice(dialog.choice))
        dialog.open()
        self.first_start_dialog = dialog

    def _first_choice(self, choice: str) -> None:
        self.context.settings.first_start_done = True
        if choice == DEMO:
            self.load_demo()
        elif choice == SHARED:
            self.connect_shared()
        else:
            self.window.load_communes()

    # Demonstration data ------------------------------------------------------------------

    def load_demo(self, scale: int = 1) -> LongTask:
        def work(state: TaskState) -> Any:
            try:
                from sitiv_desktop.services.demo import (  # type: ignore[import-not-found,unused-ignore]
                    generate_demo,
                )
            except ImportError as error:
                raise ExternalError(
                    _("Demonstration data is not available in this version.")
                ) from error
            with self.context.database.session() as session:
                return generate_demo(
                    session, seed=DEMO_SEED, scale=scale, replace=False, progress=state.progress
                )

        return self.run_long(_("Creating demonstration data…"), work, self._demo_done)

    def _demo_done(self, _summary: Any) -> None:
        self.notifier.notify_all()
        self.window.load_communes()

    # Shared database ---------------------------------------------------------------------

    def connect_shared(self) -> ConnectionDialog:
        """Ask where the shared database is, check it, keep the password, then sync."""
        dialog = self.window.sync.open_connection()
        dialog.rejected.connect(self.window.load_communes)
        return dialog

    # Long tasks --------------------------------------------------------------------------

    def run_long(self, title: str, work: Any, done: Any) -> LongTask:
        return run_long_task(self.window, self.runner, title, work, done, self.tasks)

    def automatic_backup(self) -> Path | None:
        """A copy of the local store kept among the last N (at start and at quit)."""
        from sitiv_desktop.services.backups import automatic_backup

        database = self.context.paths.database
        if not database.exists():
            return None
        kept = self.context.settings.backups_kept
        try:
            return automatic_backup(database, self.context.paths.backups, kept)
        except (OSError, ExternalError) as error:
            log.warning("automatic backup failed: %s", error)
            return None

    def close(self) -> None:
        if self._start_backup is not None:
            self._start_backup.join()
        self.window.save_state()
        self.runner.read(lambda _session: self.automatic_backup(), lambda _path: None)
        self.runner.close()


def run_app(context: Context, quit_after_ms: int | None = None) -> int:
    """Open the window on the local copy; returns the exit code of the event loop."""
    application_ = Application(context)
    install_excepthook(application_.window)
    application_.start()
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, application_.app.quit)
    try:
        return int(application_.app.exec())
    finally:
        application_.close()
