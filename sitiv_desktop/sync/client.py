"""A laptop's side of the sync: send the outbox to the service, then take the changes.

Every step is its own transaction and can be interrupted. A change is written to the in-flight
table, with its id, before it is sent; a sync that was cut resends exactly those changes first
(the service knows them by their ids), so nothing is applied twice and the user's next edit is
never taken for a conflict with their own. The pull cursor moves in the same transaction as the
rows it covers. A full refresh streams the user's scope page by page into one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sitiv_desktop.errors import Cancelled, ExternalError, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.database import Database
from sitiv_desktop.store.indexes import (
    create_search_triggers,
    drop_search_triggers,
    rebuild_search_index,
)
from sitiv_desktop.sync.pages import PageStatements
from sitiv_desktop.sync.protocol import (
    DEFAULT_PAGE_ROWS,
    Change,
    LogOp,
    Op,
    Outcome,
    ServerChange,
    Status,
)
from sitiv_desktop.sync.rows import SYNCED_TABLES, Row, decode, dumps, encode, key, loads, table_of

if TYPE_CHECKING:
    from sitiv_desktop.sync.transport import ServiceClient, SnapshotPage

Progress = Callable[[float, str], None]
Fault = Callable[[str], None]
Backup = Callable[[], Path]
PUSH_BATCH = 500
PULL_PAGE = 2000
# Rows per page of a first sync. Since the service reads a page along the primary key, larger
# pages save little time (6 % at 20,000 rows) and cost memory (+57 MiB of peak at 149,000 rows).
SNAPSHOT_PAGE = 5_000
REFRESH_ATTEMPTS = 3


@dataclass
class SyncSummary:
    received: int = 0
    sent: int = 0
    merged: int = 0
    conflicts: int = 0
    refused: int = 0
    full_refresh: bool = False
    backup: Path | None = None
    # What this sync sent and the service took: the pull brings it back, and it is not news.
    sent_here: set[tuple[str, str, str]] = field(default_factory=set, repr=False)

    def is_echo(self, change: ServerChange) -> bool:
        fields = "" if change.op is LogOp.DELETE else dumps(change.data)
        return (change.table, change.row_id, fields) in self.sent_here


def _no_progress(fraction: float, text: str) -> None:
    """Callers that show no progress pass nothing."""


def _no_fault(step: str) -> None:
    """Tests stop the process here, as a crash would; in use, nothing happens."""


def synchronise(
    database: Database,
    service: ServiceClient,
    progress: Progress = _no_progress,
    is_cancelled: Callable[[], bool] = lambda: False,
    fault: Fault = _no_fault,
    backup: Backup | None = None,
) -> SyncSummary:
    """Push the local changes, then pull the service's; returns what happened.

    ``backup`` is called before a refresh would take away rows that were never synced (the first
    connection of a laptop that holds data): nothing leaves a laptop without a copy made first.
    """
    summary = SyncSummary()
    grants = service.grants()
    if not grants:
        raise UserError(_("No commune is granted to this user on the sync service."))
    granted = _joined(grants)
    # The push changes none of these: the state is read once, before it.
    with database.read_session() as session:
        state = session.execute(
            text("SELECT cursor, granted, last_sync_at FROM sync_state WHERE id = 1")
        ).one()
    never_synced = state.last_sync_at is None
    if never_synced and _holds_data(database):
        if backup is not None:
            summary.backup = backup()
        _adopt_communes(database, service)
    progress(0.02, _("Sending local changes"))
    _push(database, service, summary, fault, is_cancelled)
    fault("after-push")
    if never_synced or state.granted != granted:
        progress(0.3, _("Receiving everything you may see"))
        if never_synced:
            _set_aside(database)
        _refresh(database, service, summary, progress, is_cancelled, fault)
    else:
        _pull(database, service, int(state.cursor), summary, progress, is_cancelled, fault)
    with database.session() as session:
        session.execute(
            text("UPDATE sync_state SET granted = :g, last_sync_at = :t, roles = :r WHERE id = 1"),
            {"g": granted, "t": dt.datetime.now(), "r": _roles_text(grants)},
        )
    progress(1.0, _("Synchronised"))
    return summary


def _joined(grants: dict[uuid.UUID, str]) -> str:
    return ",".join(sorted(str(commune) for commune in grants))


def _roles_text(grants: dict[uuid.UUID, str]) -> str:
    return dumps({commune.hex: role for commune, role in grants.items()})


def _holds_data(database: Database) -> bool:
    with database.read_session() as session:
        return session.execute(text("SELECT 1 FROM communes LIMIT 1")).first() is not None


# Columns that name a commune, by table: what follows a commune when it takes the service's id.
_COMMUNE_COLUMNS = {
    "contacts": "commune_id", "projects": "owner_commune_id", "participations": "commune_id",
    "meeting_communes": "commune_id", "commitments": "commune_id", "exchanges": "commune_id",
    "mandate_stakes": "commune_id",
}  # fmt: skip


def _adopt_communes(database: Database, service: ServiceClient) -> None:
    """A laptop that never synced made its records against communes of its own: each takes the
    identity the service gives the same commune (same INSEE code), so that records typed
    offline reach the service attached to the right commune."""
    page = service.snapshot_page("communes", None, DEFAULT_PAGE_ROWS)
    columns = page.columns
    theirs = {row[columns.index("insee_code")]: row[columns.index("id")] for row in page.rows()}
    with database.session() as session, _applying(session):
        _defer_foreign_keys(session)
        local = session.execute(text("SELECT id, insee_code FROM communes")).all()
        for row_id, insee in local:
            mine = key(row_id)
            target = theirs.get(insee)
            if target is None or target == mine:
                continue
            old, new = uuid.UUID(mine), uuid.UUID(target)
            for table_name, column in _COMMUNE_COLUMNS.items():
                table = table_of(table_name)
                session.execute(update(table).where(table.c[column] == old).values({column: new}))
            communes = table_of("communes")
            session.execute(update(communes).where(communes.c.id == old).values(id=new))
            # The service holds the commune itself: only what was typed about it is sent.
            session.execute(
                text("DELETE FROM sync_outbox WHERE table_name = 'communes' AND row_id = :r"),
                {"r": mine},
            )


def _set_aside(database: Database) -> None:
    """Before a laptop's first picture of its scope: what it holds that was never sent (the
    demonstration) goes, a copy having been kept; its communes, adopted, stay for the picture to
    overwrite. Records still waiting to be sent stay too."""
    with database.session() as session, _applying(session):
        _defer_foreign_keys(session)
        pending = _pending_rows(session)
        for name in reversed(SYNCED_TABLES):
            if name == "communes":
                continue
            table = table_of(name)
            for row_id in list(session.scalars(select(table.c.id))):
                if (name, key(row_id)) not in pending:
                    session.execute(delete(table).where(table.c.id == row_id))


# --- push ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _InFlight:
    change: Change
    stamp: int


def _push(
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
            text("SELECT stamp, payload FROM sync_inflight ORDER BY position LIMIT :n"),
            {"n": PUSH_BATCH},
        ).all()
    return [_InFlight(Change.from_json(loads(row.payload)), int(row.stamp)) for row in rows]


def _prepare(database: Database, handled: set[tuple[str, str, int]]) -> list[_InFlight]:
    """The next outbox entries as changes, recorded in flight before they are sent."""
    batch: list[_InFlight] = []
    with database.session() as session:
        entries = session.execute(
            text("SELECT table_name, row_id, stamp FROM sync_outbox ORDER BY position")
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
        for item in batch:
            session.execute(
                text(
                    "INSERT INTO sync_inflight (change_id, table_name, row_id, stamp, payload)"
                    " VALUES (:c, :t, :r, :s, :p)"
                ),
                {
                    "c": item.change.change_id,
                    "t": item.change.table,
                    "r": item.change.row_id,
                    "s": item.stamp,
                    "p": dumps(item.change.to_json()),
                },
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
            session.execute(
                text("DELETE FROM sync_inflight WHERE change_id = :c"),
                {"c": item.change.change_id},
            )
    fault("after-settle")


def _change_of(session: Session, table_name: str, row_id: str, change_id: str) -> Change | None:
    table = table_of(table_name)
    row = session.execute(select(table).where(table.c.id == uuid.UUID(row_id))).mappings().first()
    shadow = _shadow(session, table_name, row_id)
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
            _set_shadow(session, change.table, change.row_id, None)
        else:
            shadow = _shadow(session, change.table, change.row_id) or {}
            _set_shadow(session, change.table, change.row_id, {**shadow, **change.fields})
    elif outcome.status is Status.CONFLICT:
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
                "c": dumps({"op": str(change.op), "fields": change.fields, "base": change.base}),
                "why": outcome.reason,
                "at": dt.datetime.now(),
            },
        )
        # The refused edit is kept in its list; the row goes back to what the service holds.
        _put_back(session, change.table, change.row_id)
    _drop(session, change.table, change.row_id, item.stamp)


def _keep_conflict(session: Session, change: Change, outcome: Outcome) -> None:
    table = table_of(change.table)
    local = (
        session.execute(select(table).where(table.c.id == uuid.UUID(change.row_id)))
        .mappings()
        .first()
    )
    mine = encode(table, local) if local is not None else None
    kind = "field"
    if change.op is Op.DELETE:
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


class _Gap(Exception):
    """A change builds on a row this copy does not hold."""


def _pull(
    database: Database,
    service: ServiceClient,
    cursor: int,
    summary: SyncSummary,
    progress: Progress,
    is_cancelled: Callable[[], bool],
    fault: Fault,
    catching_up: bool = False,
    attempts: int = REFRESH_ATTEMPTS,
) -> None:
    while True:
        if is_cancelled():
            raise Cancelled()
        changes, reached = service.pull(cursor, PULL_PAGE)
        if reached == cursor and not changes:
            return
        fault("after-fetch")
        reshaped = any(change.reshapes for change in changes)
        try:
            with database.session() as session, _applying(session):
                _defer_foreign_keys(session)
                for change in changes:
                    summary.merged += _apply(session, change, tolerant=catching_up)
                    _remember(session, change)
                session.execute(
                    text("UPDATE sync_state SET cursor = :c WHERE id = 1"), {"c": reached}
                )
        except (IntegrityError, UserError, _Gap):
            reshaped = True
        else:
            summary.received += sum(1 for change in changes if not summary.is_echo(change))
        fault("after-page")
        if reshaped:
            # What this user may see has changed shape (a project newly shared, a meeting left):
            # take the whole picture again rather than guess.
            if attempts <= 0:
                raise ExternalError(
                    _("The shared data changed during the sync; sync again in a moment.")
                )
            _refresh(database, service, summary, progress, is_cancelled, fault, attempts - 1)
            return
        progress(0.5, _("Receiving changes"))
        cursor = reached


def _apply(session: Session, change: ServerChange, tolerant: bool = False) -> int:
    """Apply one server change; returns how many fields were merged around local edits.

    ``tolerant`` while catching up after a refresh: the pages already show a later state, so a
    change about a row that is gone since is passed over.
    """
    connection = session.connection()
    table = table_of(change.table)
    pending = _pending(session, change.table, change.row_id)
    if change.op is LogOp.DELETE:
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
        if change.op is not LogOp.INSERT and shadow is None:
            if tolerant:
                return 0
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
    """The shared history, kept on the laptop: what changed, by whom, when (service time)."""
    fields = {name: [change.old.get(name), value] for name, value in change.data.items()}
    if change.op is LogOp.DELETE:
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
            "o": str(change.op),
            "f": dumps(fields),
            "a": change.author,
            "at": change.committed_at,
            "c": change.commune_ids,
        },
    )


# --- full refresh --------------------------------------------------------------------------------


def _refresh(
    database: Database,
    service: ServiceClient,
    summary: SyncSummary,
    progress: Progress,
    is_cancelled: Callable[[], bool],
    fault: Fault,
    attempts: int = REFRESH_ATTEMPTS,
) -> None:
    """Make the copy equal to what the service shows this user, keeping unsent local edits.

    The pages are read one after the other, not in one snapshot: the changes committed
    meanwhile are then taken from the cursor read before the first page.
    """
    summary.full_refresh = True
    cursor, page_rows = service.snapshot_start()
    try:
        with database.session() as session, _applying(session):
            _defer_foreign_keys(session)
            # The search index is rebuilt once at the end rather than kept row by row.
            drop_search_triggers(session.connection())
            pending = _pending_rows(session)
            for index, name in enumerate(SYNCED_TABLES):
                if is_cancelled():
                    raise Cancelled()
                summary.received += _refresh_table(session, service, name, pending, page_rows)
                progress(0.3 + 0.6 * (index + 1) / len(SYNCED_TABLES), _("Receiving your data"))
            rebuild_search_index(session.connection())
            create_search_triggers(session.connection())
            fault("after-snapshot")
            session.execute(text("UPDATE sync_state SET cursor = :c WHERE id = 1"), {"c": cursor})
    except IntegrityError as error:
        # A row arrived before the one it points to was shared: the scope moved while reading.
        if attempts <= 0:
            raise ExternalError(
                _("The shared data changed during the sync; sync again in a moment.")
            ) from error
        _refresh(database, service, summary, progress, is_cancelled, fault, attempts - 1)
        return
    _pull(
        database, service, cursor, summary, progress, is_cancelled, fault,
        catching_up=True, attempts=attempts - 1,
    )  # fmt: skip


def _refresh_table(
    session: Session,
    service: ServiceClient,
    name: str,
    pending: set[tuple[str, str]],
    page_rows: int,
) -> int:
    table = table_of(name)
    connection = session.connection()
    kept = {row_id for (t, row_id) in pending if t == name}
    # Rows here that the service no longer shows must go: knowing which arrived is only needed
    # when the table held rows before (never at a first sync).
    tracking = connection.execute(select(table.c.id).limit(1)).first() is not None
    if tracking:
        connection.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS sync_received (id TEXT PRIMARY KEY)"
        )
        connection.exec_driver_sql("DELETE FROM temp.sync_received")
    received = 0
    for page in _pages(service, name, min(page_rows, SNAPSHOT_PAGE)):
        _store_page(session, connection, name, page, kept, tracking)
        received += page.count
    if tracking:
        gone = connection.scalars(
            text(f"SELECT id FROM {name} WHERE id NOT IN (SELECT id FROM temp.sync_received)")
        ).all()
        for row_id in gone:
            if row_id not in kept:
                connection.execute(delete(table).where(table.c.id == uuid.UUID(row_id)))
    connection.execute(
        text(
            f"DELETE FROM sync_shadows WHERE table_name = :t AND row_id NOT IN "
            f"(SELECT id FROM {name}) AND row_id NOT IN (SELECT value FROM json_each(:kept))"
        ),
        {"t": name, "kept": json.dumps(sorted(kept))},
    )
    return received


def _pages(service: ServiceClient, name: str, page_rows: int) -> Iterator[SnapshotPage]:
    """The table's pages in order, the next one asked for while this one is being stored: the
    service reads and the laptop writes at the same time."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitiv-snapshot") as fetcher:
        upcoming = fetcher.submit(service.snapshot_page, name, None, page_rows)
        while True:
            page = upcoming.result()
            more = not page.complete and page.count > 0 and page.last_id is not None
            if more:
                upcoming = fetcher.submit(service.snapshot_page, name, page.last_id, page_rows)
            yield page
            if not more:
                return


