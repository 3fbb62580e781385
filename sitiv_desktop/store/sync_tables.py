"""The sync's bookkeeping tables in the local copy, declared once for every reader and writer.

The migrations create them (``0002_sync``, ``0003_sync_service``). The records' tables are the
ORM's (``models``); these hold no records but the sync's own state, so they are Core tables:
- ``SYNC_STATE``: one row, how far the copy has read the service's feed, what was granted, when
  it last synchronised, and the switch that keeps the sync's own writes out of the outbox;
- ``OUTBOX``: a row per record edited here and not yet sent (the triggers write it);
- ``INFLIGHT``: the changes sent and not yet settled, exactly as they were sent;
- ``SHADOWS``: each row as the service last sent it, the base of a later edit;
- ``CONFLICTS`` and ``REFUSED``: what waits for a person;
- ``HISTORY``: the shared history the sync brings, what changed, by whom, when;
- ``RECEIVED``: a full refresh's scratch list of the ids it received.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Session

_metadata = MetaData()

SYNC_STATE = Table(
    "sync_state",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("cursor", BigInteger, nullable=False),
    Column("applying", Integer, nullable=False),
    Column("granted", Text, nullable=False),
    Column("last_sync_at", DateTime),
    Column("roles", Text, nullable=False),
)
STATE_ROW = SYNC_STATE.c.id == 1

OUTBOX = Table(
    "sync_outbox",
    _metadata,
    Column("position", Integer, primary_key=True),
    Column("table_name", String(40), nullable=False),
    Column("row_id", String(32), nullable=False),
    Column("stamp", Integer, nullable=False),
    Column("change_id", String(32)),
)

INFLIGHT = Table(
    "sync_inflight",
    _metadata,
    Column("position", Integer, primary_key=True),
    Column("change_id", String(32), nullable=False),
    Column("table_name", String(40), nullable=False),
    Column("row_id", String(32), nullable=False),
    Column("stamp", Integer, nullable=False),
    Column("payload", Text, nullable=False),
)

SHADOWS = Table(
    "sync_shadows",
    _metadata,
    Column("table_name", String(40), primary_key=True),
    Column("row_id", String(32), primary_key=True),
    Column("data", Text, nullable=False),
)

CONFLICTS = Table(
    "sync_conflicts",
    _metadata,
    Column("id", String(32), primary_key=True),
    Column("table_name", String(40), nullable=False),
    Column("row_id", String(32), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("mine", Text, nullable=False),
    Column("theirs", Text, nullable=False),
    Column("noticed_at", DateTime, nullable=False),
)

REFUSED = Table(
    "sync_refused",
    _metadata,
    Column("id", String(32), primary_key=True),
    Column("table_name", String(40), nullable=False),
    Column("row_id", String(32), nullable=False),
    Column("change", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("noticed_at", DateTime, nullable=False),
)

HISTORY = Table(
    "history",
    _metadata,
    Column("seq", BigInteger, primary_key=True),
    Column("table_name", String(40), nullable=False),
    Column("row_id", String(32), nullable=False),
    Column("op", String(10), nullable=False),
    Column("fields", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("committed_at", DateTime, nullable=False),
    Column("commune_ids", Text, nullable=False),
)

# The ids a full refresh received, to find the rows the service no longer shows: a scratch table
# of the refresh's own connection, gone when it closes.
RECEIVED = Table(
    "sync_received",
    _metadata,
    Column("id", String(32), primary_key=True),
    prefixes=["TEMPORARY"],
)


def row_of(table: Table, table_name: str, row_id: str) -> ColumnElement[bool]:
    """The condition that picks one record's entry in ``OUTBOX``, ``SHADOWS`` or ``HISTORY``."""
    return (table.c.table_name == table_name) & (table.c.row_id == row_id)


def count_of(session: Session, table: Table) -> int:
    """How many entries the table holds: what waits to be sent, or for a person."""
    return int(session.scalar(select(func.count()).select_from(table)) or 0)
