"""Take a user's changes: merge them field by field, refuse what their rights do not allow, and
log what was applied, numbered in commit order.

Each change is applied in a savepoint, so that one refused change leaves the rest of the batch
intact. Numbers are drawn at the very end, from a counter row that only the service updates and
that stays locked until commit: the order of numbers is the order of commits, and the work of
pushes for different communes runs side by side until that last step.

Kept whole: the field-level merge, the rights check and the numbering are one transaction's steps,
and splitting them would hide their order.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, exists, insert, literal, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, StatementError

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.constraints import explain
from sitiv_desktop.sync.protocol import Change, LogOp, Op, Outcome, Status
from sitiv_desktop.sync.rows import SYNCED_TABLES, Row, decode, dumps, encode, table_of
from sitiv_desktop.sync.service import scope
from sitiv_desktop.sync.service.backend import Backend
from sitiv_desktop.sync.service.scope import Rights
from sitiv_desktop.sync.service.tables import CHANGE_COMMUNES, CHANGES, COUNTER

_CHANGE_ID = re.compile(r"^[0-9a-f]{32}$")
Fault = Callable[[str], None]
_ATTEMPTS = 3


def _no_fault(step: str) -> None:
    """In use, nothing happens; tests of crashes stop the service here."""


class Refused(Exception):
    """A change the service will not apply, with the reason the user reads."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Entry:
    change_id: str
    table: str
    row_id: str
    op: LogOp
    data: Row
    old: Row
    communes: set[uuid.UUID]
    reshapes: bool
    alive: bool  # the row still exists after the change


@dataclass
class _Batch:
    """What one push has done so far, inside its transaction."""

    connection: Connection
    rights: Rights
    entries: list[_Entry] = field(default_factory=list)

    def seen(self, change_id: str) -> bool:
        return any(entry.change_id == change_id for entry in self.entries)


class Creations:
    """The rows this user created: in this push, or logged earlier under their name."""

    def __init__(self, batch: _Batch) -> None:
        self._batch = batch

    def __contains__(self, row_hex: object) -> bool:
        if any(e.row_id == row_hex and e.op is LogOp.INSERT for e in self._batch.entries):
            return True
        logged = select(literal(1)).where(
            CHANGES.c.row_id == row_hex,
            CHANGES.c.op == str(LogOp.INSERT),
            CHANGES.c.author == self._batch.rights.name,
        )
        return self._batch.connection.scalar(select(exists(logged))) is True


def push(
    backend: Backend, rights: Rights, changes: Sequence[Change], fault: Fault = _no_fault
) -> list[Outcome]:
    """Apply a batch of changes in one transaction; each gets its outcome.

    Two pushes that lock the same rows in opposite orders make PostgreSQL stop one of them: it
    is tried again from the start, as nothing of it was kept.
    """
    for attempt in range(_ATTEMPTS):
        try:
            with backend.transaction(rights.name, all_rows=True, write=True) as connection:
                batch = _Batch(connection, rights)
                outcomes = [_push_one(batch, change) for change in changes]
                last = _record(batch)
                fault("before-commit")
            break
        except OperationalError:
            if attempt == _ATTEMPTS - 1:
                raise
    if last is not None:
        backend.announce(last)
    fault("after-commit")
    return outcomes


def _push_one(batch: _Batch, change: Change) -> Outcome:
    try:
        _check_shape(change)
    except Refused as refusal:
        return Outcome(change.change_id, Status.REFUSED, reason=refusal.reason)
    known = batch.connection.scalar(
        select(CHANGES.c.seq).where(CHANGES.c.change_id == change.change_id)
    )
    if known is not None or batch.seen(change.change_id):
        return Outcome(change.change_id, Status.DUPLICATE)
    savepoint = batch.connection.begin_nested()
    logged = len(batch.entries)
    try:
        outcome = _apply(batch, change)
    except Refused as refusal:
        savepoint.rollback()
        del batch.entries[logged:]
        return Outcome(change.change_id, Status.REFUSED, reason=refusal.reason)
    except (IntegrityError, StatementError, DBAPIError, ValueError, TypeError) as error:
        savepoint.rollback()
        del batch.entries[logged:]
        return Outcome(change.change_id, Status.REFUSED, reason=_reason_of(error))
    savepoint.commit()
    return outcome


def _reason_of(error: Exception) -> str:
    if isinstance(error, IntegrityError):
        explained = explain(error)
        if isinstance(explained, UserError):
            return explained.message
    return _("the shared database cannot hold these values")


