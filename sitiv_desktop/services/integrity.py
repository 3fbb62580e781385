"""Checking the local copy: SQLite's own checks, foreign keys, the schema and the search index.

The check reads the file itself, read-only, so that it reports damage instead of stumbling
on it: a copy with flipped bytes, a missing table or an emptied file is a finding, not a crash.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.database import connect_file

log = logging.getLogger(__name__)


def check_copy(database_path: Path, backups_dir: Path) -> list[str]:
    """Problems found, as sentences; an empty list means the copy is sound."""
    from sitiv_desktop.services.backups import damage_found, examine, refuse_if_emptied

    if not database_path.exists():
        return []
    health = examine(database_path)
    if not health.sound:
        return [_("Damaged file: {detail}").format(detail=problem) for problem in health.problems]
    try:
        refuse_if_emptied(database_path, backups_dir, health)
    except ExternalError as error:
        return [error.message]
    problems: list[str] = []
    connection = connect_file(database_path, timeout=30, isolation_level=None)
    try:
        # One read transaction, rolled back: the index check below writes nothing that stays.
        connection.execute("BEGIN")
        faults = [str(result) for (result,) in connection.execute("PRAGMA integrity_check(20)")]
        if faults != ["ok"]:
            log.info("SQLite's integrity check of the local copy: %s", " | ".join(faults))
            problems.append(_("Damaged file: {detail}").format(detail=damage_found()))
        for table, rowid, parent, _index in connection.execute("PRAGMA foreign_key_check"):
            problems.append(
                _("Table {table}, row {row}: points to a missing record of {parent}.").format(
                    table=table, row=rowid, parent=parent
                )
            )
        try:
            # FTS5 reports a stale index by raising; the query changes nothing.
            connection.execute(
                "INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as error:
            if getattr(error, "sqlite_errorname", "") != "SQLITE_READONLY":
                problems.append(_("The search index is out of date."))
                log.info("the search index's check: %s (%s)", error, _code(error))
    except sqlite3.DatabaseError as error:
        log.info("checking the local copy failed: %s (%s)", error, _code(error))
        problems.append(_("Damaged file: {detail}").format(detail=damage_found()))
    finally:
        connection.rollback()
        connection.close()
    return problems


def _code(error: sqlite3.Error) -> str:
    return str(getattr(error, "sqlite_errorname", "") or type(error).__name__)
