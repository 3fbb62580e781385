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
from sitiv_desktop.store.migration import upgrade

if TYPE_CHECKING:
    from sitiv_desktop.credentials import Credentials


@dataclass
class Context:
    paths: Paths
    settings: Settings
    database: Database
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
    """Open the local copy in the data directory, migrating it to the newest schema."""
    paths = resolve_paths(data_dir)
    try:
        paths.ensure()
    except OSError as error:
        from sitiv_desktop.services.files import os_reason

        raise ExternalError(
            _("The data folder {path} cannot be used: {error}. Choose another.").format(
                path=paths.data_dir, error=os_reason(error)
            )
        ) from error
    from sitiv_desktop.services.backups import prepare_at_start

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
    return Context(paths=paths, settings=Settings(paths.settings), database=database)
