"""The explicit context built once at start and passed down: paths, settings, store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitiv_desktop.paths import Paths, resolve_paths
from sitiv_desktop.settings import Settings
from sitiv_desktop.store.database import Database, check_fts5, sqlite_url
from sitiv_desktop.store.migration import upgrade


@dataclass
class Context:
    paths: Paths
    settings: Settings
    database: Database

    def close(self) -> None:
        self.database.dispose()


def open_context(data_dir: str | Path | None = None) -> Context:
    """Open the local copy in the data directory, migrating it to the newest schema."""
    paths = resolve_paths(data_dir).ensure()
    database = Database.open(sqlite_url(paths.database))
    check_fts5(database.engine)
    upgrade(database, backup_dir=paths.backups)
    return Context(paths=paths, settings=Settings(paths.settings), database=database)
