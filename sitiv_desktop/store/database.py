"""The one place that opens connections and sessions to a store.

SQLite files get WAL, ``synchronous=NORMAL``, foreign keys and a busy timeout; writes begin
with ``BEGIN IMMEDIATE`` so that concurrent writers queue on the lock instead of failing late
with « database is locked ». Sessions are opened and closed here and nowhere else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.constraints import explain

BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "sitiv_write"


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite+pysqlite", database=str(path))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's events, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_engine(url: str | URL, **options: Any) -> Engine:
    """An engine for a SQLite file or a PostgreSQL server, set up as this project needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, **options)
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **options)


def check_fts5(engine: Engine) -> None:
    """Full-text search needs SQLite's FTS5; say so plainly if this build lacks it."""
    with engine.connect() as connection:
        options = {row[0] for row in connection.execute(text("PRAGMA compile_options"))}
    if "ENABLE_FTS5" not in options:
        raise ExternalError(
            _("This SQLite library has no full-text search (FTS5); install a complete Python.")
        )


class Database:
    """A store reached through one engine, handing out sessions that commit or roll back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{_WRITE_OPTION: True})

    @classmethod
    def open(cls, url: str | URL) -> Database:
        return cls(make_engine(url))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for writing: committed if the block succeeds, rolled back otherwise.

        A write the database refuses comes out as a ``UserError`` in words, not a constraint name.
        """
        try:
            with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
                yield session
        except IntegrityError as error:
            raise explain(error) from error

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading: it sees one consistent snapshot and never takes the write lock."""
        with Session(self.engine) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
