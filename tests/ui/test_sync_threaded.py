"""A sync with the real executors: while it waits on the network, the store's worker still
answers the window's reads (lists, search), so nothing freezes behind a slow service."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from sitiv_desktop.context import Context
from sitiv_desktop.sync import connection
from sitiv_desktop.sync.summary import SyncSummary
from sitiv_desktop.ui.app import Application


def test_the_store_answers_while_a_sync_waits_on_the_service(
    context: Context, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered = threading.Event()
    synced_on: list[str] = []

    def slow_service(*_arguments: Any, **_options: Any) -> SyncSummary:
        synced_on.append(threading.current_thread().name)
        # Had the sync taken the store's worker, the read queued behind it would never come.
        assert answered.wait(20), "a read of the store waited behind the sync"
        return SyncSummary()

    monkeypatch.setattr(connection, "sync_now", slow_service)
    application = Application(context)  # real threads: nothing runs inline
    application.start()
    try:
        controller = application.window.sync
        controller._start("http://127.0.0.1:9", "alice", None)
        assert controller.task is not None
        with qtbot.waitSignal(controller.task.finished, timeout=30_000):
            qtbot.waitUntil(lambda: bool(synced_on), timeout=20_000)
            application.runner.read(lambda _session: True, lambda _true: answered.set())
        assert synced_on[0].startswith("background")
    finally:
        application.window.close()
        application.close()
