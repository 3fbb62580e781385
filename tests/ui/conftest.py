"""Qt tests run offscreen, on a real SQLite copy, with the store runner working inline."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
import re
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

import pytest

from sitiv_desktop.context import Context
from tests import builders


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    """pytest-qt fails a test on a Qt warning up to the end of its call; the fixtures' teardown
    (closing the window and the application, stopping their threads) is held to the same rule,
    with the same level and ignore list."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
    from pytestqt.logging import Record

    level = item.config.getini("qt_log_level_fail")
    ignored = [re.compile(pattern) for pattern in item.config.getini("qt_log_ignore")]
    caught: list[str] = []

    def handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        record = Record(kind, message, any(p.search(message) for p in ignored), None)
        if record.matches_level(level) and not record.ignored:
            caught.append(f"{record.type_name}: {message}")

    previous = qInstallMessageHandler(handle)
    try:
        outcome = yield
    finally:
        qInstallMessageHandler(previous)
    if caught:
        pytest.fail("Qt messages during teardown:\n" + "\n".join(caught), pytrace=False)
    return outcome


@dataclass(frozen=True)
class Town:
    """What the hand-made data holds, to find it again in the window."""

    venissieux: uuid.UUID
    givors: uuid.UUID


@pytest.fixture
def town(context: Context) -> Town:
    """Two communes with projects, commitments (one late), meetings and exchanges."""
    today = dt.date.today()
    with context.database.session() as session:
        venissieux = builders.commune(session, "Vénissieux", "69259", 65_000)
        givors = builders.commune(session, "Givors", "69091", 20_000)
        fibre = builders.project(
            session, "RES-01", "Fibre optique des écoles", venissieux, progress=40
        )
        builders.project(session, "SIG-02", "Cadastre numérique", givors, status="study")
        builders.ppi_line(
            session,
            fibre,
            [(dt.date(today.year - 1, 12, 1), 120_000_00)],
            {today.year: 40_000_00, today.year + 1: 80_000_00},
        )
        builders.commitment(
            session,
            venissieux,
            "Équiper la médiathèque",
            today - dt.timedelta(days=90),
            today - dt.timedelta(days=10),
        )
        builders.commitment(
            session, givors, "Former les agents", today, today + dt.timedelta(days=20)
        )
        start = dt.datetime.combine(today + dt.timedelta(days=7), dt.time(10, 0))
        builders.meeting(session, "Rencontre avec le maire", start, [venissieux], duration=60)
        builders.meeting(
            session,
            "Rencontre de suivi",
            start + dt.timedelta(days=60),
            [venissieux],
            duration=60,
        )
        builders.exchange(session, venissieux, "Appel de la DSI", today, "Point sur la fibre")
        return Town(venissieux=venissieux.id, givors=givors.id)


@pytest.fixture
def started(context: Context, town: Town, qtbot: object) -> Iterator[object]:
    """The window on the hand-made data, past the first start."""
    from sitiv_desktop.ui.app import Application

    context.settings.first_start_done = True
    application = Application(context, inline=True)
    application.start()
    yield application
    application.window.close()
    application.close()


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A message box or crash dialog would block offscreen: each is recorded and fails the test
    unless the test expects it (tests that expect a question patch it themselves)."""
    from PySide6.QtWidgets import QMessageBox

    from sitiv_desktop.ui import errors

    shown: list[str] = []

    def record(kind: str) -> Callable[..., QMessageBox.StandardButton]:
        def show(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
            shown.append(f"{kind}: {args[2] if len(args) > 2 else ''}")
            return QMessageBox.StandardButton.Ok

        return show

    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))

    def crash(dialog: errors.CrashDialog) -> int:
        shown.append("crash: " + dialog.details.toPlainText())
        return 0

    monkeypatch.setattr(errors.CrashDialog, "exec", crash)
    yield shown
    assert not shown, "\n".join(shown)
