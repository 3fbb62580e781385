"""Choosing a commune reads its dashboard before the lists of the tabs not shown.

The store runs one read after another: a list read first would delay the dashboard by its own
time, which grows with the copy. The list of the tab shown is read at once; the others once the
dashboard is painted, and all of them are read in the end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sitiv_desktop.ui.app import Application
from sitiv_desktop.ui.models import PagedTableModel
from tests.ui.conftest import Town


class HeldReads:
    """The window's reads of the store, held until the test answers them, named by what they
    are for: « dashboard » or the name of a list page."""

    def __init__(self, application: Application, monkeypatch: pytest.MonkeyPatch) -> None:
        window = application.window
        self.pages = {id(page.model): page.name for page in window.list_pages()}
        self.held: list[tuple[str, Callable[[Any], Any], Callable[[Any], object]]] = []
        self.answer_read = window.runner.read
        monkeypatch.setattr(window.runner, "read", self.read)

    def read(self, work: Callable[[Any], Any], success: Callable[[Any], object]) -> None:
        owner = getattr(success, "__qualname__", "")
        if owner.startswith("Dashboard."):
            self.held.append(("dashboard", work, success))
        elif owner.startswith("PagedTableModel.reload"):
            model = next(
                cell.cell_contents
                for cell in success.__closure__ or ()
                if isinstance(cell.cell_contents, PagedTableModel)
            )
            self.held.append((self.pages[id(model)], work, success))
        else:
            self.answer_read(work, success)

    def waiting(self) -> list[str]:
        return sorted(name for name, _work, _success in self.held)

    def answer(self, name: str) -> None:
        found = next(held for held in self.held if held[0] == name)
        self.held.remove(found)
        self.answer_read(found[1], found[2])


def test_the_lists_of_hidden_tabs_wait_for_the_dashboard(
    started: Application, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = started.window
    reads = HeldReads(started, monkeypatch)
    window.select_commune(town.givors)
    assert reads.waiting() == ["dashboard"]
    reads.answer("dashboard")
    assert window.dashboard.title.text() == "Givors"
    assert reads.waiting() == ["commitments", "exchanges", "meetings", "projects"]
    for name in reads.waiting():
        reads.answer(name)
    assert window.projects.model.rowCount() == 1  # read all the same


def test_the_list_shown_is_read_beside_the_dashboard(
    started: Application, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = started.window
    window.tabs.setCurrentWidget(window.commitments)
    reads = HeldReads(started, monkeypatch)
    window.select_commune(town.givors)
    assert reads.waiting() == ["commitments", "dashboard"]
    reads.answer("dashboard")
    assert reads.waiting() == ["commitments", "exchanges", "meetings", "projects"]


def test_a_hidden_tab_shown_before_the_dashboard_is_in_reads_its_list(
    started: Application, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = started.window
    reads = HeldReads(started, monkeypatch)
    window.select_commune(town.givors)
    window.tabs.setCurrentWidget(window.exchanges)
    assert reads.waiting() == ["dashboard", "exchanges"]
    reads.answer("dashboard")
    assert reads.waiting() == ["commitments", "exchanges", "meetings", "projects"]
