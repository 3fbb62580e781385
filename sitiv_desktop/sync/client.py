"""A laptop's side of the sync: send the outbox, then take the server's changes.

Every step is its own transaction and can be interrupted: the outbox keeps a change until the
server's answer about it is stored, each change carries an id the server recognises when it
comes twice, and the pull cursor moves in the same transaction as the rows it covers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sitiv_desktop.errors import Cancelled, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.database import Database
from sitiv_desktop.sync import scope
from sitiv_desktop.sync.rows import SYNCED_TABLES, Row, decode, dumps, encode, key, loads, table_of
from sitiv_desktop.sync.server import Change, Outcome, ServerChange, ServerLink

Progress = Callable[[float, str], None]
Fault = Callable[[str], None]
PUSH_BATCH = 500
PULL_PAGE = 2000


@dataclass
class SyncSummary:
    received: int = 0
    sent: int = 0
    merged: int = 0
    conflicts: int = 0
    refused: int = 0
    full_refresh: bool = False


def _no_progress(fraction: float, text: str) -> None:
    """Callers that show no progress pass nothing."""


def _no_fault(step: str) -> None:
    """Tests inject failures here; in use, nothing happens."""


def synchronise(
    database: Database,
    link: ServerLink,
    progress: Progress = _no_progress,
    is_cancelled: Callable[[], bool] = lambda: False,
    fault: Fault = _no_fault,
) -> SyncSummary:
    """Push the local changes, then pull the server's; returns what happened."""
    summary = SyncSummary()
    grants = link.grants()
    if not grants:
        raise UserError(_("No commune is granted to this user on the shared database."))
    communes = set(grants)
    progress(0.02, _("Sending local changes"))
    _push(database, link, summary, fault, is_cancelled)
    fault("after-push")
    with database.read_session() as session:
        state = session.execute(
            text("SELECT cursor, granted, last_sync_at FROM sync_state WHERE id = 1")
        ).one()
    if state.last_sync_at is None or state.granted != scope.joined(communes):
        progress(0.3, _("Receiving everything you may see"))
        _refresh(database, link, communes, summary, fault)
        summary.full_refresh = True
    else:
        _pull(database, link, communes, int(state.cursor), summary, progress, is_cancelled, fault)
    with database.session() as session:
        session.execute(
            text("UPDATE sync_state SET granted = :g, last_sync_at = :t WHERE id = 1"),
            {"g": scope.joined(communes), "t": dt.datetime.now()},
        )
    progress(1.0, _("Synchronised"))
    return summary


# --- push ----------------------------------------------------------------------------------------


def _push(
    database: Database,
    link: ServerLink,
    summary: SyncSummary,
    fault: Fault,
    is_cancelled: Callable[[], bool],
) -> None:
    with database.session() as session:
        # Ids are given before sending, and kept, so that a resent change is recognised.
        session.execute(
            text(
                "UPDATE sync_outbox SET change_id = lower(hex(randomblob(16)))"
                " WHERE change_id IS NULL"
            )
        )
    with database.read_session() as session:
        entries = session.execute(
            text("SELECT table_name, row_id, stamp, change_id FROM sync_outbox ORDER BY position")
        ).all()
        changes = []
        empty = []
        for entry in entries:
            change = _change_of(session, entry.table_name, entry.row_id, entry.change_id)
            if change is None:
                empty.append(entry)
            else:
                changes.append((entry, change))
    with database.session() as session:
        for entry in empty:
            _drop(session, entry.table_name, entry.row_id, entry.stamp)
    for start in range(0, len(changes), PUSH_BATCH):
        if is_cancelled():
            raise Cancelled()
        batch = changes[start : start + PUSH_BATCH]
        fault("before-send")
        outcomes = link.push([change for _entry, change in batch])
        fault("after-server-commit")
        with database.session() as session:
            for (entry, change), outcome in zip(batch, outcomes, strict=True):
                _settle(session, entry, change, outcome, summary)
        fault("after-settle")


def _change_of(session: Session, table_name: str, row_id: str, change_id: str) -> Change | None:
    table = table_of(table_name)
    row = session.execute(select(table).where(table.c.id == uuid.UUID(row_id))).mappings().first()
    shadow = _shadow(session, table_name, row_id)
    if row is None:
        if shadow is None:
            return None  # made and removed offline: the server never needs to know
        return Change(change_id, table_name, row_id, "delete", {}, shadow)
    current = encode(table, row)
    if shadow is None:
        return Change(change_id, table_name, row_id, "upsert", current, None)
    changed = {name: value for name, value in current.items() if shadow.get(name) != value}
    if not changed:
        return None
    return Change(
        change_id, table_name, row_id, "upsert", changed, {n: shadow.get(n) for n in changed}
    )


