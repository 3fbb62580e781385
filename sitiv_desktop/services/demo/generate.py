"""Filling the local copy: draw every record, then write them table by table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, delete, exists, insert, select, update
from sqlalchemy.orm import Session

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.progress import Progress, no_progress
from sitiv_desktop.services.demo.commitments import make_commitments
from sitiv_desktop.services.demo.communes import make_communes
from sitiv_desktop.services.demo.exchanges import make_exchanges, make_stakes
from sitiv_desktop.services.demo.maker import (
    Maker,
    hire_staff,
)
from sitiv_desktop.services.demo.meetings import make_meetings
from sitiv_desktop.services.demo.projects import Counters, make_projects
from sitiv_desktop.store import models
from sitiv_desktop.store.indexes import (
    INTERACTIVE_INDEXES,
    create_search_triggers,
    drop_search_triggers,
    interactive_index_ddl,
    rebuild_search_index,
)
from sitiv_desktop.store.outbox import outside_outbox
from sitiv_desktop.store.sync_tables import (
    CONFLICTS,
    HISTORY,
    OUTBOX,
    REFUSED,
    SHADOWS,
    STATE_ROW,
    SYNC_STATE,
)

BATCH_ROWS = 5000
# Share of the progress bar spent drawing the data; the rest is writing it.
DRAWING_SHARE = 0.3


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each table the demonstration data holds."""

    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# The largest scale: 300 makes about 450 000 rows, 1000 about 1.5 million (several minutes).
MAX_SCALE = 1000


def generate_demo(
    session: Session,
    seed: int = 1,
    scale: int = 1,
    replace: bool = False,
    progress: Progress = no_progress,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill the local copy with demonstration data; refuses a copy that holds data already.

    With ``replace``, the data already there is deleted first, in the same transaction.
    """
    if not 1 <= scale <= MAX_SCALE:
        raise UserError(
            _("The scale is a whole number from 1 to {maximum}.").format(maximum=MAX_SCALE),
            "scale",
        )
    if not replace and _holds_data(session):
        raise UserError(
            _("The local copy already holds data: replacing them must be asked for."), "replace"
        )
    progress(0.0, _("Preparing the demonstration data"))
    maker = Maker(seed, today or dt.date.today())
    staff = hire_staff(maker)
    communes = make_communes(maker)
    counters = Counters()
    for copy in range(scale):
        projects = make_projects(maker, communes, counters)
        commitments = make_commitments(maker, communes, projects, staff)
        make_meetings(maker, communes, projects, commitments, staff)
        make_exchanges(maker, communes, projects, commitments, staff)
        make_stakes(maker, communes, projects)
        progress(DRAWING_SHARE * (copy + 1) / scale, _("Preparing the demonstration data"))
    # Demonstration data stays on this laptop: neither its rows nor the deletions of
    # ``replace`` enter the sync's outbox.
    with outside_outbox(session), _bulk_load(session.connection()):
        if replace:
            _clear(session)
        summary = _insert(session, maker, progress)
    progress(1.0, _("Demonstration data written"))
    return summary


def _holds_data(session: Session) -> bool:
    return any(
        session.scalar(select(exists().select_from(table)))
        for table in models.Base.metadata.sorted_tables
    )


def _clear(session: Session) -> None:
    for table in reversed(models.Base.metadata.sorted_tables):
        session.execute(delete(table))
    # The sync's bookkeeping spoke of rows that are gone: forget it, so that a later sync starts
    # afresh and brings the shared data back in full instead of trusting an old cursor.
    for bookkeeping in (OUTBOX, SHADOWS, CONFLICTS, REFUSED, HISTORY):
        session.execute(delete(bookkeeping))
    session.execute(update(SYNC_STATE).where(STATE_ROW).values(cursor=0, last_sync_at=None))


@contextmanager
def _bulk_load(connection: Connection) -> Iterator[None]:
    """Write many rows as a bulk load, as the sync's refresh does: the triggers and the list
    indexes are set aside, then the search index is rebuilt in one pass and the list indexes
    created once, in the same transaction (a failure rolls all of it back)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    drop_search_triggers(connection)
    present = {
        name
        for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index'"
        )
    }
    # Only the indexes the copy has come back: its schema stays the one its migrations made.
    set_aside = [
        (name, statement)
        for name, statement in zip(INTERACTIVE_INDEXES, interactive_index_ddl(), strict=True)
        if name in present
    ]
    for name, _statement in set_aside:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    # The other triggers of the domain tables (the sync's outbox) do nothing while ``applying``
    # is set, yet SQLite still runs each one per row: they too are set aside, and put back
    # from their own SQL.
    domain = [table.name for table in models.Base.metadata.sorted_tables]
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name NOT LIKE 'search_%'"
        f" AND tbl_name IN ({', '.join('?' for _table in domain)})",
        tuple(domain),
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in triggers:
        connection.exec_driver_sql(sql)
    rebuild_search_index(connection)
    for _name, statement in set_aside:
        connection.exec_driver_sql(statement)
    create_search_triggers(connection)


def _insert(session: Session, maker: Maker, progress: Progress) -> DemoSummary:
    rank = {table.name: index for index, table in enumerate(models.Base.metadata.sorted_tables)}
    order = sorted(maker.rows, key=lambda model: rank[model.__tablename__])
    total = sum(len(rows) for rows in maker.rows.values())
    done = 0
    counts: dict[str, int] = {}
    connection = session.connection()
    tables = models.Base.metadata.tables
    for model in order:
        rows = maker.rows[model]
        table = tables[model.__tablename__]
        for start in range(0, len(rows), BATCH_ROWS):
            batch = rows[start : start + BATCH_ROWS]
            _write(connection, table, batch)
            done += len(batch)
            fraction = DRAWING_SHARE + (1 - DRAWING_SHARE) * done / total
            progress(min(fraction, 0.99), _("Writing the demonstration data"))
        counts[model.__tablename__] = len(rows)
    return DemoSummary(counts)


def _write(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """One ``executemany`` of plain tuples: the values converted as SQLAlchemy would (its
    dialect's bind processors), and the columns left out given their scalar defaults.

    Core's ``insert()`` builds a parameter dictionary per row, which costs as much as SQLite's
    own work; a table whose defaults are not plain values goes through it still.
    """
    dialect = connection.dialect
    keys = list(rows[0])
    defaults = {
        column.key: column.default.arg  # type: ignore[attr-defined]
        for column in table.columns
        if column.key not in rows[0] and column.default is not None
    }
    if dialect.paramstyle != "qmark" or any(
        not table.c[key].default.is_scalar  # type: ignore[union-attr]
        for key in defaults
    ):
        connection.execute(insert(table), list(rows))
        return
    names = [*keys, *defaults]
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    fixed = [defaults[name] for name in defaults]
    values = [
        tuple(
            value if process is None else process(value)
            for value, process in zip(
                [*(row[key] for key in keys), *fixed], processors, strict=True
            )
        )
        for row in rows
    ]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"VALUES ({', '.join('?' for _name in names)})"
    )
    connection.exec_driver_sql(sql, values)
