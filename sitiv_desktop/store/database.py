"""The one place that opens connections and sessions to a store.

SQLite files get WAL, ``synchronous=NORMAL``, foreign keys and a busy timeout; writes begin
with ``BEGIN IMMEDIATE`` so that concurrent writers queue on the lock instead of failing late
with « database is locked », and a writer that finds the lock taken waits, retries, and only
then says so. Sessions are opened and closed here and nowhere else.

``store_failure`` sorts what SQLite reports by its error code (busy, read-only, full, I/O,
damaged, not a database, cannot open) into an ``ExternalError`` that says what happened and what
to do; the details, which may hold SQL or user data, stay in the log.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.constraints import explain

log = logging.getLogger(__name__)
P = TypeVar("P")
R = TypeVar("R")

# A writer finding the lock taken waits this long, then again after a pause, up to BUSY_ATTEMPTS
# times, before saying that another program keeps the local copy busy.
BUSY_TIMEOUT_MS = 5_000
BUSY_ATTEMPTS = 4
BUSY_PAUSE_S = 0.5
_WRITE_OPTION = "sitiv_write"
# Free space under which an I/O error on writing is taken for what it is: a full disk.
FULL_BELOW_BYTES = 4 * 1024 * 1024

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26


def sqlite_url(path: Path, read_only: bool = False) -> URL:
    """The URL of a SQLite file; ``read_only`` for a file on a disk that takes no writes.

    A read-only copy is opened immutable: SQLite then needs no journal or shared-memory file
    beside it, which such a disk could not hold (the caller makes sure no write-ahead log with
    unsaved pages lies beside it, since an immutable file is read without it).
    """
    if not read_only:
        return URL.create("sqlite+pysqlite", database=str(path))
    return URL.create(
        "sqlite+pysqlite",
        database=f"file:{path.resolve().as_posix()}",
        query={"mode": "ro", "immutable": "1", "uri": "true"},
    )


def connect_file(
    path: Path,
    read_only: bool = False,
    timeout: float = 30,
    isolation_level: Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None = "DEFERRED",
) -> sqlite3.Connection:
    """A driver connection to a SQLite file, for what SQLAlchemy does not do (the backup API,
    SQLite's own checks). ``read_only`` opens it without the right to write; a file whose folder
    takes no writes is always opened so, and immutable, as ``sqlite_url`` does."""
    writable_folder = os.access(path.parent, os.W_OK)
    if writable_folder and not read_only:
        return sqlite3.connect(path, timeout=timeout, isolation_level=isolation_level)
    mode = "ro" if writable_folder else "ro&immutable=1"
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode={mode}",
        uri=True,
        timeout=timeout,
        isolation_level=isolation_level,
    )


def is_read_only(engine: Engine) -> bool:
    return engine.url.query.get("mode") == "ro"


def _configure_sqlite(engine: Engine) -> None:
    read_only = is_read_only(engine)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's events, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get(_WRITE_OPTION, False)
        if not writing:
            connection.exec_driver_sql("BEGIN")
            return
        for attempt in range(1, BUSY_ATTEMPTS + 1):
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if (
                    sqlite_code(error) not in (SQLITE_BUSY, SQLITE_LOCKED)
                    or attempt == BUSY_ATTEMPTS
                ):
                    raise
                log.info("the local copy is busy; attempt %d of %d", attempt, BUSY_ATTEMPTS)
                time.sleep(BUSY_PAUSE_S)


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
    def read_only(self) -> bool:
        """Opened from a disk that takes no writes: reading, searching, packs and copies work,
        a write is refused as the disk refuses it."""
        return is_read_only(self.engine)

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

    def planned_write(self, prepare: Callable[[Session], P], write: Callable[[Session, P], R]) -> R:
        """``prepare`` on a snapshot without the write lock, then ``write`` in a short transaction.

        When another connection committed in between (SQLite's ``data_version`` tells), the plan
        is made again under the lock, so nothing is ever written from a stale plan.
        """
        if not self.is_sqlite:
            with self.session() as session:
                return write(session, prepare(session))
        try:
            with self.engine.connect() as connection:
                raw = connection.connection.driver_connection
                assert raw is not None
                before = raw.execute("PRAGMA data_version").fetchone()
                with Session(connection) as session, session.begin():
                    plan = prepare(session)
                connection.execution_options(**{_WRITE_OPTION: True})
                with Session(connection, expire_on_commit=False) as session, session.begin():
                    session.connection()  # BEGIN IMMEDIATE: the lock, from here to the commit
                    if raw.execute("PRAGMA data_version").fetchone() != before:
                        log.info("the local copy changed while the plan was made; planning again")
                        plan = prepare(session)
                    return write(session, plan)
        except IntegrityError as error:
            raise explain(error) from error

    def dispose(self) -> None:
        self.engine.dispose()


# ---------------------------------------------------------------------------------------------
# Failures of the store, in words


def _sqlite_error(error: BaseException | None) -> sqlite3.Error | None:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, sqlite3.Error):
            return error
        if isinstance(error, DBAPIError) and isinstance(error.orig, sqlite3.Error):
            return error.orig
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def sqlite_code(error: BaseException) -> int | None:
    """SQLite's primary result code behind ``error`` (or its causes), if it is SQLite's."""
    found = _sqlite_error(error)
    code = getattr(found, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    if found is not None:
        # Codes are missing on errors raised by the module itself; the text then tells.
        text = str(found).lower()
        for words, value in (
            ("database is locked", SQLITE_BUSY),
            ("readonly", SQLITE_READONLY),
            ("disk is full", SQLITE_FULL),
            ("disk i/o error", SQLITE_IOERR),
            ("malformed", SQLITE_CORRUPT),
            ("not a database", SQLITE_NOTADB),
            ("unable to open", SQLITE_CANTOPEN),
        ):
            if words in text:
                return value
    return None


def _os_error(error: BaseException | None) -> OSError | None:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError):
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def _nearly_full(folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


def store_failure(
    error: BaseException, what: str | None = None, folder: Path | None = None
) -> ExternalError | None:
    """What a failure of the disk or of SQLite means for the person, or None if unknown.

    ``what`` names the file concerned (the local copy by default); ``folder`` is where it lives:
    SQLite reports some writes on a full disk as I/O errors, and the free space tells them apart.
    """
    subject = what or _("the local copy")
    code = sqlite_code(error)
    os_error = _os_error(error) if code is None else None
    number = os_error.errno if os_error is not None else None
    if code == SQLITE_IOERR and _nearly_full(folder):
        code = SQLITE_FULL
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        message = _(
            "Another program (the window, a sync or another command) is writing to {what} and "
            "did not finish in time. Nothing was changed; try again in a moment."
        )
    elif code == SQLITE_FULL or number in (errno.ENOSPC, errno.EDQUOT):
        message = _(
            "The disk is full: nothing was changed in {what}. Free some space, then try again."
        )
    elif code == SQLITE_READONLY or number == errno.EROFS:
        message = _(
            "{what} cannot be written: the disk or the folder is read-only. Nothing was "
            "changed; check the rights on the data folder, or choose another."
        )
    elif number in (errno.EACCES, errno.EPERM):
        message = _(
            "{what} cannot be used: permission denied. Nothing was changed; check the rights "
            "on the data folder, or choose another."
        )
    elif code == SQLITE_IOERR or number == errno.EIO:
        message = _(
            "The disk failed while reading or writing {what}: nothing was changed. Check the "
            "disk and its free space, then try again."
        )
    elif code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        message = _(
            "{what} is damaged. It was left as it is: run « sitiv-desktop check », then "
            "restore a backup with « sitiv-desktop restore FILE »."
        )
    elif code == SQLITE_CANTOPEN:
        message = _(
            "{what} cannot be opened (a missing folder, or no right to it). Check the data "
            "folder, or choose another."
        )
    else:
        return None
    log.info("store failure (%s)", code if code is not None else number, exc_info=error)
    text = message.format(what=subject)
    return ExternalError(text[:1].upper() + text[1:])
