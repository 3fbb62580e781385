"""Bring a store's schema to the newest revision, keeping a copy of the file first."""

from __future__ import annotations

import datetime as dt
import sqlite3
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.database import Database

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision, named here so that a start-up on an up-to-date copy reads one row instead
# of importing Alembic and its scripts (a quarter of a second); a test keeps it equal to the
# scripts' head.
HEAD_REVISION = "0006"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("sitiv_desktop.store") / "migrations")
    )
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def copy_sqlite_file(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API, safe while others write."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    copy.close()
    origin.close()


def upgrade(
    database: Database, backup_dir: Path | None = None, role: str = "client"
) -> Path | None:
    """Migrate to the newest schema; returns the copy kept before migrating, if one was made.

    ``role`` is ``client`` for a laptop's local copy, ``server`` for the shared database: the
    same migrations build both, each creating the sync tables its side needs.
    """
    revision = current_revision(database)
    if revision == HEAD_REVISION:
        return None
    from alembic import command

    kept_copy = None
    database_path = database.engine.url.database
    if revision is not None and database.is_sqlite and database_path and backup_dir is not None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept_copy = backup_dir / f"avant-migration-{revision}-{stamp}.sqlite3"
        copy_sqlite_file(Path(database_path), kept_copy)
    config = alembic_config()
    try:
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            config.attributes["role"] = role
            command.upgrade(config, "head")
    except OSError as error:
        raise ExternalError(
            _("The local copy could not be upgraded: {error}").format(error=error)
        ) from error
    return kept_copy
