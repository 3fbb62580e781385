"""The explicit context built once at start and passed down: paths, settings, store, and the
keyring that holds the sync's session."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DatabaseError

from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _
from sitiv_desktop.paths import Paths, resolve_paths
from sitiv_desktop.settings import Settings
from sitiv_desktop.store.database import Database, check_fts5, sqlite_url, store_failure
from sitiv_desktop.store.migration import HEAD_REVISION, current_revision, upgrade

if TYPE_CHECKING:
    from sitiv_desktop.credentials import Credentials


@dataclass
class Context:
    paths: Paths
    settings: Settings
    database: Database
    # The copy did not exist and was made empty as it opened: a mistyped folder looks so.
    created: bool = False
    _credentials: Credentials | None = field(default=None, repr=False)

    @property
    def credentials(self) -> Credentials:
        """The system keyring, opened at first use: importing it is not worth delaying start."""
        if self._credentials is None:
            from sitiv_desktop.credentials import Credentials

            self._credentials = Credentials()
        return self._credentials

    def close(self) -> None:
        self.database.dispose()


def open_context(data_dir: str | Path | None = None) -> Context:
    """Open the local copy in the data directory, migrating it to the newest schema; a copy on a
    disk that takes no writes is opened for reading."""
    paths = resolve_paths(data_dir)
    if paths.database.exists() and not os.access(paths.data_dir, os.W_OK):
        return open_read_only(paths)
    try:
        paths.ensure()
    except OSError as error:
        from sitiv_desktop.errors import os_reason

        raise ExternalError(
            _("The data folder {path} cannot be used: {error}. Choose another.").format(
                path=paths.data_dir, error=os_reason(error)
            )
        ) from error
    from sitiv_desktop.services.backups import prepare_at_start

    created = not paths.database.exists()
    prepare_at_start(paths.database, paths.backups)
    database = Database.open(sqlite_url(paths.database))
    try:
        check_fts5(database.engine)
        upgrade(database, backup_dir=paths.backups)
    except (DatabaseError, OSError) as error:
        database.dispose()
        what = _("the local copy {path}").format(path=paths.database)
        if not os.access(paths.data_dir, os.W_OK):
            raise store_failure(OSError(errno.EROFS, "read-only"), what) or ExternalError(
                what
            ) from error
        known = store_failure(error, what, paths.data_dir)
        if known is not None:
            raise known from error
        raise ExternalError(
            _(
                "The local copy {path} cannot be read. It was left as it is; "
                "restore a backup or choose another folder."
            ).format(path=paths.database)
        ) from error
    return Context(
        paths=paths, settings=Settings(paths.settings), database=database, created=created
    )


def open_read_only(paths: Paths) -> Context:
    """The copy as it is on a read-only disk (a mount gone read-only, a copy on a locked key):
    it can still be read, searched, printed and backed up elsewhere, but not upgraded."""
    what = _("the local copy {path}").format(path=paths.database)
    log_beside = paths.database.with_name(paths.database.name + "-wal")
    if log_beside.exists() and log_beside.stat().st_size > 0:
        raise ExternalError(
            _(
                "The local copy {path} was not closed properly and is on a read-only disk: its "
                "last changes cannot be read there. Copy the whole folder to a disk that can be "
                "written and open it there."
            ).format(path=paths.database)
        )
    database = Database.open(sqlite_url(paths.database, read_only=True))
    try:
        check_fts5(database.engine)
        revision = current_revision(database)
    except (DatabaseError, OSError) as error:
        database.dispose()
        raise store_failure(error, what, paths.data_dir) or ExternalError(what) from error
    if revision != HEAD_REVISION:
        database.dispose()
        raise ExternalError(
            _(
                "The local copy {path} is on a read-only disk and was made by another version: "
                "copy the folder to a disk that can be written, this version will upgrade it."
            ).format(path=paths.database)
        )
    return Context(paths=paths, settings=Settings(paths.settings), database=database)
