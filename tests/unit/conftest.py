"""Fixtures the unit tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitiv_desktop.context import Context
from tests.unit.transfer_data import filled_context


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Context]:
    """A local copy holding the hand-made communes, projects, commitments and PPI."""
    opened = filled_context(tmp_path / "data")
    yield opened
    opened.close()