def _check_shape(change: Change) -> None:
    """Malformed changes are refused one by one, with a reason; nothing else is stopped."""
    if not _CHANGE_ID.match(change.change_id):
        raise Refused(_("malformed change identifier"))
    if change.table not in SYNCED_TABLES:
        raise Refused(_("unknown kind of record"))
    try:
        uuid.UUID(change.row_id)
    except ValueError as error:
        raise Refused(_("malformed record identifier")) from error
    columns = set(table_of(change.table).columns.keys())
    named = set(change.fields) | set(change.base or {})
    if not named <= columns:
        raise Refused(_("unknown fields: {names}").format(names=", ".join(sorted(named - columns))))
    if "id" in change.fields and change.fields["id"] != uuid.UUID(change.row_id).hex:
        raise Refused(_("the record's identifier cannot change"))
    try:
        decode(table_of(change.table), change.fields)
        decode(table_of(change.table), change.base or {})
    except (ValueError, TypeError, AttributeError) as error:
        raise Refused(_("malformed values")) from error


def _current(batch: _Batch, table_name: str, row_id: uuid.UUID, lock: bool = False) -> Row | None:
    table = table_of(table_name)
    query = select(table).where(table.c.id == row_id)
    if lock:
        query = query.with_for_update()
    row = batch.connection.execute(query).mappings().first()
    return encode(table, row) if row is not None else None


def _require(allowed: bool) -> None:
    if not allowed:
        raise Refused(_("no right to change this commune"))


def _check_links(batch: _Batch, table_name: str, values: Row) -> None:
    """A row may only point to rows its author may see."""
    for column, target in scope.LINKS.get(table_name, {}).items():
        value = values.get(column)
        if value is not None and not scope.is_visible(
            batch.connection, batch.rights, target, uuid.UUID(value)
        ):
            raise Refused(_("it points to a record you may not see"))


def _apply(batch: _Batch, change: Change) -> Outcome:
    row_id = uuid.UUID(change.row_id)
    current = _current(batch, change.table, row_id, lock=True)
    if change.op is Op.DELETE:
        return _delete(batch, change, row_id, current)
    if current is None:
        return _insert(batch, change, row_id)
    return _update(batch, change, row_id, current)


def _allowed(batch: _Batch, table_name: str, row: Row) -> bool:
    decoded = decode(table_of(table_name), row)
    return scope.may_write(batch.connection, batch.rights, table_name, decoded, Creations(batch))


def _communes(batch: _Batch, table_name: str, row: Row) -> set[uuid.UUID]:
    return scope.row_communes(batch.connection, table_name, decode(table_of(table_name), row))


def _delete(batch: _Batch, change: Change, row_id: uuid.UUID, current: Row | None) -> Outcome:
    if current is None:
        return Outcome(change.change_id, Status.APPLIED)
    _require(_allowed(batch, change.table, current))
    if change.table == "communes":
        raise Refused(_("a commune is removed by ending its membership, not by a sync"))
    seen = scope.masked(batch.connection, batch.rights, change.table, current)
    assert seen is not None
    base = change.base or {}
    if any(seen.get(name) != value for name, value in base.items()):
        return Outcome(change.change_id, Status.CONFLICT, theirs=seen)
    communes = _communes(batch, change.table, current)
    table = table_of(change.table)
    batch.connection.execute(delete(table).where(table.c.id == row_id))
    batch.entries.append(
        _Entry(
            change.change_id,
            change.table,
            change.row_id,
            LogOp.DELETE,
            {},
            current,
            communes,
            reshapes=change.table in scope.RESHAPING_TABLES,
            alive=False,
        )
    )
    return Outcome(change.change_id, Status.APPLIED)


def _insert(batch: _Batch, change: Change, row_id: uuid.UUID) -> Outcome:
    if change.base is not None:
        return Outcome(change.change_id, Status.CONFLICT, theirs=None)
    if change.table == "communes":
        raise Refused(_("communes are added by an administrator of the syndicate"))
    values = {**change.fields, "id": row_id.hex}
    _check_links(batch, change.table, values)
    table = table_of(change.table)
    batch.connection.execute(insert(table).values(**decode(table, values)))
    after = _current(batch, change.table, row_id)
    assert after is not None
    batch.entries.append(
        _Entry(
            change.change_id,
            change.table,
            change.row_id,
            LogOp.INSERT,
            after,
            {},
            set(),
            reshapes=change.table in scope.RESHAPING_TABLES,
            alive=True,
        )
    )
    _require(_allowed(batch, change.table, after))
    return Outcome(change.change_id, Status.APPLIED)


