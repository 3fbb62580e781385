"""Backups of the local copy, and bringing one back.

A backup goes through SQLite's backup API in one step: it reads one consistent snapshot while
the application keeps writing (WAL lets writers go on), and the result is a single
self-contained file. A restore first checks the file on a temporary copy (a SQLite database,
of this application, with a schema this version knows, undamaged), migrates an older schema,
keeps the current local copy aside in the backups folder, and only then replaces the content
of the local copy, through the same backup API so that its WAL files stay coherent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from sitiv_desktop.errors import ExternalError, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.files import ProgressCallback, no_progress
from sitiv_desktop.store.database import Database, sqlite_url
from sitiv_desktop.store.migration import alembic_config, head_revision, upgrade

SQLITE_HEADER = b"SQLite format 3\x00"
AUTOMATIC_PREFIX = "auto-"
KEPT_BEFORE_RESTORE_PREFIX = "avant-restauration-"
BACKUP_SUFFIX = ".sqlite3"
# Tables without which a file is not a local copy of this application.
APPLICATION_TABLES = ("alembic_version", "communes", "projects", "commitments", "meetings")


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: dt.datetime
    size: int
    automatic: bool


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the schema the file had, and where the replaced copy was kept."""

    restored_from: Path
    revision_found: str
    migrated: bool
    kept_copy: Path | None


def _stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def _copy(source: Path, target: Path, progress: ProgressCallback = no_progress) -> None:
    """Copy ``source`` into ``target`` through the backup API; ``target``'s content is replaced."""
    # One step (pages=-1): a stepwise copy restarts each time another connection writes, and
    # could never end while the application is busy; one step reads a single snapshot.
    origin = sqlite3.connect(source, timeout=30)
    try:
        copy = sqlite3.connect(target, timeout=30)
        try:
            origin.backup(
                copy, pages=-1, progress=lambda _status, left, total: progress(1 - left / total, "")
            )
        finally:
            copy.close()
    finally:
        origin.close()