def _settle(
    session: Session, entry: Any, change: Change, outcome: Outcome, summary: SyncSummary
) -> None:
    if outcome.status in ("applied", "duplicate"):
        summary.sent += 1
    elif outcome.status == "conflict":
        summary.conflicts += 1
        _keep_conflict(session, change, outcome)
    else:
        summary.refused += 1
        session.execute(
            text(
                "INSERT INTO sync_refused (id, table_name, row_id, change, reason, noticed_at)"
                " VALUES (:id, :t, :r, :c, :why, :at)"
            ),
            {
                "id": uuid.uuid4().hex,
                "t": change.table,
                "r": change.row_id,
                "c": dumps({"op": change.op, "fields": change.fields}),
                "why": outcome.reason,
                "at": dt.datetime.now(),
            },
        )
        # The refused edit is shown in its list; the row goes back to what the server holds.
        _put_back(session, change.table, change.row_id)
    _drop(session, entry.table_name, entry.row_id, entry.stamp)


def _keep_conflict(session: Session, change: Change, outcome: Outcome) -> None:
    table = table_of(change.table)
    local = (
        session.execute(select(table).where(table.c.id == uuid.UUID(change.row_id)))
        .mappings()
        .first()
    )
    mine = encode(table, local) if local is not None else None
    kind = "field"
    if change.op == "delete":
        kind = "edited"  # I deleted what someone else changed
    elif outcome.theirs is None:
        kind = "deleted"  # I changed what someone else deleted
    theirs = outcome.theirs
    mine_part: Row | None = mine
    theirs_part: Row | None = theirs
    if kind == "field" and mine is not None and theirs is not None:
        names = outcome.conflicting
        mine_part, theirs_part = {n: mine.get(n) for n in names}, {n: theirs.get(n) for n in names}
    _conflict_row(session, change.table, change.row_id, kind, mine_part, theirs_part)
    # Until someone chooses, the row shows what the shared database holds.
    with _applying(session):
        _write_row(session.connection(), change.table, change.row_id, theirs)
        _set_shadow(session, change.table, change.row_id, theirs)


def _put_back(session: Session, table_name: str, row_id: str) -> None:
    with _applying(session):
        _write_row(session.connection(), table_name, row_id, _shadow(session, table_name, row_id))


def _drop(session: Session, table_name: str, row_id: str, stamp: int) -> None:
    # An edit made while the change travelled raised the stamp: that entry stays for next time.
    session.execute(
        text("DELETE FROM sync_outbox WHERE table_name = :t AND row_id = :r AND stamp = :s"),
        {"t": table_name, "r": row_id, "s": stamp},
    )


# --- pull ----------------------------------------------------------------------------------------


def _pull(
    database: Database,
    link: ServerLink,
    communes: set[uuid.UUID],
    cursor: int,
    summary: SyncSummary,
    progress: Progress,
    is_cancelled: Callable[[], bool],
    fault: Fault,
) -> None:
    while True:
        if is_cancelled():
            raise Cancelled()
        changes, reached = link.pull(cursor, PULL_PAGE, communes)
        if reached == cursor:
            return
        fault("after-fetch")
        try:
            with database.session() as session, _applying(session):
                _defer_foreign_keys(session)
                for change in changes:
                    summary.merged += _apply(session, change)
                    _remember(session, change)
                session.execute(
                    text("UPDATE sync_state SET cursor = :c WHERE id = 1"), {"c": reached}
                )
        except (IntegrityError, UserError, _Gap):
            # A change about a row this copy never had (a commune newly shared on a project):
            # take the whole picture again rather than guess.
            _refresh(database, link, communes, summary, fault)
            return
        summary.received += len(changes)
        fault("after-page")
        progress(0.5, _("Receiving changes"))
        cursor = reached


class _Gap(Exception):
    """A change builds on a row this copy does not hold."""


def _apply(session: Session, change: ServerChange) -> int:
    """Apply one server change; returns how many fields were merged around local edits."""
    connection = session.connection()
    table = table_of(change.table)
    pending = _pending(session, change.table, change.row_id)
    if change.op == "delete":
        if pending:
            local = _local(connection, change.table, change.row_id)
            if local is not None:
                _conflict_row(session, change.table, change.row_id, "deleted", local, None)
            session.execute(
                text("DELETE FROM sync_outbox WHERE table_name = :t AND row_id = :r"),
                {"t": change.table, "r": change.row_id},
            )
        _write_row(connection, change.table, change.row_id, None)
        _set_shadow(session, change.table, change.row_id, None)
        return 0
    local = _local(connection, change.table, change.row_id)
    shadow = _shadow(session, change.table, change.row_id)
    if local is None:
        if change.op != "insert" and shadow is None:
            raise _Gap()
        full = {**(shadow or {}), **change.data}
        if pending and shadow is not None:
            return 0  # deleted here, changed there: the push of the deletion settles it
        _write_row(connection, change.table, change.row_id, full)
        _set_shadow(session, change.table, change.row_id, full)
        return 0
    merged = 0
    updates: Row = {}
    for name, value in change.data.items():
        locally_changed = pending and shadow is not None and local.get(name) != shadow.get(name)
        if locally_changed:
            merged += 1  # the local edit wins for now; it goes to the server next push
        else:
            updates[name] = value
    if updates:
        connection.execute(
            update(table)
            .where(table.c.id == uuid.UUID(change.row_id))
            .values(**decode(table, updates))
        )
    # Fields kept for a local edit keep their old base, so that its push meets the server's value
    # as a conflict instead of overwriting it.
    _set_shadow(session, change.table, change.row_id, {**(shadow or local), **updates})
    return merged


