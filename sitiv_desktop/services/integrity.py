"""Checking the local copy: SQLite's own checks, foreign keys and the search index."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from sitiv_desktop.i18n import _
from sitiv_desktop.store.database import Database


def check_integrity(database: Database) -> list[str]:
    """Problems found, as sentences; an empty list means the copy is sound."""
    problems: list[str] = []
    with database.engine.connect() as connection:
        for (result,) in connection.execute(text("PRAGMA integrity_check")):
            if result != "ok":
                problems.append(_("Damaged file: {detail}").format(detail=result))
        for table, rowid, parent, _index in connection.execute(text("PRAGMA foreign_key_check")):
            problems.append(
                _("Table {table}, row {row}: points to a missing record of {parent}.").format(
                    table=table, row=rowid, parent=parent
                )
            )
        try:
            connection.execute(
                text("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 1)")
            )
        except DatabaseError as error:  # FTS5 reports a stale index by raising
            problems.append(_("The search index is out of date: {detail}").format(detail=error))
        connection.rollback()
    return problems
