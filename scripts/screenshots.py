"""Screenshots of each tab at 1366×768 on the demonstration data, into docs/images/.

Run from the repository: ``QT_QPA_PLATFORM=offscreen python scripts/screenshots.py``.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from sitiv_desktop.context import open_context
from sitiv_desktop.services.demo import generate_demo
from sitiv_desktop.ui.app import Application

NAMES = ("dashboard", "projects", "commitments", "meetings", "exchanges", "stakes", "ppi")


def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        context = open_context(folder)
        with context.database.session() as session:
            generate_demo(session, seed=1, today=dt.date.today())
        context.settings.first_start_done = True
        application = Application(context, inline=True)
        window = application.window
        application.start()
        window.resize(1366, 768)
        for row in range(window.commune_list.count()):
            if window.commune_list.item(row).text() == "Vénissieux":
                window.commune_list.setCurrentRow(row)
        for index, name in enumerate(NAMES):
            window.tabs.setCurrentIndex(index)
            if name == "meetings":
                window.meetings.view.selectRow(0)
            QApplication.processEvents()
            window.grab().save(str(target / f"window-{name}.png"))
        window.close()
        application.close()
        context.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/images"))