def _remember(session: Session, change: ServerChange) -> None:
    """The shared history, kept on the laptop: what changed, by whom, when (server time)."""
    fields = {name: [change.old.get(name), value] for name, value in change.data.items()}
    if change.op == "delete":
        fields = {name: [value, None] for name, value in change.old.items()}
    session.execute(
        text(
            "INSERT OR IGNORE INTO history (seq, table_name, row_id, op, fields, author,"
            " committed_at, commune_ids) VALUES (:s, :t, :r, :o, :f, :a, :at, :c)"
        ),
        {
            "s": change.seq,
            "t": change.table,
            "r": change.row_id,
            "o": change.op,
            "f": dumps(fields),
            "a": change.author,
            "at": change.committed_at,
            "c": change.commune_ids,
        },
    )


def _refresh(
    database: Database,
    link: ServerLink,
    communes: set[uuid.UUID],
    summary: SyncSummary,
    fault: Fault,
) -> None:
    """Make the copy equal to what the server shows this user, keeping unsent local edits."""
    rows, cursor = link.snapshot(communes)
    fault("after-snapshot")
    with database.session() as session, _applying(session):
        connection = session.connection()
        _defer_foreign_keys(session)
        pending = {
            (t, r) for t, r in session.execute(text("SELECT table_name, row_id FROM sync_outbox"))
        }
        for name in reversed(SYNCED_TABLES):
            table = table_of(name)
            wanted = {row["id"] for row in rows[name]}
            present = {key(row_id) for row_id in connection.scalars(select(table.c.id))}
            for row_id in present - wanted:
                if (name, row_id) not in pending:
                    _write_row(connection, name, row_id, None)
            session.execute(text("DELETE FROM sync_shadows WHERE table_name = :t"), {"t": name})
        for name in SYNCED_TABLES:
            table = table_of(name)
            present = {key(row_id) for row_id in connection.scalars(select(table.c.id))}
            fresh = [row for row in rows[name] if row["id"] not in present]
            if fresh:
                connection.execute(insert(table), [decode(table, row) for row in fresh])
            for row in rows[name]:
                if row["id"] in present and (name, row["id"]) not in pending:
                    _write_row(connection, name, row["id"], row)
            if rows[name]:
                session.execute(
                    text("INSERT INTO sync_shadows (table_name, row_id, data) VALUES (:t, :r, :d)"),
                    [{"t": name, "r": row["id"], "d": dumps(row)} for row in rows[name]],
                )
            summary.received += len(rows[name])
        session.execute(text("UPDATE sync_state SET cursor = :c WHERE id = 1"), {"c": cursor})


# --- rows, shadows, conflicts --------------------------------------------------------------------


def _defer_foreign_keys(session: Session) -> None:
    """Check references when the transaction commits, not row by row: the server's rows come in
    its own order, and an item may point to another that arrives after it."""
    session.execute(text("PRAGMA defer_foreign_keys = ON"))


@contextmanager
def _applying(session: Session) -> Iterator[None]:
    """Within it, the sync's own writes stay out of the outbox."""
    session.execute(text("UPDATE sync_state SET applying = 1 WHERE id = 1"))
    yield
    session.execute(text("UPDATE sync_state SET applying = 0 WHERE id = 1"))


def _local(connection: Connection, table_name: str, row_id: str) -> Row | None:
    table = table_of(table_name)
    row = (
        connection.execute(select(table).where(table.c.id == uuid.UUID(row_id))).mappings().first()
    )
    return encode(table, row) if row is not None else None


def _write_row(connection: Connection, table_name: str, row_id: str, data: Row | None) -> None:
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


def _shadow(session: Session, table_name: str, row_id: str) -> Row | None:
    data = session.scalar(
        text("SELECT data FROM sync_shadows WHERE table_name = :t AND row_id = :r"),
        {"t": table_name, "r": row_id},
    )
    return loads(data) if data is not None else None


def _set_shadow(session: Session, table_name: str, row_id: str, data: Row | None) -> None:
    session.execute(
        text("DELETE FROM sync_shadows WHERE table_name = :t AND row_id = :r"),
        {"t": table_name, "r": row_id},
    )
    if data is not None:
        session.execute(
            text("INSERT INTO sync_shadows (table_name, row_id, data) VALUES (:t, :r, :d)"),
            {"t": table_name, "r": row_id, "d": dumps(data)},
        )


def _pending(session: Session, table_name: str, row_id: str) -> bool:
    return (
        session.scalar(
            text("SELECT 1 FROM sync_outbox WHERE table_name = :t AND row_id = :r"),
            {"t": table_name, "r": row_id},
        )
        is not None
    )


def _conflict_row(
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
