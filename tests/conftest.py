"""Fixtures shared by every test: a real, migrated SQLite file in a temporary folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from sitiv_desktop.context import Context, open_context
from sitiv_desktop.i18n import set_language
from sitiv_desktop.store.database import Database


def pytest_configure(config: pytest.Config) -> None:
    """Compiled catalogues go to a folder of this run, not to the user's cache (set before any
    message is translated, and inherited by the processes the tests start)."""
    os.environ.setdefault("SITIV_CACHE_DIR", tempfile.mkdtemp(prefix="sitiv-test-cache-"))


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


# --- the shared database -------------------------------------------------------------------------

import subprocess  # noqa: E402
import uuid as _uuid  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL server: ``SITIV_TEST_PG_URL``, or one started for this test run."""
    given = os.environ.get("SITIV_TEST_PG_URL")
    if given:
        yield given
        return
    try:
        started = subprocess.run(
            ["bash", str(REPOSITORY / ".ci" / "start-postgres")],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as error:
        pytest.fail(
            "No PostgreSQL server: set SITIV_TEST_PG_URL or install the Debian package "
            f"postgresql (scripts/install-debian-packages --test). {error}"
        )
    url = started.stdout.strip().splitlines()[-1]
    yield url
    data_dir = started.stdout.strip().splitlines()[0] if "\n" in started.stdout.strip() else None
    if data_dir:
        subprocess.run(["bash", "-c", f"kill $(head -1 {data_dir}/postmaster.pid)"], check=False)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the PostgreSQL server, dropped after the test."""
    name = f"sitiv_{_uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    base, _slash, _old = postgres_server.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
    admin.dispose()
