"""Receiving: the changes since the cursor, and the whole picture of the scope when its shape
changed (a first sync, a grant, a project newly shared).

The pull cursor moves in the same transaction as the rows it covers. A full refresh streams the
user's scope page by page into one transaction, each page written by SQLite from its JSON
(``pages``), the search index rebuilt once at the end.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
from sitiv_desktop.store.outbox import outside_outbox
from sitiv_desktop.store.sync_tables import HISTORY, RECEIVED, SHADOWS, STATE_ROW, SYNC_STATE
from sitiv_desktop.sync.local import (
    ConflictKind,
    defer_foreign_keys,
    forget_pending,
    is_pending,
    keep_conflict_row,
    local_row,
    pending_rows,
    set_shadow,
    shadow_of,
    write_row,
)
from sitiv_desktop.sync.pages import PageStatements
from sitiv_desktop.sync.protocol import (
    LogOp,
    ServerChange,
)
from sitiv_desktop.sync.rows import SYNCED_TABLES, Row, decode, dumps, table_of
from sitiv_desktop.sync.summary import Fault, Progress, SyncSummary

if TYPE_CHECKING:
    from sitiv_desktop.sync.transport import ServiceClient, SnapshotPage

PULL_PAGE = 2000
# Rows per page of a first sync, at most; pages are then sized to about PAGE_BYTES of JSON
# (``_pages``). Measured at 447,653 rows: 0.5 MB pages peak at 117 MiB for the whole process
# (46 s), 1 MB at 153 MiB (36 s), 2 MB at 185-204 MiB (31 s): each page's text is copied
# several times on its way into SQLite, so the page's size is what a first sync holds.
SNAPSHOT_PAGE = 5_000
FIRST_PAGE_ROWS = 1_000
MIN_PAGE_ROWS = 100
PAGE_BYTES = 500_000
REFRESH_ATTEMPTS = 3


# --- pull ----------------------------------------------------------------------------------------


class _Gap(Exception):
    """A change builds on a row this copy does not hold."""


def pull(
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
            with database.session() as session, outside_outbox(session):
                defer_foreign_keys(session)
                for change in changes:
                    summary.merged += _apply(session, change, tolerant=catching_up)
                    _remember(session, change)
                _move_cursor(session, reached)
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
            refresh(database, service, summary, progress, is_cancelled, fault, attempts - 1)
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
    pending = is_pending(session, change.table, change.row_id)
    if change.op is LogOp.DELETE:
        if pending:
            local = local_row(connection, change.table, change.row_id)
            if local is not None:
                keep_conflict_row(
                    session, change.table, change.row_id, ConflictKind.DELETED, local, None
                )
            forget_pending(session, change.table, change.row_id)
        write_row(connection, change.table, change.row_id, None)
        set_shadow(session, change.table, change.row_id, None)
        return 0
    local = local_row(connection, change.table, change.row_id)
    shadow = shadow_of(session, change.table, change.row_id)
    if local is None:
        if change.op is not LogOp.INSERT and shadow is None:
            if tolerant:
                return 0
            raise _Gap()
        full = {**(shadow or {}), **change.data}
        if pending and shadow is not None:
            return 0  # deleted here, changed there: the push of the deletion settles it
        write_row(connection, change.table, change.row_id, full)
        set_shadow(session, change.table, change.row_id, full)
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
    set_shadow(session, change.table, change.row_id, {**(shadow or local), **updates})
    return merged


def _remember(session: Session, change: ServerChange) -> None:
    """The shared history, kept on the laptop: what changed, by whom, when (service time)."""
    fields = {name: [change.old.get(name), value] for name, value in change.data.items()}
    if change.op is LogOp.DELETE:
        fields = {name: [value, None] for name, value in change.old.items()}
    session.execute(
        sqlite_insert(HISTORY)
        .values(
            seq=change.seq,
            table_name=change.table,
            row_id=change.row_id,
            op=str(change.op),
            fields=dumps(fields),
            author=change.author,
            committed_at=change.committed_at,
            commune_ids=change.commune_ids,
        )
        .on_conflict_do_nothing()
    )


def _move_cursor(session: Session, cursor: int) -> None:
    """The copy holds the service's feed up to ``cursor``: in the transaction of those rows."""
    session.execute(update(SYNC_STATE).where(STATE_ROW).values(cursor=cursor))


# --- full refresh --------------------------------------------------------------------------------