def backup(database_path: Path, target: Path, progress: ProgressCallback = no_progress) -> Path:
    """Write a consistent copy of the local copy to ``target`` (replacing a file there)."""
    if not database_path.exists():
        raise ExternalError(
            _("There is no local copy at {path} to back up.").format(path=database_path)
        )
    progress(0.0, _("Backing up the local copy"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".sauvegarde-") as folder:
            partial = Path(folder) / target.name
            _copy(database_path, partial, progress)
            _make_self_contained(partial)
            partial.replace(target)
    except (OSError, sqlite3.Error) as error:
        raise ExternalError(
            _(
                "The backup could not be written to {path}: {error}. Check the folder and the free "
                "space."
            ).format(path=target, error=error)
        ) from error
    progress(1.0, _("Backup written"))
    return target


def _make_self_contained(path: Path) -> None:
    """A backup is one file: no WAL beside it, whatever the journal mode of the original."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()


def automatic_backup(
    database_path: Path, backups_dir: Path, kept: int, now: dt.datetime | None = None
) -> Path | None:
    """Take an automatic backup and keep only the last ``kept`` ones (none when ``kept`` < 1)."""
    if kept < 1:
        return None
    target = backups_dir / f"{AUTOMATIC_PREFIX}{_stamp(now)}{BACKUP_SUFFIX}"
    counter = 1
    while target.exists():
        counter += 1
        target = backups_dir / f"{AUTOMATIC_PREFIX}{_stamp(now)}-{counter}{BACKUP_SUFFIX}"
    backup(database_path, target)
    automatic = sorted(
        (b for b in list_backups(backups_dir) if b.automatic), key=lambda b: b.path.name
    )
    for old in automatic[:-kept]:
        with contextlib.suppress(OSError):
            old.path.unlink()
    return target


def list_backups(backups_dir: Path) -> list[BackupFile]:
    """The backups in the folder, the latest first."""
    if not backups_dir.is_dir():
        return []
    found = []
    for path in backups_dir.glob(f"*{BACKUP_SUFFIX}"):
        with contextlib.suppress(OSError):
            status = path.stat()
            found.append(
                BackupFile(
                    path=path,
                    taken_at=dt.datetime.fromtimestamp(status.st_mtime),
                    size=status.st_size,
                    automatic=path.name.startswith(AUTOMATIC_PREFIX),
                )
            )
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def _left_as_it_was() -> str:
    return _("The local copy was left as it was.")


def known_revisions() -> set[str]:
    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


def check_backup_file(path: Path) -> str:
    """The schema revision of a file that is a sound copy of this application, or ``UserError``."""
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except FileNotFoundError as error:
        raise UserError(
            _("The file {path} does not exist. {outcome}").format(
                path=path, outcome=_left_as_it_was()
            ),
            "file",
        ) from error
    except OSError as error:
        raise ExternalError(
            _("The file {path} could not be read: {error}.").format(
                path=path, error=error.strerror or error
            )
        ) from error
    if header != SQLITE_HEADER:
        raise UserError(
            _(
                "« {name} » is not a SQLite database, so not a backup of SITIV Desktop. {outcome}"
            ).format(name=path.name, outcome=_left_as_it_was()),
            "file",
        )
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return _check_content(connection, path)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise UserError(
            _("« {name} » is damaged ({error}). {outcome}").format(
                name=path.name, error=error, outcome=_left_as_it_was()
            ),
            "file",
        ) from error


def _check_content(connection: sqlite3.Connection, path: Path) -> str:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if not set(APPLICATION_TABLES) <= tables:
        raise UserError(
            _("« {name} » is a SQLite database, but not a copy of SITIV Desktop. {outcome}").format(
                name=path.name, outcome=_left_as_it_was()
            ),
            "file",
        )
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    revision = str(row[0]) if row else ""
    if revision not in known_revisions():
        raise UserError(
            _(
                "« {name} » was made by a newer version of SITIV Desktop (schema « {revision} »); "
                "update the application first. {outcome}"
            ).format(name=path.name, revision=revision, outcome=_left_as_it_was()),
            "file",
        )
    result = connection.execute("PRAGMA quick_check").fetchone()
    if result is None or result[0] != "ok":
        raise UserError(
            _("« {name} » is damaged ({error}). {outcome}").format(
                name=path.name, error=result[0] if result else "?", outcome=_left_as_it_was()
            ),
            "file",
        )
    return revision


def restore(
    source: Path,
    database_path: Path,
    backups_dir: Path,
    progress: ProgressCallback = no_progress,
) -> RestoreResult:
    """Replace the local copy's content by a checked backup, keeping the current copy aside.

    Connections to the local copy should have no transaction open; they see the restored data
    at their next one.
    """
    progress(0.0, _("Checking the backup"))
    revision = check_backup_file(source)
    try:
        with tempfile.TemporaryDirectory(dir=backups_dir.parent, prefix=".restauration-") as folder:
            candidate = Path(folder) / "candidate.sqlite3"
            _copy(source, candidate)
            migrated = _migrate(candidate, revision)
            progress(0.4, _("Keeping the current local copy aside"))
            aside = backups_dir / f"{KEPT_BEFORE_RESTORE_PREFIX}{_stamp()}{BACKUP_SUFFIX}"
            progress(0.7, _("Restoring"))
            kept: Path | None = aside
            if _is_sound(database_path):
                backup(database_path, aside)
                _copy(candidate, database_path)
            else:
                kept = _replace_damaged(database_path, candidate, aside)
    except (OSError, sqlite3.Error) as error:
        raise ExternalError(
            _("The backup could not be restored: {error}. {outcome}").format(
                error=error, outcome=_left_as_it_was()
            )
        ) from error
    progress(1.0, _("Backup restored"))
    return RestoreResult(source, revision, migrated, kept)


def _is_sound(path: Path) -> bool:
    """Whether the local copy can be read as a database (else it is set aside as a file)."""
    if not path.exists():
        return False
    try:
        with path.open("rb") as stream:
            if stream.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
        connection = sqlite3.connect(path, timeout=30)
        try:
            return bool(connection.execute("PRAGMA quick_check").fetchone() == ("ok",))
        finally:
            connection.close()
    except (OSError, sqlite3.DatabaseError):
        return False


def _replace_damaged(database_path: Path, candidate: Path, kept: Path) -> Path | None:
    """Move a missing or unreadable local copy (and its WAL files) aside, then put the backup."""
    kept_any = None
    backups_dir = kept.parent
    backups_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        companion = database_path.with_name(database_path.name + suffix)
        if companion.exists():
            companion.replace(kept.with_name(kept.name + suffix))
            kept_any = kept
    shutil.copyfile(candidate, database_path)
    return kept_any


def _migrate(candidate: Path, revision: str) -> bool:
    if revision == head_revision():
        return False
    database = Database.open(sqlite_url(candidate))
    try:
        upgrade(database)
    finally:
        database.dispose()
    _make_self_contained(candidate)
    return True
