"""Backups of the local copy, and bringing one back.

A backup goes through SQLite's backup API in one step: it reads one consistent snapshot while
the application keeps writing (WAL lets writers go on), and the result is a single
self-contained file. A restore first checks the file on a temporary copy (a SQLite database,
of this application, with a schema this version knows, undamaged), migrates an older schema,
keeps the current local copy aside in the backups folder, and only then replaces the content
of the local copy, through the same backup API so that its WAL files stay coherent.

A backup a person can trust: the local copy is examined (``quick_check``, every table there,
not empty when the last backup held data) before it is backed up, and each new backup is
examined before older ones are let go, so a damaged or emptied copy never rotates the good
backups away. Leftovers of a backup or a restore that was interrupted are removed at the next
start (``prepare_at_start``).

Kept whole: taking, checking, rotating and restoring share the rule that a damaged or emptied copy
never rotates a good backup away.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import logging
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sitiv_desktop.errors import ExternalError, UserError, os_reason
from sitiv_desktop.i18n import _
from sitiv_desktop.progress import Progress, no_progress
from sitiv_desktop.services.files import read_failed
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database, connect_file, sqlite_url, store_failure
from sitiv_desktop.store.migration import alembic_config, head_revision, upgrade

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
AUTOMATIC_PREFIX = "auto-"
KEPT_BEFORE_RESTORE_PREFIX = "avant-restauration-"
BACKUP_SUFFIX = ".sqlite3"
# Tables without which a file is not a local copy of this application.
APPLICATION_TABLES = ("alembic_version", "communes", "projects", "commitments", "meetings")
# Every table of the domain: a copy lacking one is not complete, whatever its revision.
DOMAIN_TABLES = tuple(sorted(models.Base.metadata.tables))
# Folders a backup or a restore works in; left behind only when it was killed.
WORK_FOLDER_PREFIXES = (".sauvegarde-", ".restauration-")


@dataclass(frozen=True)
class CopyHealth:
    """What examining a SQLite file found: its problems (none when sound), revision and size."""

    problems: tuple[str, ...]
    revision: str | None
    records: int

    @property
    def sound(self) -> bool:
        return not self.problems


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


def _copy(source: Path, target: Path, progress: Progress = no_progress) -> None:
    """Copy ``source`` into ``target`` through the backup API; ``target``'s content is replaced."""
    # One step (pages=-1): a stepwise copy restarts each time another connection writes, and
    # could never end while the application is busy; one step reads a single snapshot.
    origin = connect_file(source, read_only=True, timeout=30)
    try:
        copy = sqlite3.connect(target, timeout=30)
        try:
            origin.backup(
                copy,
                pages=-1,
                progress=lambda _status, left, total: progress(1 - left / max(total, 1), ""),
            )
        finally:
            copy.close()
    finally:
        origin.close()


def _failed(error: BaseException, what: str, folder: Path | None = None) -> ExternalError:
    known = store_failure(error, what, folder)
    if known is not None:
        return known
    return ExternalError(
        _("{what} could not be written. Check the folder and the free space.").format(
            what=what[:1].upper() + what[1:]
        )
    )


def backup(database_path: Path, target: Path, progress: Progress = no_progress) -> Path:
    """Write a consistent copy of the local copy to ``target`` (replacing a file there).

    The local copy is examined first: a damaged one is not backed up, so that it never stands
    for a good backup.
    """
    if not database_path.exists():
        raise ExternalError(
            _("There is no local copy at {path} to back up.").format(path=database_path)
        )
    progress(0.0, _("Checking the local copy"))
    health = examine(database_path)
    if not health.sound:
        raise ExternalError(
            _(
                "The local copy is damaged ({problem}): no backup was taken, so that the last "
                "good backups are kept. Restore one with « sitiv-desktop restore FILE »."
            ).format(problem=health.problems[0])
        )
    progress(0.05, _("Backing up the local copy"))
    what = _("the backup {path}").format(path=target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".sauvegarde-") as folder:
            partial = Path(folder) / target.name
            _copy(database_path, partial, progress)
            _make_self_contained(partial)
            written = examine(partial)
            if not written.sound:
                raise ExternalError(
                    _("The backup came out damaged ({problem}); it was not kept.").format(
                        problem=written.problems[0]
                    )
                )
            partial.replace(target)
    except (OSError, sqlite3.Error) as error:
        raise _failed(error, what, target.parent) from error
    progress(1.0, _("Backup written"))
    return target


