"""The sync's bookkeeping in the local copy: the rows as the service last sent them (shadows),
the outbox of edits not yet sent, and the conflicts kept for a person. The tables themselves are
declared in ``store.sync_tables``."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Connection, delete, insert, select, text, update
from sqlalchemy.orm import Session

from sitiv_desktop.store.sync_tables import CONFLICTS, OUTBOX, SHADOWS, count_of, row_of
from sitiv_desktop.sync.rows import Row, decode, dumps, encode, loads, table_of

# --- rows, shadows, conflicts --------------------------------------------------------------------


class ConflictKind(StrEnum):
    """How an edit made here met one made on the shared database."""

    FIELD = "field"  # the same fields changed on both sides
    DELETED = "deleted"  # changed here, deleted there
    EDITED = "edited"  # deleted here, changed there


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
    data = session.scalar(select(SHADOWS.c.data).where(row_of(SHADOWS, table_name, row_id)))
    return loads(data) if data is not None else None


def set_shadow(session: Session, table_name: str, row_id: str, data: Row | None) -> None:
    session.execute(delete(SHADOWS).where(row_of(SHADOWS, table_name, row_id)))
    if data is not None:
        session.execute(
            insert(SHADOWS).values(table_name=table_name, row_id=row_id, data=dumps(data))
        )


def pending_rows(session: Session) -> set[tuple[str, str]]:
    """Every (table, row) with an edit not yet sent."""
    rows = session.execute(select(OUTBOX.c.table_name, OUTBOX.c.row_id))
    return {(table_name, row_id) for table_name, row_id in rows}


def is_pending(session: Session, table_name: str, row_id: str) -> bool:
    found = session.scalar(select(OUTBOX.c.position).where(row_of(OUTBOX, table_name, row_id)))
    return found is not None


def forget_pending(session: Session, table_name: str, row_id: str) -> None:
    """The row's local edit is no longer to be sent."""
    session.execute(delete(OUTBOX).where(row_of(OUTBOX, table_name, row_id)))


def keep_conflict_row(
    session: Session,
    table_name: str,
    row_id: str,
    kind: ConflictKind,
    mine: Row | None,
    theirs: Row | None,
) -> None:
    session.execute(
        insert(CONFLICTS).values(
            id=uuid.uuid4().hex,
            table_name=table_name,
            row_id=row_id,
            kind=kind,
            mine=dumps(mine),
            theirs=dumps(theirs),
            noticed_at=dt.datetime.now(),
        )
    )


def pending_count(session: Session) -> int:
    return count_of(session, OUTBOX)
