"""What a laptop and the sync service say to each other, the same on both sides.

A laptop sends intentions (a row, the fields it changed, the values it based them on, an id it
made); the service answers with an outcome per intention. It never sends log entries, numbers or
authors: the service makes those. The API is versioned in its paths; a laptop names the version
it speaks in a header, and the service answers 426 to a laptop too old for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sitiv_desktop.sync.rows import Row

API_VERSION = 1
# The oldest laptop the service still serves; raised when the protocol breaks.
OLDEST_CLIENT_API = 1
API_HEADER = "X-Sitiv-Api"
PREFIX = f"/v{API_VERSION}"

# Bounds on what one request may carry, so that no client can make the service hold much.
MAX_PUSH_CHANGES = 500
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_PAGE_ROWS = 20_000
DEFAULT_PAGE_ROWS = 5_000
# A snapshot page's body is its JSON; these headers describe it, so that a laptop can hand the
# body to its database as it is.
PAGE_COLUMNS_HEADER = "X-Sitiv-Columns"
PAGE_ROWS_HEADER = "X-Sitiv-Rows"
PAGE_LAST_HEADER = "X-Sitiv-Last"
PAGE_COMPLETE_HEADER = "X-Sitiv-Complete"
MAX_WAIT_SECONDS = 30.0


class Op(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


class Status(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REFUSED = "refused"


class LogOp(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class Change:
    """One row's change as a laptop sends it: the fields it changed and what it based them on."""

    change_id: str
    table: str
    row_id: str
    op: Op
    fields: Row = field(default_factory=dict)
    base: Row | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "change_id": self.change_id,
            "table": self.table,
            "row_id": self.row_id,
            "op": str(self.op),
            "fields": self.fields,
            "base": self.base,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(
            data["change_id"],
            data["table"],
            data["row_id"],
            Op(data["op"]),
            dict(data.get("fields") or {}),
            data.get("base"),
        )


@dataclass(frozen=True)
class Outcome:
    """What the service made of one change."""

    change_id: str
    status: Status
    theirs: Row | None = None
    conflicting: tuple[str, ...] = ()
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "change_id": self.change_id,
            "status": str(self.status),
            "theirs": self.theirs,
            "conflicting": list(self.conflicting),
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls(
            str(data["change_id"]),
            Status(data["status"]),
            data.get("theirs"),
            tuple(data.get("conflicting") or ()),
            str(data.get("reason") or ""),
        )


@dataclass(frozen=True)
class ServerChange:
    """One entry of the change log as the service shows it to one user."""

    seq: int
    table: str
    row_id: str
    op: LogOp
    data: Row
    old: Row
    author: str
    committed_at: dt.datetime
    commune_ids: str
    reshapes: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "table": self.table,
            "row_id": self.row_id,
            "op": str(self.op),
            "data": self.data,
            "old": self.old,
            "author": self.author,
            "committed_at": self.committed_at.isoformat(),
            "commune_ids": self.commune_ids,
            "reshapes": self.reshapes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerChange:
        return cls(
            int(data["seq"]),
            str(data["table"]),
            str(data["row_id"]),
            LogOp(data["op"]),
            dict(data["data"]),
            dict(data["old"]),
            str(data["author"]),
            dt.datetime.fromisoformat(data["committed_at"]),
            str(data["commune_ids"]),
            bool(data.get("reshapes", False)),
        )