def refresh(
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
        with database.session() as session, outside_outbox(session):
            defer_foreign_keys(session)
            # The search index is rebuilt once at the end rather than kept row by row.
            drop_search_triggers(session.connection())
            pending = pending_rows(session)
            for index, name in enumerate(SYNCED_TABLES):
                if is_cancelled():
                    raise Cancelled()
                summary.received += _refresh_table(session, service, name, pending, page_rows)
                progress(0.3 + 0.6 * (index + 1) / len(SYNCED_TABLES), _("Receiving your data"))
            rebuild_search_index(session.connection())
            create_search_triggers(session.connection())
            fault("after-snapshot")
            _move_cursor(session, cursor)
    except IntegrityError as error:
        # A row arrived before the one it points to was shared: the scope moved while reading.
        if attempts <= 0:
            raise ExternalError(
                _("The shared data changed during the sync; sync again in a moment.")
            ) from error
        refresh(database, service, summary, progress, is_cancelled, fault, attempts - 1)
        return
    pull(
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
        RECEIVED.create(connection, checkfirst=True)
        connection.execute(delete(RECEIVED))
    received = 0
    for page in _pages(service, name, min(page_rows, SNAPSHOT_PAGE)):
        _store_page(session, connection, name, page, kept, tracking)
        received += page.count
    if tracking:
        not_received = table.c.id.not_in(select(RECEIVED.c.id))
        for row_id in connection.scalars(select(table.c.id).where(not_received)).all():
            if row_id.hex not in kept:
                connection.execute(delete(table).where(table.c.id == row_id))
    # A list of ids of any length, read by SQLite from one JSON text rather than bound one by one.
    kept_ids = func.json_each(json.dumps(sorted(kept))).table_valued("value")
    connection.execute(
        delete(SHADOWS).where(
            SHADOWS.c.table_name == name,
            SHADOWS.c.row_id.not_in(select(table.c.id)),
            SHADOWS.c.row_id.not_in(select(kept_ids.c.value)),
        )
    )
    return received


def _pages(service: ServiceClient, name: str, page_rows: int) -> Iterator[SnapshotPage]:
    """The table's pages in order, the next one asked for while this one is being stored: the
    service reads and the laptop writes at the same time.

    Pages are sized by bytes, not rows: a table of long texts (meetings with their minutes)
    comes in fewer rows per page, so that a page's text, and the copies of it that the HTTP
    client and SQLite make, stay a few megabytes whatever the table.
    """
    size = min(page_rows, FIRST_PAGE_ROWS)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitiv-snapshot") as fetcher:
        upcoming = fetcher.submit(service.snapshot_page, name, None, size)
        while True:
            page = upcoming.result()
            more = not page.complete and page.count > 0 and page.last_id is not None
            if more:
                size = _rows_for(page, page_rows)
                upcoming = fetcher.submit(service.snapshot_page, name, page.last_id, size)
            yield page
            if not more:
                return


def _rows_for(page: SnapshotPage, ceiling: int) -> int:
    """How many rows of this table make a page of about ``PAGE_BYTES``."""
    per_row = max(1, len(page.body) // max(1, page.count))
    return max(MIN_PAGE_ROWS, min(ceiling, PAGE_BYTES // per_row))


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
    connection.execute(statements.upsert_rows, values)
    connection.execute(statements.upsert_shadows, values)
    if tracking:
        connection.execute(statements.note_received, values)
    if kept:
        for raw in connection.execute(statements.edited_here, values).scalars():
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
            write_row(connection, name, row["id"], row)
            set_shadow(session, name, row["id"], row)
        if tracking:
            connection.execute(
                sqlite_insert(RECEIVED).values(id=row["id"]).on_conflict_do_nothing()
            )


def _store_edited(session: Session, connection: Connection, name: str, server: Row) -> None:
    """A row edited here and not yet sent: the service's values around the local edits, whose
    base stays what it was, so that their push meets any change made meanwhile."""
    local = local_row(connection, name, server["id"])
    shadow = shadow_of(session, name, server["id"])
    if local is None:
        if shadow is None:
            write_row(connection, name, server["id"], server)
            set_shadow(session, name, server["id"], server)
        return  # deleted here: the push of the deletion settles it
    base = shadow or {}
    edited = {n for n, value in local.items() if shadow is None or base.get(n) != value}
    write_row(connection, name, server["id"], {**server, **{n: local[n] for n in edited}})
    set_shadow(session, name, server["id"], {**server, **{n: base[n] for n in edited if n in base}})
