"""Sending: the outbox's edits as changes to the service, and what its answers settle.

A change is written to the in-flight table, with its id, before it is sent; a sync that was cut
resends exactly those changes first (the service knows them by their ids), so nothing is applied
twice and the user's next edit is never taken for a conflict with their own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from sitiv_desktop.errors import Cancelled, ExternalError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.database import Database
from sitiv_desktop.store.outbox import outside_outbox
from sitiv_desktop.store.sync_tables import INFLIGHT, OUTBOX, REFUSED, row_of
from sitiv_desktop.sync.local import (
    ConflictKind,
    keep_conflict_row,
    set_shadow,
    shadow_of,
    write_row,
)
from sitiv_desktop.sync.protocol import (
    Change,
    Op,
    Outcome,
    Status,
)
from sitiv_desktop.sync.rows import Row, dumps, encode, loads, table_of
from sitiv_desktop.sync.summary import Fault, SyncSummary

if TYPE_CHECKING:
    from sitiv_desktop.sync.transport import ServiceClient

PUSH_BATCH = 500


# --- push ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _InFlight:
    change: Change
    stamp: int


def push(
    database: Database,
    service: ServiceClient,
    summary: SyncSummary,
    fault: Fault,
    is_cancelled: Callable[[], bool],
) -> None:
    # First what a cut sync left in flight, exactly as it was sent.
    while batch := _in_flight(database):
        _send(database, service, batch, summary, fault, is_cancelled)
    handled: set[tuple[str, str, int]] = set()
    while batch := _prepare(database, handled):
        _send(database, service, batch, summary, fault, is_cancelled)


def _in_flight(database: Database) -> list[_InFlight]:
    with database.read_session() as session:
        rows = session.execute(
            select(INFLIGHT.c.stamp, INFLIGHT.c.payload)
            .order_by(INFLIGHT.c.position)
            .limit(PUSH_BATCH)
        ).all()
    return [_InFlight(Change.from_json(loads(row.payload)), int(row.stamp)) for row in rows]


def _prepare(database: Database, handled: set[tuple[str, str, int]]) -> list[_InFlight]:
    """The next outbox entries as changes, recorded in flight before they are sent."""
    batch: list[_InFlight] = []
    with database.session() as session:
        entries = session.execute(
            select(OUTBOX.c.table_name, OUTBOX.c.row_id, OUTBOX.c.stamp).order_by(OUTBOX.c.position)
        )
        for entry in entries:
            if len(batch) >= PUSH_BATCH:
                break
            marker = (entry.table_name, entry.row_id, int(entry.stamp))
            if marker in handled:
                continue
            handled.add(marker)
            change = _change_of(session, entry.table_name, entry.row_id, uuid.uuid4().hex)
            if change is None:
                _drop(session, entry.table_name, entry.row_id, int(entry.stamp))
                continue
            batch.append(_InFlight(change, int(entry.stamp)))
        if batch:
            session.execute(
                insert(INFLIGHT),
                [
                    {
                        "change_id": item.change.change_id,
                        "table_name": item.change.table,
                        "row_id": item.change.row_id,
                        "stamp": item.stamp,
                        "payload": dumps(item.change.to_json()),
                    }
                    for item in batch
                ],
            )
    return batch


def _send(
    database: Database,
    service: ServiceClient,
    batch: list[_InFlight],
    summary: SyncSummary,
    fault: Fault,
    is_cancelled: Callable[[], bool],
) -> None:
    if is_cancelled():
        raise Cancelled()
    fault("before-send")
    outcomes = service.push([item.change for item in batch])
    if len(outcomes) != len(batch):
        raise ExternalError(_("The sync service answered for other changes than those sent."))
    fault("after-server-commit")
    with database.session() as session:
        for item, outcome in zip(batch, outcomes, strict=True):
            _settle(session, item, outcome, summary)
            session.execute(delete(INFLIGHT).where(INFLIGHT.c.change_id == item.change.change_id))
    fault("after-settle")


def _change_of(session: Session, table_name: str, row_id: str, change_id: str) -> Change | None:
    table = table_of(table_name)
    row = session.execute(select(table).where(table.c.id == uuid.UUID(row_id))).mappings().first()
    shadow = shadow_of(session, table_name, row_id)
    if row is None:
        if shadow is None:
            return None  # made and removed offline: the service never needs to know
        return Change(change_id, table_name, row_id, Op.DELETE, {}, shadow)
    current = encode(table, row)
    if shadow is None:
        return Change(change_id, table_name, row_id, Op.UPSERT, current, None)
    changed = {name: value for name, value in current.items() if shadow.get(name) != value}
    if not changed:
        return None
    return Change(
        change_id, table_name, row_id, Op.UPSERT, changed, {n: shadow.get(n) for n in changed}
    )


def _settle(session: Session, item: _InFlight, outcome: Outcome, summary: SyncSummary) -> None:
    change = item.change
    if outcome.status in (Status.APPLIED, Status.DUPLICATE):
        summary.sent += 1
        fields = "" if change.op is Op.DELETE else dumps(change.fields)
        summary.sent_here.add((change.table, change.row_id, fields))
        # The service now holds what was sent: that is the base of any later edit.
        if change.op is Op.DELETE:
            set_shadow(session, change.table, change.row_id, None)
        else:
            shadow = shadow_of(session, change.table, change.row_id) or {}
            set_shadow(session, change.table, change.row_id, {**shadow, **change.fields})
    elif outcome.status is Status.CONFLICT:
        summary.conflicts += 1
        taken = _taken_around_the_conflict(change, outcome)
        if taken:
            # The service took the other fields of the change: sent, and merged with the edit
            # it met; their coming back in the pull is not news.
            summary.sent += 1
            summary.merged += len(taken)
            summary.sent_here.add((change.table, change.row_id, dumps(taken)))
        _keep_conflict(session, change, outcome)
    else:
        summary.refused += 1
        session.execute(
            insert(REFUSED).values(
                id=uuid.uuid4().hex,
                table_name=change.table,
                row_id=change.row_id,
                change=dumps({"op": str(change.op), "fields": change.fields, "base": change.base}),
                reason=outcome.reason,
                noticed_at=dt.datetime.now(),
            )
        )
        # The refused edit is kept in its list; the row goes back to what the service holds.
        _put_back(session, change.table, change.row_id)
    _drop(session, change.table, change.row_id, item.stamp)


def _taken_around_the_conflict(change: Change, outcome: Outcome) -> Row:
    """The fields of a change in conflict that the service holds as sent: those it took."""
    if change.op is Op.DELETE or outcome.theirs is None:
        return {}
    return {
        name: value
        for name, value in change.fields.items()
        if name not in outcome.conflicting and outcome.theirs.get(name) == value
    }


def _keep_conflict(session: Session, change: Change, outcome: Outcome) -> None:
    table = table_of(change.table)
    local = (
        session.execute(select(table).where(table.c.id == uuid.UUID(change.row_id)))
        .mappings()
        .first()
    )
    mine = encode(table, local) if local is not None else None
    kind = ConflictKind.FIELD
    if change.op is Op.DELETE:
        kind = ConflictKind.EDITED
    elif outcome.theirs is None:
        kind = ConflictKind.DELETED
    theirs = outcome.theirs
    mine_part: Row | None = mine
    theirs_part: Row | None = theirs
    if kind is ConflictKind.FIELD and mine is not None and theirs is not None:
        names = outcome.conflicting
        mine_part, theirs_part = {n: mine.get(n) for n in names}, {n: theirs.get(n) for n in names}
    keep_conflict_row(session, change.table, change.row_id, kind, mine_part, theirs_part)
    # Until someone chooses, the row shows what the shared database holds.
    with outside_outbox(session):
        write_row(session.connection(), change.table, change.row_id, theirs)
        set_shadow(session, change.table, change.row_id, theirs)


def _put_back(session: Session, table_name: str, row_id: str) -> None:
    with outside_outbox(session):
        write_row(session.connection(), table_name, row_id, shadow_of(session, table_name, row_id))


def _drop(session: Session, table_name: str, row_id: str, stamp: int) -> None:
    # An edit made while the change travelled raised the stamp: that entry stays for next time.
    session.execute(
        delete(OUTBOX).where(row_of(OUTBOX, table_name, row_id), OUTBOX.c.stamp == stamp)
    )
