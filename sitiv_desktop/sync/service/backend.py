"""The service's database, PostgreSQL or an embedded SQLite file, and its transactions.

Every transaction names the user it serves, so that PostgreSQL's row-level security filters
what a forgotten condition would otherwise let through. On PostgreSQL each transaction also has
a statement and a lock timeout: nothing a request does can hold the database for long.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.database import make_engine

# Requests served at once by one process (its threads), each holding one pooled connection: the
# pool keeps that many open, so that no request pays for a new connection (a process on the
# server, a password exchange) as an overflow connection would; a few more for the rare request
# that needs two (a push that then announces its changes).
CONCURRENT_REQUESTS = 20
STATEMENT_TIMEOUT = "30s"
LOCK_TIMEOUT = "10s"


def unreachable(error: Exception) -> ExternalError:
    return ExternalError(
        _("The shared database cannot be reached; check its address and that it is running.")
    )


class Backend:
    """One service process's way to its database; it keeps no state between requests."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.url = url
        self.is_postgresql = parsed.get_backend_name() == "postgresql"
        if self.is_postgresql:
            self.engine: Engine = make_engine(
                parsed,
                pool_size=CONCURRENT_REQUESTS,
                max_overflow=10,
                pool_timeout=10,
                connect_args={"connect_timeout": 10},
            )
        else:
            self.engine = make_engine(parsed)
        self._listeners: list[Callable[[int], None]] = []
        self._lock = threading.Lock()

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(
        self, user: str | None, all_rows: bool = False, write: bool = False
    ) -> Iterator[Connection]:
        """A transaction serving ``user``; ``all_rows`` for the merge and administration, which
        apply the scope rules themselves."""
        engine = self.engine
        if not self.is_postgresql and write:
            engine = engine.execution_options(sitiv_write=True)
        try:
            with engine.begin() as connection:
                if self.is_postgresql:
                    connection.execute(
                        text(
                            "SELECT set_config('sitiv.user', :user, true),"
                            " set_config('sitiv.scope', :scope, true),"
                            " set_config('statement_timeout', :statement, true),"
                            " set_config('lock_timeout', :lock, true)"
                        ),
                        {
                            "user": user or "",
                            "scope": "all" if all_rows else "",
                            "statement": STATEMENT_TIMEOUT,
                            "lock": LOCK_TIMEOUT,
                        },
                    )
                yield connection
        except OperationalError as error:
            if _is_retryable(error):
                raise
            raise unreachable(error) from error

    def serve(self, connection: Connection, user: str) -> None:
        """Narrow a transaction opened with ``all_rows`` (to check a token) to the rows ``user``
        may read: row-level security applies to every statement after this one."""
        if self.is_postgresql:
            connection.execute(
                text(
                    "SELECT set_config('sitiv.user', :user, true),"
                    " set_config('sitiv.scope', '', true)"
                ),
                {"user": user},
            )

    # -- news of changes, for the laptops that wait --

    def listen(self, listener: Callable[[int], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def announce(self, last_seq: int) -> None:
        """Tell this process's waiting laptops, and on PostgreSQL every process's, that changes
        up to ``last_seq`` are committed."""
        if self.is_postgresql:
            with self.engine.begin() as connection:
                connection.execute(
                    text("SELECT pg_notify('sitiv_changes', :n)"), {"n": str(last_seq)}
                )
            return
        self.heard(last_seq)

    def heard(self, last_seq: int) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(last_seq)


def _is_retryable(error: DBAPIError) -> bool:
    """A deadlock or a serialization failure: the push is simply tried again."""
    code = getattr(error.orig, "sqlstate", None)
    return code in ("40P01", "40001")
