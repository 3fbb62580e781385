"""A long task shown in a progress dialog that can cancel it; its errors go to ``show_error``.

The window and the application both run their long tasks (exports, backups, demonstration data)
through ``run_long_task``; it needs neither of them, so neither imports the other for it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QProgressDialog, QWidget

from sitiv_desktop import APP_NAME
from sitiv_desktop.i18n import _
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.tasks import LongTask, StoreRunner


def run_long_task(
    parent: QWidget,
    runner: StoreRunner,
    title: str,
    work: Any,
    done: Any,
    keep: list[LongTask],
) -> LongTask:
    """A long task with a progress dialog that can cancel it; errors go to ``show_error``."""
    dialog = QProgressDialog(title, _("Cancel"), 0, 1000, parent)
    dialog.setWindowTitle(APP_NAME)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    task = LongTask(work, runner)
    keep.append(task)

    def progressed(fraction: float, text: str) -> None:
        dialog.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if text:
            dialog.setLabelText(text)

    def finished(result: Any) -> None:
        dialog.close()
        keep.remove(task)
        done(result)

    def failed(error: BaseException) -> None:
        dialog.close()
        keep.remove(task)
        show_error(parent, error)

    task.progressed.connect(progressed)
    task.finished.connect(finished)
    task.failed.connect(failed)
    dialog.canceled.connect(task.cancel)
    task.start()
    return task