def _store_page(
    session: Session,
    connection: Connection,
    name: str,
    page: SnapshotPage,
    kept: set[str],
    tracking: bool,
) -> None:
    """Write one page as the service sent it, in set-wise statements that read its JSON."""
    table = table_of(name)
    if page.count == 0:
        return
    if sorted(page.columns) != sorted(column.name for column in table.columns):
        _store_rows(session, connection, name, page, kept, tracking)
        return
    statements = PageStatements(table, page.columns)
    values = {"t": name, "body": page.body}
    connection.execute(text(statements.upsert_rows), values)
    connection.execute(text(statements.upsert_shadows), values)
    if tracking:
        connection.execute(text(statements.note_received), values)
    if kept:
        for raw in connection.execute(text(statements.edited_here), values).scalars():
            row = dict(zip(page.columns, json.loads(raw), strict=True))
            _store_edited(session, connection, name, row)


def _store_rows(
    session: Session,
    connection: Connection,
    name: str,
    page: SnapshotPage,
    kept: set[str],
    tracking: bool,
) -> None:
    """A page whose columns differ from this copy's (a service of another version): row by row,
    the columns this copy lacks left out."""
    table = table_of(name)
    known = {column.name for column in table.columns}
    for values in page.rows():
        row = {
            column: value
            for column, value in zip(page.columns, values, strict=True)
            if column in known
        }
        if row["id"] in kept:
            _store_edited(session, connection, name, row)
        else:
            _write_row(connection, name, row["id"], row)
            _set_shadow(session, name, row["id"], row)
        if tracking:
            connection.execute(
                text("INSERT OR IGNORE INTO temp.sync_received (id) VALUES (:r)"), {"r": row["id"]}
            )


def _store_edited(session: Session, connection: Connection, name: str, server: Row) -> None:
    """A row edited here and not yet sent: the service's values around the local edits, whose
    base stays what it was, so that their push meets any change made meanwhile."""
    local = _local(connection, name, server["id"])
    shadow = _shadow(session, name, server["id"])
    if local is None:
        if shadow is None:
            _write_row(connection, name, server["id"], server)
            _set_shadow(session, name, server["id"], server)
        return  # deleted here: the push of the deletion settles it
    base = shadow or {}
    edited = {n for n, value in local.items() if shadow is None or base.get(n) != value}
    _write_row(connection, name, server["id"], {**server, **{n: local[n] for n in edited}})
    _set_shadow(
        session, name, server["id"], {**server, **{n: base[n] for n in edited if n in base}}
    )


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


@contextmanager
def outside_outbox(session: Session) -> Iterator[None]:
    """Writes that are never to be sent (demonstration data): the outbox triggers stand still."""
    with _applying(session):
        yield


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


def _pending_rows(session: Session) -> set[tuple[str, str]]:
    """Every (table, row) with an edit not yet sent."""
    rows = session.execute(text("SELECT table_name, row_id FROM sync_outbox"))
    return {(table_name, row_id) for table_name, row_id in rows}


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
