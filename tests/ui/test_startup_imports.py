"""Opening the window imports what the first paint needs, not the packs, exports or network.

A fresh process opens the window on a real copy, lets it paint, and lists what it imported: the
PDF, spreadsheet, calendar and HTTP libraries, and the modules that use them, are imported when
their feature is used. The French catalogue is read from its compiled cache, without Babel's
``.po`` parser.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sitiv_desktop.context import open_context

SCRIPT = r"""
import sys
from sitiv_desktop.context import open_context
from sitiv_desktop.ui.app import Application
application = Application(open_context(sys.argv[1]), inline=True)
application.start()
application.app.processEvents()
assert application.window.dashboard.title.text(), "the dashboard is not painted"
print("\n".join(sorted(sys.modules)))
"""

NOT_AT_START = (
    "httpx", "openpyxl", "reportlab", "icalendar", "pypdf", "babel.messages.pofile",
    "sitiv_desktop.reports", "sitiv_desktop.services.spreadsheets",
    "sitiv_desktop.services.imports", "sitiv_desktop.services.calendars",
    "sitiv_desktop.services.demo", "sitiv_desktop.sync.transport",
)  # fmt: skip


def test_opening_the_window_imports_neither_packs_nor_exports_nor_http(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    context = open_context(data_dir)
    context.settings.first_start_done = True
    context.close()
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}

    def imported() -> set[str]:
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(data_dir)],
            capture_output=True, text=True, env=environment, check=True, timeout=120,
        )  # fmt: skip
        return set(result.stdout.split())

    imported()  # the first start compiles the catalogue into the cache
    modules = imported()
    assert "sitiv_desktop.ui.window" in modules
    loaded = sorted(
        name for name in modules if any(name == m or name.startswith(m + ".") for m in NOT_AT_START)
    )
    assert loaded == []
