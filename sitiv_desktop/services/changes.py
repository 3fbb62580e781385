"""What changed for a commune since a date: the shared history the sync brings to the laptop."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    table: str
    row_id: str
    op: str  # insert, update, delete
    fields: dict[str, list[Any]]  # name → [old, new]
    author: str
    committed_at: dt.datetime


def changes_since(
    session: Session, commune_id: uuid.UUID, since: dt.datetime
) -> list[HistoryEntry]:
    """Every accepted change that concerns the commune, committed after ``since`` (server time)."""
    rows = session.execute(
        text(
            "SELECT seq, table_name, row_id, op, fields, author, committed_at FROM history"
            " WHERE committed_at > :since AND (',' || commune_ids || ',') LIKE :commune"
            " ORDER BY seq"
        ),
        {"since": since, "commune": f"%,{commune_id},%"},
    )
    return [
        HistoryEntry(
            int(r.seq),
            r.table_name,
            r.row_id,
            r.op,
            json.loads(r.fields),
            r.author,
            r.committed_at
            if isinstance(r.committed_at, dt.datetime)
            else dt.datetime.fromisoformat(str(r.committed_at)),
        )
        for r in rows
    ]
