"""Start-up to a usable window on a large copy, beside an empty QMainWindow, and peak memory;
switching commune in the window, beside the bare queries of the same rows.

Each measure is a fresh process, timed from its launch to the moment the window is usable:
the communes listed and the dashboard of the last commune filled. The window's process imports
what ``sitiv-desktop gui`` imports, in the same order (the core, then Qt and the window). The
processes may write their bytecode, as an installed application has it compiled: the warm-up
launch writes it, the timed ones read it, like the floor's reads PySide6's.

A switch is timed in one window, from the click on a commune to the dashboard filled, the four
lists reset and what they left to paint painted; the bare SQLite queries of the same pages run
in turn in the same process.
"""

from __future__ import annotations

import argparse
import json
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
    # This process's own high-water mark: ru_maxrss would carry the benchmark's own memory
    # over from before the exec.
    status = open("/proc/self/status").read().splitlines()
    print("rss", next(line.split()[1] for line in status if line.startswith("VmHWM")), flush=True)
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


SWITCH = r"""
import json, os, sqlite3, statistics, sys, time
from PySide6.QtCore import QEventLoop, QTimer
from sitiv_desktop.context import open_context
from sitiv_desktop.ui.app import Application
context = open_context(sys.argv[1])
application = Application(context)
application.start()
window = application.window
app = application.app
bare = sqlite3.connect(sys.argv[1] + "/sitiv.sqlite3")
repeats = int(sys.argv[2])

loop = QEventLoop()
expected = [0]

def answered(what):
    answers.append(what)
    if len(answers) >= expected[0]:
        loop.quit()

def usable():
    if window.dashboard.title.text() and window.isVisible():
        loop.quit()
    else:
        QTimer.singleShot(2, usable)

answers = []
QTimer.singleShot(0, usable)
loop.exec()
if application._start_backup is not None:  # the copy made after the first paint, not timed
    application._start_backup.join()
models = [page.model for page in (window.projects, window.commitments, window.meetings,
          window.exchanges)]
window.dashboard.filled.connect(lambda: answered("dashboard"))
for model in models:
    model.modelReset.connect(lambda: answered("list"))
commune = next(c for c in window.communes if c.name == "Vénissieux").id
other = next(c for c in window.communes if c.name != "Vénissieux").id

def switch(commune_id):
    answers.clear()
    expected[0] = 1 + len(models)
    started = time.perf_counter()
    window.select_commune(commune_id)
    if len(answers) < expected[0]:
        loop.exec()
    # What the answers left to lay out and paint (the dashboard, the two communes' rows).
    QTimer.singleShot(0, loop.quit)
    loop.exec()
    return time.perf_counter() - started

def bare_switch():
    started = time.perf_counter()
    for table in ("commitments", "exchanges"):
        bare.execute(
            f"SELECT * FROM {table} WHERE commune_id = ? LIMIT 200", (commune.hex,)
        ).fetchall()
    bare.execute("SELECT * FROM projects LIMIT 200").fetchall()
    bare.execute("SELECT * FROM meetings LIMIT 200").fetchall()
    return time.perf_counter() - started

figures = {}
for name, target in (("one", commune), ("all", None)):
    works, floors = [], []
    switch(other); switch(target)
    for _ in range(repeats):
        switch(other)  # from another commune each time
        works.append(switch(target))
        floors.append(bare_switch())
    figures[name] = (statistics.median(works), statistics.median(floors))
print("figures", json.dumps(figures), flush=True)
application.runner.close()
os._exit(0)  # the figures are out; tearing the window down is not measured
"""


def switching(data_dir: Path, repeats: int) -> dict[str, tuple[float, float]]:
    """Seconds to switch commune in the window and the bare floor, for one commune and all."""
    environment = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run(
        [sys.executable, "-c", SWITCH, str(data_dir), str(repeats)],
        capture_output=True, text=True, env=environment, timeout=600, check=True,
    )  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("figures"))
    found: dict[str, list[float]] = json.loads(line.split(" ", 1)[1])
    return {name: (pair[0], pair[1]) for name, pair in found.items()}


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
        context.settings.first_start_done = True
        context.settings.last_commune = str(commune.id)
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
    switches = switching(data_dir, options.repeats)
    one, everyone = (
        _switch_figure(name, *switches[key], target)
        for name, key, target in (
            ("switching commune in the window", "one", 100),
            ("« Toutes les communes » in the window", "all", 300),
        )
    )
    return [
        one,
        everyone,
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


def _switch_figure(name: str, work: float, floor: float, target: int) -> Figure:
    milliseconds = work * 1000
    return Figure(
        name, milliseconds, "ms", floor=floor * 1000, floor_label="bare SQLite queries",
        target=f"≤ {target} ms", met=milliseconds <= target,
        note="dashboard filled, 4 lists reset, repainted",
    )  # fmt: skip
