"""Rows as plain JSON values, the same on a laptop and on the server, whatever the database."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import Date, DateTime, Table, Uuid

from sitiv_desktop.store.models import Base

SYNCED_TABLES: tuple[str, ...] = tuple(table.name for table in Base.metadata.sorted_tables)
Row = dict[str, Any]


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def key(row_id: uuid.UUID | str) -> str:
    """The form of an identifier in the sync tables: 32 hexadecimal digits."""
    return row_id.hex if isinstance(row_id, uuid.UUID) else uuid.UUID(row_id).hex


def encode(table: Table, row: Any) -> Row:
    """A database row (mapping) as JSON-ready values."""
    encoded: Row = {}
    for column in table.columns:
        value = row[column.name]
        if isinstance(value, uuid.UUID):
            value = value.hex
        elif isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        encoded[column.name] = value
    return encoded


def decode(table: Table, data: Row) -> Row:
    """JSON values back to what the database columns take."""
    decoded: Row = {}
    for name, value in data.items():
        column = table.columns[name]
        if value is not None and isinstance(column.type, Uuid):
            value = uuid.UUID(value)
        elif value is not None and isinstance(column.type, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = dt.date.fromisoformat(value)
        decoded[name] = value
    return decoded


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def loads(text: str) -> Any:
    return json.loads(text)