def _make_self_contained(path: Path) -> None:
    """A backup is one file: no WAL beside it, whatever the journal mode of the original."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()


def latest_good_backup(backups_dir: Path) -> tuple[BackupFile, CopyHealth] | None:
    """The newest backup of the folder that examines sound, with what it holds."""
    for found in list_backups(backups_dir):
        health = examine(found.path)
        if health.sound:
            return found, health
    return None


def refuse_if_emptied(database_path: Path, backups_dir: Path, health: CopyHealth) -> None:
    """An empty copy where the last good backup held data is a loss, not a state to back up.

    A damaged copy is not called empty (examining it counts nothing): its damage is what
    ``backup`` and ``check`` report."""
    if health.records > 0 or not health.sound:
        return
    latest = latest_good_backup(backups_dir)
    if latest is not None and latest[1].records > 0:
        raise ExternalError(
            _(
                "The local copy is empty, while the backup {path} holds {count} records: no "
                "backup was taken, so that it is kept. If the data was lost, bring it back with "
                "« sitiv-desktop restore {path} »."
            ).format(path=latest[0].path, count=latest[1].records)
        )


@dataclass(frozen=True)
class AutomaticBackup:
    """An automatic backup taken: its file, and when it is byte for byte the newest one that
    was there, the moment that one was taken (it took its place instead of doubling it)."""

    path: Path
    same_as: dt.datetime | None = None


def automatic_backup(
    database_path: Path, backups_dir: Path, kept: int, now: dt.datetime | None = None
) -> Path | None:
    """Take an automatic backup and keep only the last ``kept`` ones (none when ``kept`` < 1);
    its file (``take_automatic_backup`` also says whether it replaced an identical one)."""
    taken = take_automatic_backup(database_path, backups_dir, kept, now)
    return taken.path if taken is not None else None


def take_automatic_backup(
    database_path: Path, backups_dir: Path, kept: int, now: dt.datetime | None = None
) -> AutomaticBackup | None:
    """Take an automatic backup and keep only the last ``kept`` ones (none when ``kept`` < 1).

    Older backups are let go only once the new one is examined sound, and never for a copy
    that is empty while the last backup held data.

    A backup whose file is byte for byte the newest automatic one (nothing was written in
    between: SQLite's backup of an unchanged copy gives the same pages) takes that one's
    place instead of pushing the oldest out, so that commands run again and again on an
    unchanged copy never let the backups of earlier states go; the result names the moment
    of the one it replaced, for the person to be told.
    """
    if kept < 1:
        return None
    if database_path.exists():
        refuse_if_emptied(database_path, backups_dir, examine(database_path))
    target = backups_dir / f"{AUTOMATIC_PREFIX}{_stamp(now)}{BACKUP_SUFFIX}"
    counter = 1
    while target.exists():
        counter += 1
        target = backups_dir / f"{AUTOMATIC_PREFIX}{_stamp(now)}-{counter}{BACKUP_SUFFIX}"
    automatic = sorted(
        (b for b in list_backups(backups_dir) if b.automatic), key=lambda b: _taken_order(b.path)
    )
    backup(database_path, target)
    same_as = None
    if automatic and _same_content(automatic[-1].path, target):
        same_as = automatic[-1].taken_at
        with contextlib.suppress(OSError):
            automatic[-1].path.unlink()
        automatic.pop()
    for old in automatic[: max(0, len(automatic) + 1 - kept)]:
        with contextlib.suppress(OSError):
            old.path.unlink()
    return AutomaticBackup(target, same_as)


def _taken_order(path: Path) -> tuple[str, str, int]:
    """The order automatic backups were taken in, from their names: « auto-STAMP », then
    « auto-STAMP-2 », « auto-STAMP-3 » for more in the same second (their names alone sort
    the first of a second last)."""
    stem = path.name.removeprefix(AUTOMATIC_PREFIX).removesuffix(BACKUP_SUFFIX)
    day, _dash, rest = stem.partition("-")
    time, _dash, counter = rest.partition("-")
    return day, time, int(counter) if counter.isdigit() else 1


def _same_content(one: Path, other: Path) -> bool:
    """Whether two backups are the same file, byte for byte (sizes first: usually enough)."""
    try:
        return filecmp.cmp(one, other, shallow=False)
    except OSError:
        return False


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
    from alembic.script import ScriptDirectory

    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


@cache
def head_tables() -> frozenset[str]:
    """Every table of a local copy at the newest schema, as the migrations make it."""
    with tempfile.TemporaryDirectory(prefix="sitiv-schema-") as folder:
        path = Path(folder) / "schema.sqlite3"
        database = Database.open(sqlite_url(path))
        try:
            upgrade(database)
        finally:
            database.dispose()
        connection = sqlite3.connect(path)
        try:
            return frozenset(_tables(connection))
        finally:
            connection.close()


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    return {str(row[0]) for row in rows}


def examine(path: Path, expected: frozenset[str] | None = None) -> CopyHealth:
    """Examine a SQLite file without changing it: damage, missing tables, how much it holds.

    ``expected`` is the set of tables it must have (by default, the domain's). Damage is
    reported, never raised; only a file that cannot be read at all raises ``ExternalError``.
    """
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        raise read_failure(path, error) from error
    if not header:
        return CopyHealth((_("the file is empty"),), None, 0)
    if header != SQLITE_HEADER:
        return CopyHealth((_("this is not a SQLite database"),), None, 0)
    try:
        connection = connect_file(path, read_only=True, timeout=30)
    except sqlite3.Error as error:
        log.info("%s cannot be opened: %s (%s)", path, error, _code(error))
        return CopyHealth((_("SQLite cannot open it"),), None, 0)
    try:
        return _examine(connection, expected)
    except sqlite3.DatabaseError as error:
        known = store_failure(error)
        if known is not None and _code(error) not in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            raise known from error
        log.info("%s is damaged: %s (%s)", path, error, _code(error))
        return CopyHealth((damage_found(),), None, 0)
    finally:
        connection.close()


def damage_found() -> str:
    """What SQLite's check finding faults means, in words; the faults themselves are logged."""
    return _("SQLite's check finds faults in the file; the details are in the log")


def _code(error: sqlite3.Error) -> str:
    return str(getattr(error, "sqlite_errorname", "") or type(error).__name__)


def _examine(connection: sqlite3.Connection, expected: frozenset[str] | None) -> CopyHealth:
    problems: list[str] = []
    faults = [str(result) for (result,) in connection.execute("PRAGMA quick_check(5)")]
    if faults != ["ok"]:
        # SQLite's own words (« Page 11: btreeInitPage() returns error code 11 ») are for
        # whoever repairs the file: they go to the log, the person reads a sentence.
        log.info("SQLite's quick check of the file: %s", " | ".join(faults))
        return CopyHealth((damage_found(),), None, 0)
    tables = _tables(connection)
    wanted = expected if expected is not None else frozenset((*DOMAIN_TABLES, "alembic_version"))
    missing = sorted(wanted - tables)
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        problems.append(
            _("tables are missing ({tables})").format(tables=shown)
            if set(APPLICATION_TABLES) <= tables
            else _("it is not a copy of SITIV Desktop")
        )
        return CopyHealth(tuple(problems), None, 0)
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    revision = str(row[0]) if row else ""
    records = sum(
        int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        for table in DOMAIN_TABLES
        if table in tables
    )
    return CopyHealth((), revision, records)


def read_failure(path: Path, error: OSError) -> UserError | ExternalError:
    known = store_failure(error, str(path))
    if known is not None:
        return known
    return read_failed(path, error)


def check_backup_file(path: Path) -> str:
    """The schema revision of a file that is a sound copy of this application, or ``UserError``."""
    if not path.exists():
        raise UserError(
            _("The file {path} does not exist. {outcome}").format(
                path=path, outcome=_left_as_it_was()
            ),
            "file",
        )
    health = examine(path, frozenset(APPLICATION_TABLES))
    if not health.sound:
        problem = health.problems[0]
        if problem == _("this is not a SQLite database") or problem == _("the file is empty"):
            message = _(
                "« {name} » is not a SQLite database, so not a backup of SITIV Desktop. {outcome}"
            )
        elif problem == _("it is not a copy of SITIV Desktop"):
            message = _(
                "« {name} » is a SQLite database, but not a copy of SITIV Desktop. {outcome}"
            )
        else:
            message = _("« {name} » is damaged ({error}). {outcome}")
        raise UserError(
            message.format(name=path.name, error=problem, outcome=_left_as_it_was()), "file"
        )
    revision = health.revision or ""
    if revision not in known_revisions():
        raise UserError(
            _(
                "« {name} » was made by a newer version of SITIV Desktop (schema « {revision} »); "
                "update the application first. {outcome}"
            ).format(name=path.name, revision=revision[:40], outcome=_left_as_it_was()),
            "file",
        )
    complete = examine(path)
    if not complete.sound:
        raise UserError(
            _("« {name} » is incomplete ({error}). {outcome}").format(
                name=path.name, error=complete.problems[0], outcome=_left_as_it_was()
            ),
            "file",
        )
    return revision


def restore(
    source: Path,
    database_path: Path,
    backups_dir: Path,
    progress: Progress = no_progress,
) -> RestoreResult:
    """Replace the local copy's content by a checked backup, keeping the current copy aside.

    Connections to the local copy should have no transaction open; they see the restored data
    at their next one.
    """
    progress(0.0, _("Checking the backup"))
    revision = check_backup_file(source)
    try:
        backups_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=backups_dir.parent, prefix=".restauration-") as folder:
            candidate = Path(folder) / "candidate.sqlite3"
            _copy(source, candidate)
            migrated = _migrate(candidate, revision)
            health = examine(candidate, head_tables())
            if not health.sound:
                raise UserError(
                    _("« {name} » is incomplete ({error}). {outcome}").format(
                        name=source.name, error=health.problems[0], outcome=_left_as_it_was()
                    ),
                    "file",
                )
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
        known = store_failure(error, _("the local copy"), backups_dir.parent)
        if known is not None:
            raise ExternalError(
                _("The backup could not be restored. {reason} {outcome}").format(
                    reason=known.message, outcome=_left_as_it_was()
                )
            ) from error
        raise ExternalError(
            _("The backup could not be restored: {error}. {outcome}").format(
                error=os_reason(error) if isinstance(error, OSError) else type(error).__name__,
                outcome=_left_as_it_was(),
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


def remove_leftovers(*folders: Path) -> list[Path]:
    """Remove the work folders of a backup or a restore that was killed; returns them."""
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for leftover in folder.iterdir():
            if leftover.name.startswith(WORK_FOLDER_PREFIXES) and leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
                removed.append(leftover)
    return removed


def prepare_at_start(database_path: Path, backups_dir: Path) -> None:
    """Before the local copy is opened: clean up after a killed backup or restore, and refuse
    to start on a copy that was emptied while a backup holds its data (starting would make a
    new empty copy, and the automatic backups would then let the good ones go)."""
    remove_leftovers(database_path.parent, backups_dir)
    try:
        size = database_path.stat().st_size
    except FileNotFoundError:
        return
    except OSError as error:
        raise read_failure(database_path, error) from error
    if size > 0:
        return
    latest = latest_good_backup(backups_dir)
    if latest is not None and latest[1].records > 0:
        raise ExternalError(
            _(
                "The local copy {path} is an empty file (a full disk or a crash may have emptied "
                "it). It was left as it is; bring the data back with « sitiv-desktop restore "
                "{backup} »."
            ).format(path=database_path, backup=latest[0].path)
        )
