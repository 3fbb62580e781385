"""A syndicate in a test: the real sync service on loopback over its database (embedded SQLite
or PostgreSQL, reached as the service's own role), its communes, and laptops syncing."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from sitiv_desktop.context import Context, open_context
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from sitiv_desktop.sync.client import SyncSummary, synchronise
from sitiv_desktop.sync.rows import SYNCED_TABLES, encode, table_of
from sitiv_desktop.sync.service import admin
from sitiv_desktop.sync.service.app import create_app
from sitiv_desktop.sync.transport import ServiceClient
from tests import builders

COMMUNES = (("Vénissieux", "69259"), ("Givors", "69091"), ("Corbas", "69273"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RunningService:
    """``create_app`` served by uvicorn in a thread, on a free loopback port."""

    def __init__(self, url: str, **options: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            create_app(url, **options), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the sync service did not start")
            time.sleep(0.02)
        self.address = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


class ServiceProcess:
    """``sitiv-desktop server run`` in its own process, as a syndicate runs it."""

    def __init__(self, database: str, **env: str) -> None:
        self.database = database
        self.port = free_port()
        self.address = f"http://127.0.0.1:{self.port}"
        self.start(**env)

    def start(self, **env: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sitiv_desktop", "server", "run", "--database", self.database,
             "--listen", f"127.0.0.1:{self.port}"],
            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.address}/v1/info", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the service did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)


def service_url(owner_url: str, role: str | None, password: str) -> str:
    """The URL the service runs with: the role ``server init`` made, not the owner."""
    if role is None:
        return owner_url
    return make_url(owner_url).set(username=role, password=password).render_as_string(False)


class Syndicate:
    """The service, its communes, and its users; set up as an administrator would."""

    def __init__(self, url: str, folder: Path, communes: tuple[tuple[str, str], ...] = COMMUNES):
        self.owner_url = url
        self.folder = folder
        self.postgres = url.startswith("postgresql")
        self.service_password = secrets.token_hex(8)
        role = admin.init_server(url, self.service_password)
        self.url = service_url(url, role, self.service_password)
        for name, insee in communes:
            admin.add_commune(url, name, insee, population=10_000, metropole="lyon")
        self.service = RunningService(self.url)
        self.owner = Database.open(url)
        self.laptops: list[Laptop] = []
        self._tokens: dict[str, str] = {}
        self.administrator = self.laptop("admin", {name: "admin" for name, _insee in communes})
        self.administrator.sync()
        with self.administrator.database.session() as session:
            for commune in session.scalars(select(models.Commune)):
                builders.project(
                    session, f"P-{commune.insee_code}", f"Fibre de {commune.name}", commune
                )
                builders.commitment(
                    session, commune, f"Promesse à {commune.name}", dt.date(2026, 1, 5), None
                )
        self.administrator.sync()

    def laptop(self, user: str, grants: dict[str, str]) -> Laptop:
        """A new laptop of this user (created with these grants the first time)."""
        password = f"mot-de-passe-{user}"
        if user not in self._tokens:
            admin.add_user(self.owner_url, user, password)
            for commune, role in grants.items():
                admin.grant(self.owner_url, user, commune, role)
        folder = self.folder / f"{user}-{uuid.uuid4().hex[:4]}"
        made = Laptop(self.service.address, user, password, folder, self._tokens.get(user))
        self._tokens[user] = made.service.token or ""
        self.laptops.append(made)
        return made

    def rows(self, table: str) -> dict[str, dict[str, Any]]:
        with self.owner.read_session() as session:
            return _rows(session, table)

    def project_row(self, code: str) -> dict[str, Any]:
        (found,) = [row for row in self.rows("projects").values() if row["code"] == code]
        return found

    def close(self) -> None:
        for laptop in self.laptops:
            laptop.close()
        self.service.stop()
        self.owner.dispose()


class Laptop:
    def __init__(
        self, address: str, user: str, password: str, folder: Path, token: str | None = None
    ) -> None:
        self.user = user
        self.password = password
        self.context: Context = open_context(folder)
        self.service = ServiceClient(address, token)
        if token is None:
            self.service.log_in(user, password)

    @property
    def database(self) -> Database:
        return self.context.database

    def sync(self, **options: Any) -> SyncSummary:
        return synchronise(self.database, self.service, **options)

    def rows(self, table: str) -> dict[str, dict[str, Any]]:
        with self.database.read_session() as session:
            return _rows(session, table)

    def project(self, code: str) -> dict[str, Any]:
        (found,) = [row for row in self.rows("projects").values() if row["code"] == code]
        return found

    def conflicts(self) -> list[Any]:
        from sitiv_desktop.sync.conflicts import list_conflicts

        with self.database.read_session() as session:
            return list_conflicts(session)

    def refused(self) -> list[Any]:
        from sitiv_desktop.sync.conflicts import list_refused

        with self.database.read_session() as session:
            return list_refused(session)

    def outbox(self) -> int:
        with self.database.read_session() as session:
            return int(session.scalar(text("SELECT count(*) FROM sync_outbox")) or 0)

    def close(self) -> None:
        self.service.close()
        self.context.close()


def _rows(session: Any, table_name: str) -> dict[str, dict[str, Any]]:
    table = table_of(table_name)
    return {
        row["id"]: row
        for row in (encode(table, r) for r in session.execute(select(table)).mappings())
    }


def everything(rows_of: Any) -> dict[str, dict[str, dict[str, Any]]]:
    return {name: rows_of(name) for name in SYNCED_TABLES}
