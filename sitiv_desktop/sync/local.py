"""The sync's bookkeeping in the local copy: the rows as the service last sent them (shadows),
the outbox of edits not yet sent, the conflicts kept for a person, and the flag that keeps the
sync's own writes out of the outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, insert, select, text, update
from sqlalchemy.orm import Session

from sitiv_desktop.sync.rows import Row, decode, dumps, encode, loads, table_of

if TYPE_CHECKING:
    pass

# --- rows, shadows, conflicts --------------------------------------------------------------------


def defer_foreign_keys(session: Session) -> None:
    """Check references when the transaction commits, not row by row: the server's rows come in
    its own order, and an item may point to another that arrives after it."""
    session.execute(text("PRAGMA defer_foreign_keys = ON"))


def local_row(connection: Connection, table_name: str, row_id: str) -> Row | None:
    table = table_of(table_name)
    row = (
        connection.execute(select(table).where(table.c.id == uuid.UUID(row_id))).mappings().first()
    )
    return encode(table, row) if row is not None else None


def write_row(connection: Connection, table_name: str, row_id: str, data: Row | None) -> None:
    """Make the local row equal ``data``, or absent when it is None."""
    table = table_of(table_name)
    where = table.c.id == uuid.UUID(row_id)
    if data is None:
        connection.execute(delete(table).where(where))
        return
    values = decode(table, data)
    if connection.execute(select(table.c.id).where(where)).first() is None:
        connection.execute(insert(table).values(**values))
    else:
        connection.execute(update(table).where(where).values(**values))


def shadow_of(session: Session, table_name: str, row_id: str) -> Row | None:
    data = session.scalar(
        text("SELECT data FROM sync_shadows WHERE table_name = :t AND row_id = :r"),
        {"t": table_name, "r": row_id},
    )
    return loads(data) if data is not None else None


def set_shadow(session: Session, table_name: str, row_id: str, data: Row | None) -> None:
    session.execute(
        text("DELETE FROM sync_shadows WHERE table_name = :t AND row_id = :r"),
        {"t": table_name, "r": row_id},
    )
    if data is not None:
        session.execute(
            text("INSERT INTO sync_shadows (table_name, row_id, data) VALUES (:t, :r, :d)"),
            {"t": table_name, "r": row_id, "d": dumps(data)},
        )


def pending_rows(session: Session) -> set[tuple[str, str]]:
    """Every (table, row) with an edit not yet sent."""
    rows = session.execute(text("SELECT table_name, row_id FROM sync_outbox"))
    return {(table_name, row_id) for table_name, row_id in rows}


def is_pending(session: Session, table_name: str, row_id: str) -> bool:
    return (
        session.scalar(
            text("SELECT 1 FROM sync_outbox WHERE table_name = :t AND row_id = :r"),
            {"t": table_name, "r": row_id},
        )
        is not None
    )


def keep_conflict_row(
    session: Session, table_name: str, row_id: str, kind: str, mine: Row | None, theirs: Row | None
) -> None:
    session.execute(
        text(
            "INSERT INTO sync_conflicts (id, table_name, row_id, kind, mine, theirs, noticed_at)"
            " VALUES (:id, :t, :r, :k, :m, :th, :at)"
        ),
        {
            "id": uuid.uuid4().hex,
            "t": table_name,
            "r": row_id,
            "k": kind,
            "m": dumps(mine),
            "th": dumps(theirs),
            "at": dt.datetime.now(),
        },
    )


def pending_count(session: Session) -> int:
    return int(session.scalar(text("SELECT count(*) FROM sync_outbox")) or 0)
