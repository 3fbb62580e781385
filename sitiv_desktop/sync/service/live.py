"""Laptops waiting for news: woken when a change is committed, by this process or, through
PostgreSQL's LISTEN/NOTIFY, by any process serving the same database."""

from __future__ import annotations

import asyncio
import logging
import threading

from sqlalchemy.engine import make_url

from sitiv_desktop.sync.service.backend import Backend

log = logging.getLogger(__name__)
CHANNEL = "sitiv_changes"


class Waiters:
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event = asyncio.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self._backend.listen(self._heard)
        if self._backend.is_postgresql:
            self._thread = threading.Thread(target=self._listen, name="sitiv-listen", daemon=True)
            self._thread.start()

    async def stop(self) -> None:
        """Stop listening, and wait for the listener to let go of its connection: the database
        may be stopped or dropped right after the service."""
        self._stopping.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 5.0)

    def news(self) -> asyncio.Event:
        """The event set at the next commit; take it before looking for changes."""
        return self._event

    def _wake(self) -> None:
        old, self._event = self._event, asyncio.Event()
        old.set()

    def _heard(self, _last_seq: int) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake)

    def _listen(self) -> None:
        import psycopg

        conninfo = make_url(self._backend.url).set(drivername="postgresql")
        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    conninfo.render_as_string(hide_password=False), autocommit=True
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    while not self._stopping.is_set():
                        for notice in connection.notifies(timeout=1.0):
                            self._backend.heard(int(notice.payload or 0))
            except psycopg.Error:
                if self._stopping.is_set():
                    return
                log.warning("lost the database's notifications; listening again", exc_info=True)
                self._stopping.wait(2.0)
