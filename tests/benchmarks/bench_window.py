"""Start-up to a usable window on a large copy, beside an empty QMainWindow, and peak memory.

Each measure is a fresh process, timed from its launch to the moment the window is usable:
the communes listed and the dashboard of the last commune filled. The window's process imports
what ``sitiv-desktop gui`` imports, in the same order (the core, then Qt and the window). The
processes may write their bytecode, as an installed application has it compiled: the warm-up
launch writes it, the timed ones read it, like the floor's reads PySide6's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sitiv_desktop.context import open_context
from sitiv_desktop.services.communes import find_commune
from tests.benchmarks.common import Figure, demo_copy

WINDOW = r"""
import resource, sys
from sitiv_desktop.context import open_context
from PySide6.QtCore import QTimer
from sitiv_desktop.ui.app import Application
context = open_context(sys.argv[1])
application = Application(context)
application.start()
window = application.window

def usable():
    if window.dashboard.title.text() and window.isVisible():
        used = resource.getrusage(resource.RUSAGE_SELF)
        print("usable", used.ru_utime + used.ru_stime, flush=True)
        window.tabs.setCurrentIndex(1)  # open the projects list too, for the memory figure
        QTimer.singleShot(300, finish)
    else:
        QTimer.singleShot(2, usable)

def finish():
    print("rss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
    application.app.quit()

QTimer.singleShot(0, usable)
application.app.exec()
"""

EMPTY = r"""
import resource
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1200, 800)
window.show()
def usable():
    if window.isVisible():
        used = resource.getrusage(resource.RUSAGE_SELF)
        print("usable", used.ru_utime + used.ru_stime, flush=True)
        app.quit()
    else:
        QTimer.singleShot(2, usable)
QTimer.singleShot(0, usable)
app.exec()
"""


def launch(script: str, *arguments: str) -> tuple[float, int, float]:
    """Seconds from launch to « usable », the peak resident memory in KiB (0 if unknown), and
    the processor seconds spent until « usable » (every thread: on a busy machine, the part of
    the wait that is the program's own)."""
    environment = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", script, *arguments],
        stdout=subprocess.PIPE, text=True, env=environment,
    )  # fmt: skip
    assert process.stdout is not None
    usable_at, rss, processor = 0.0, 0, 0.0
    for line in process.stdout:
        if line.startswith("usable") and not usable_at:
            usable_at = time.perf_counter() - started
            processor = float(line.split()[1])
        elif line.startswith("rss"):
            rss = int(line.split()[1])
    process.wait(timeout=120)
    return usable_at, rss, processor


def prepare(data_dir: Path) -> None:
    context = open_context(data_dir)
    try:
        with context.database.read_session() as session:
            commune = find_commune(session, "Vénissieux")
        context.settings.set("first_start_done", True)
        context.settings.set("last_commune", str(commune.id))
    finally:
        context.close()


def section(options: argparse.Namespace) -> list[Figure]:
    data_dir = demo_copy(options.scale)
    prepare(data_dir)
    repeats = max(3, options.repeats // 3)
    launch(WINDOW, str(data_dir))  # warm the file cache once
    runs, empties = [], []
    for _ in range(repeats):  # in turn, so that both see the same machine
        runs.append(launch(WINDOW, str(data_dir)))
        empties.append(launch(EMPTY))
    start = statistics.median(run[0] for run in runs)
    floor = statistics.median(empty[0] for empty in empties)
    processor = statistics.median(run[2] for run in runs)
    processor_floor = statistics.median(empty[2] for empty in empties)
    peak = max(run[1] for run in runs) / 1024
    return [
        Figure(
            "start to a usable window", start, "s", floor=floor, floor_label="empty QMainWindow",
            target="≤ 0.4 s over the floor", met=start - floor <= 0.4,
            note=f"{start - floor:+.2f} s over the floor",
        ),
        Figure(
            "processor time to a usable window", processor, "s", floor=processor_floor,
            floor_label="empty QMainWindow", target="≤ 0.4 s over the floor",
            met=processor - processor_floor <= 0.4,
            note=f"{processor - processor_floor:+.2f} s over the floor, every thread",
        ),
        Figure(
            "peak memory, copy open", peak, "MiB", target="≤ 400 MiB", met=peak <= 400,
            note="dashboard and projects list shown",
        ),
    ]  # fmt: skip
