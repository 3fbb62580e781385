"""A pack built and printed with the real executors: the PDF is written and printed off the GUI
thread and off the store's worker, so a list's read is answered while a pack renders."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from sitiv_desktop.context import Context
from sitiv_desktop.reports import packs as reports_packs
from sitiv_desktop.services.meetings import list_meetings
from sitiv_desktop.ui.packs import PackDialog
from sitiv_desktop.ui.tasks import StoreRunner
from tests.ui.conftest import Town


@pytest.fixture
def runner(context: Context) -> Iterator[StoreRunner]:
    made = StoreRunner(context.database)  # real threads: nothing runs inline
    yield made
    made.close()


def pack_dialog(runner: StoreRunner, context: Context, town: Town, qtbot: QtBot) -> PackDialog:
    with context.database.read_session() as session:
        meeting = next(
            m
            for m in list_meetings(session, town.venissieux)
            if m.title.startswith("Rencontre avec")
        )
    dialog = PackDialog(runner, context.paths.packs, "meeting", "Dossier", meeting.id)
    qtbot.addWidget(dialog)
    return dialog


def test_a_list_is_read_while_a_pack_renders(
    runner: StoreRunner,
    context: Context,
    town: Town,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answered = threading.Event()
    rendered_on: list[str] = []
    build = reports_packs.build_pack

    def slow_build(data: Any, stream: Any, options: Any) -> None:
        rendered_on.append(threading.current_thread().name)
        # Had the render taken the store's worker, the read queued behind it would never come.
        assert answered.wait(20), "a read of the store waited behind the render"
        build(data, stream, options)

    monkeypatch.setattr(reports_packs, "build_pack", slow_build)
    dialog = pack_dialog(runner, context, town, qtbot)
    with qtbot.waitSignal(dialog.ready, timeout=60_000) as ready:
        dialog.start()
        runner.read(lambda _session: None, lambda _none: None)
        qtbot.waitUntil(lambda: bool(rendered_on), timeout=20_000)
        runner.read(lambda _session: True, lambda _true: answered.set())
    path = ready.args[0]
    assert rendered_on[0].startswith("background")
    assert threading.current_thread().name == "MainThread"
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Vénissieux" in text
    assert dialog.print_button.isEnabled()
    dialog.document.close()


def test_printing_runs_in_the_background_and_sends_every_page(
    runner: StoreRunner, context: Context, town: Town, qtbot: QtBot, tmp_path: Any
) -> None:
    dialog = pack_dialog(runner, context, town, qtbot)
    with qtbot.waitSignal(dialog.ready, timeout=60_000):
        dialog.start()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprime.pdf"))
    with qtbot.waitSignal(dialog.printed, timeout=120_000) as printed:
        task = dialog.print_to(printer)
        assert task is not None and task.background
        # The window stays free: the button waits, the next print is refused until this one ends.
        assert not dialog.print_button.isEnabled()
        assert dialog.print_to(printer) is None
    pages = dialog.document.pageCount()
    assert printed.args == [pages]
    assert len(PdfReader(tmp_path / "imprime.pdf").pages) == pages
    assert dialog.status.text() == f"{pages} pages envoyées à l’imprimante."
    assert dialog.print_button.isEnabled()
    dialog.document.close()