def _update(batch: _Batch, change: Change, row_id: uuid.UUID, current: Row) -> Outcome:
    _require(_allowed(batch, change.table, current))
    seen = scope.masked(batch.connection, batch.rights, change.table, current)
    assert seen is not None
    base = change.base or {}
    conflicting = tuple(
        name
        for name, value in change.fields.items()
        if seen.get(name) != value and seen.get(name) != base.get(name, value)
    )
    applied = {
        name: value
        for name, value in change.fields.items()
        if name not in conflicting and seen.get(name) != value
    }
    if applied:
        _check_links(batch, change.table, applied)
        if "owner_commune_id" in applied:
            old, new = current.get("owner_commune_id"), applied["owner_commune_id"]
            _require(
                scope.may_move_owner(
                    batch.rights,
                    uuid.UUID(old) if old else None,
                    uuid.UUID(new) if new else None,
                )
            )
        before = _communes(batch, change.table, current)
        table = table_of(change.table)
        batch.connection.execute(
            update(table).where(table.c.id == row_id).values(**decode(table, applied))
        )
        after = _current(batch, change.table, row_id)
        assert after is not None
        _require(_allowed(batch, change.table, after))
        batch.entries.append(
            _Entry(
                change.change_id,
                change.table,
                change.row_id,
                LogOp.UPDATE,
                applied,
                {name: current.get(name) for name in applied},
                before,
                reshapes=change.table in scope.RESHAPING_TABLES
                or bool(scope.MOVING_COLUMNS & set(applied)),
                alive=True,
            )
        )
    if conflicting:
        theirs = scope.masked(
            batch.connection, batch.rights, change.table, _current(batch, change.table, row_id)
        )
        return Outcome(change.change_id, Status.CONFLICT, theirs=theirs, conflicting=conflicting)
    return Outcome(change.change_id, Status.APPLIED)


def _record(batch: _Batch) -> int | None:
    """Number and log the batch's changes, each labelled with every commune it concerns.

    Communes are read after the whole batch, so that a syndicate project created with its
    participating communes reaches each of them. Returns the last number drawn.
    """
    if not batch.entries:
        return None
    connection = batch.connection
    labels: list[set[uuid.UUID]] = []
    for entry in batch.entries:
        communes = set(entry.communes)
        if entry.alive:
            row = _current(batch, entry.table, uuid.UUID(entry.row_id))
            if row is not None:
                communes |= _communes(batch, entry.table, row)
        labels.append(communes)
    count = len(batch.entries)
    last = int(
        connection.execute(
            update(COUNTER)
            .where(COUNTER.c.id == 1)
            .values(last_seq=COUNTER.c.last_seq + count)
            .returning(COUNTER.c.last_seq)
        ).scalar_one()
    )
    now = connection.scalar(text("SELECT CURRENT_TIMESTAMP"))
    first = last - count + 1
    connection.execute(
        insert(CHANGES),
        [
            {
                "seq": first + index,
                "change_id": entry.change_id,
                "table_name": entry.table,
                "row_id": entry.row_id,
                "op": str(entry.op),
                "data": dumps(entry.data),
                "old": dumps(entry.old),
                "author": batch.rights.name,
                "committed_at": _naive(now),
                "commune_ids": scope.joined(communes),
                "reshapes": entry.reshapes,
            }
            for index, (entry, communes) in enumerate(zip(batch.entries, labels, strict=True))
        ],
    )
    pairs = [
        {"commune_id": commune, "seq": first + index}
        for index, communes in enumerate(labels)
        for commune in communes
    ]
    if pairs:
        connection.execute(insert(CHANGE_COMMUNES), pairs)
    return last


def _naive(moment: Any) -> Any:
    import datetime as dt

    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            return moment
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    return dt.datetime.fromisoformat(str(moment))


def record_insert(connection: Connection, author: str, table_name: str, row: Row) -> int | None:
    """Log a row an administrator added outside any laptop (a new commune), so that it reaches
    the laptops of its communes like any other change."""
    rights = Rights(uuid.UUID(int=0), author, {})
    batch = _Batch(connection, rights)
    batch.entries.append(
        _Entry(
            uuid.uuid4().hex,
            table_name,
            row["id"],
            LogOp.INSERT,
            row,
            {},
            set(),
            reshapes=False,
            alive=True,
        )
    )
    return _record(batch)


def record_update(
    connection: Connection, author: str, table_name: str, row_id: str, new: Row, old: Row
) -> int | None:
    """Log the fields an administrator changed outside any laptop (a commune renamed, its
    mayor replaced), with their old values, so that laptops receive it and keep its history."""
    if not new:
        return None
    rights = Rights(uuid.UUID(int=0), author, {})
    batch = _Batch(connection, rights)
    batch.entries.append(
        _Entry(
            uuid.uuid4().hex,
            table_name,
            row_id,
            LogOp.UPDATE,
            new,
            old,
            set(),
            reshapes=bool(scope.MOVING_COLUMNS & set(new)),
            alive=True,
        )
    )
    return _record(batch)
