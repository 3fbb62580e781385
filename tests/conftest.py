"""Fixtures shared by every test: a real, migrated SQLite file in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from sitiv_desktop.context import Context, open_context
from sitiv_desktop.i18n import set_language
from sitiv_desktop.store.database import Database


@pytest.fixture(autouse=True)
def french() -> Iterator[None]:
    """Every test starts in French, the default language, whatever the last one chose."""
    set_language("fr")
    yield
    set_language("fr")


@pytest.fixture
def context(tmp_path: Path) -> Iterator[Context]:
    opened = open_context(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def database(context: Context) -> Database:
    return context.database


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A writing session committed at the end of the test."""
    with database.session() as opened:
        yield opened
