"""A syndicate in a test: a shared database (SQLite file or PostgreSQL) and laptops syncing."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from sitiv_desktop.context import Context, open_context
from sitiv_desktop.store.database import Database
from sitiv_desktop.sync.client import SyncSummary, synchronise
from sitiv_desktop.sync.rows import SYNCED_TABLES, encode, table_of
from sitiv_desktop.sync.server import ServerLink, add_user, grant, init_server
from tests import builders

COMMUNES = (("Vénissieux", "69259"), ("Givors", "69091"), ("Corbas", "69273"))


class Syndicate:
    """The shared database, its communes, and its users."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        self.postgres = url.startswith("postgresql")
        self.token = uuid.uuid4().hex[:6]
        init_server(url)
        self.admin = Database.open(url)
        with self.admin.session() as session:
            for name, insee in COMMUNES:
                commune = builders.commune(session, name, insee)
                builders.project(session, f"P-{insee}", f"Fibre de {name}", commune)
                builders.commitment(
                    session, commune, f"Promesse à {name}", dt.date(2026, 1, 5), None
                )
        self.laptops: list[Laptop] = []

    def laptop(self, user: str, grants: dict[str, str]) -> Laptop:
        name = f"{user}_{self.token}"
        password = f"mot-de-passe-{name}"
        add_user(self.url, name, password)
        for commune, role in grants.items():
            grant(self.url, name, commune, role)
        made = Laptop(self, name, password, self.folder / name)
        self.laptops.append(made)
        return made

    def rows(self, table: str) -> dict[str, dict[str, Any]]:
        with self.admin.read_session() as session:
            return _rows(session, table)

    def close(self) -> None:
        for laptop in self.laptops:
            laptop.close()
        self.admin.dispose()


class Laptop:
    def __init__(self, syndicate: Syndicate, user: str, password: str, folder: Path) -> None:
        self.user = user
        self.password = password
        self.context: Context = open_context(folder)
        self.link = ServerLink(syndicate.url, user, password)

    @property
    def database(self) -> Database:
        return self.context.database

    def sync(self, **options: Any) -> SyncSummary:
        return synchronise(self.database, self.link, **options)

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

    def outbox(self) -> int:
        with self.database.read_session() as session:
            return int(session.scalar(text("SELECT count(*) FROM sync_outbox")) or 0)

    def close(self) -> None:
        self.link.close()
        self.context.close()


def _rows(session: Any, table_name: str) -> dict[str, dict[str, Any]]:
    table = table_of(table_name)
    return {
        row["id"]: row
        for row in (encode(table, r) for r in session.execute(select(table)).mappings())
    }


def everything(rows_of: Any) -> dict[str, dict[str, dict[str, Any]]]:
    return {name: rows_of(name) for name in SYNCED_TABLES}
