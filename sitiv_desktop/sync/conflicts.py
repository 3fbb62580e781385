"""Conflicts kept until a person chooses, and refused changes kept until seen.

A conflict is data: both values stay in the local copy, and the choice becomes an ordinary edit
that the next sync sends.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.sync_tables import CONFLICTS, REFUSED
from sitiv_desktop.sync.local import ConflictKind, set_shadow
from sitiv_desktop.sync.rows import SYNCED_TABLES, decode, loads, table_of


@dataclass(frozen=True)
class ConflictRecord:
    id: str
    table: str
    row_id: str
    kind: ConflictKind
    mine: dict[str, Any] | None
    theirs: dict[str, Any] | None
    noticed_at: dt.datetime

    @property
    def record_label(self) -> str:
        kind = RecordKind.of_table(self.table)
        return kind.label if kind is not None else self.table


@dataclass(frozen=True)
class RefusedRecord:
    id: str
    table: str
    row_id: str
    change: dict[str, Any]
    reason: str
    noticed_at: dt.datetime


def list_conflicts(session: Session) -> list[ConflictRecord]:
    rows = session.execute(select(CONFLICTS).order_by(CONFLICTS.c.noticed_at, CONFLICTS.c.id))
    return [
        ConflictRecord(
            r.id,
            r.table_name,
            r.row_id,
            ConflictKind(r.kind),
            loads(r.mine),
            loads(r.theirs),
            r.noticed_at,
        )
        for r in rows
    ]


def list_refused(session: Session) -> list[RefusedRecord]:
    rows = session.execute(select(REFUSED).order_by(REFUSED.c.noticed_at, REFUSED.c.id))
    return [
        RefusedRecord(r.id, r.table_name, r.row_id, loads(r.change), r.reason, r.noticed_at)
        for r in rows
    ]


def dismiss_refused(session: Session, refused_id: str) -> None:
    session.execute(delete(REFUSED).where(REFUSED.c.id == refused_id))


def retry_refused(session: Session, refused_id: str) -> None:
    """Make the refused change again in the local copy, so that the next sync sends it anew.

    The refusal put the row back to what the service holds; the change is written again as an
    ordinary edit (the outbox records it), and the refusal leaves the list. A creation comes back
    whole, a change only in the fields it had, a deletion deletes again.
    """
    found = [r for r in list_refused(session) if r.id.startswith(refused_id.lower())]
    if len(found) != 1:
        raise NotFound(_("No refused change has the identifier « {id} ».").format(id=refused_id))
    refused = found[0]
    if refused.table not in SYNCED_TABLES:
        raise NotFound(_("This kind of record is no longer kept."))
    table = table_of(refused.table)
    where = table.c.id == uuid.UUID(refused.row_id)
    exists = session.execute(select(table.c.id).where(where)).first() is not None
    fields = {
        name: value
        for name, value in (refused.change.get("fields") or {}).items()
        if name in table.columns
    }
    if refused.change.get("op") == "delete":
        if exists:
            session.execute(delete(table).where(where))
    elif exists:
        changed = {name: value for name, value in fields.items() if name != "id"}
        if changed:
            session.execute(update(table).where(where).values(**decode(table, changed)))
    elif refused.change.get("base"):
        raise NotFound(_("This record is no longer in your copy: the change cannot be made again."))
    else:
        session.execute(insert(table).values(**decode(table, {**fields, "id": refused.row_id})))
    dismiss_refused(session, refused.id)


class Kept(StrEnum):
    """The version a person keeps of a conflict."""

    MINE = "mine"  # this laptop's: an edit the next sync sends
    THEIRS = "theirs"  # the shared database's, which the copy already shows


def resolve_conflict(session: Session, conflict_id: str, keep: Kept | str) -> None:
    """Keep ``mine`` or ``theirs``; keeping mine is an edit the next sync sends."""
    if keep not in tuple(Kept):
        raise UserError(_("Choose the version to keep: mine or theirs."), "keep")
    found = [c for c in list_conflicts(session) if c.id.startswith(conflict_id.lower())]
    if len(found) != 1:
        raise NotFound(_("No conflict has the identifier « {id} ».").format(id=conflict_id))
    conflict = found[0]
    if keep == Kept.MINE:
        _keep_mine(session, conflict)
    session.execute(delete(CONFLICTS).where(CONFLICTS.c.id == conflict.id))


def _keep_mine(session: Session, conflict: ConflictRecord) -> None:
    table = table_of(conflict.table)
    where = table.c.id == uuid.UUID(conflict.row_id)
    exists = session.execute(select(table.c.id).where(where)).first() is not None
    if conflict.kind is ConflictKind.EDITED:
        if exists:
            session.execute(delete(table).where(where))
    elif conflict.kind is ConflictKind.DELETED and conflict.mine is not None:
        if not exists:
            session.execute(insert(table).values(**decode(table, conflict.mine)))
            # Recreated: the server must take it as new, not as an edit of what it deleted.
            set_shadow(session, conflict.table, conflict.row_id, None)
    elif conflict.mine:
        session.execute(update(table).where(where).values(**decode(table, conflict.mine)))
