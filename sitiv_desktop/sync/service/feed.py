"""What a user receives: the changes since their cursor, and the picture of their whole scope.

The log is indexed per commune, so a user's pull reads only the entries of their communes, and
their cursor moves past everyone else's: a no-op sync costs the same after a million changes of
other communes. The cursor never passes the counter as committed, so an entry committed late is
never skipped (numbers are drawn in commit order, see ``merge``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Select,
    Table,
    Text,
    Uuid,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from sitiv_desktop.sync.protocol import LogOp, ServerChange
from sitiv_desktop.sync.rows import SYNCED_TABLES, Row, encode, loads, table_of
from sitiv_desktop.sync.service import scope
from sitiv_desktop.sync.service.backend import Backend
from sitiv_desktop.sync.service.scope import Rights
from sitiv_desktop.sync.service.tables import CHANGE_COMMUNES, CHANGES, COUNTER


def committed(connection: Connection) -> int:
    return int(connection.scalar(select(COUNTER.c.last_seq).where(COUNTER.c.id == 1)) or 0)


def _mine(rights: Rights) -> Any:
    return scope.within(CHANGE_COMMUNES.c.commune_id, rights.granted)


def has_changes(backend: Backend, rights: Rights, cursor: int) -> bool:
    with backend.transaction(rights.name) as connection:
        return has_changes_in(connection, rights, cursor)


def has_changes_in(connection: Connection, rights: Rights, cursor: int) -> bool:
    found = select(literal(1)).where(_mine(rights), CHANGE_COMMUNES.c.seq > cursor)
    return connection.scalar(select(exists(found))) is True


def pull(
    backend: Backend, rights: Rights, cursor: int, limit: int
) -> tuple[list[ServerChange], int]:
    """The user's changes after ``cursor`` in commit order, and the number read up to."""
    with backend.transaction(rights.name) as connection:
        return pull_in(connection, rights, cursor, limit)


def pull_in(
    connection: Connection, rights: Rights, cursor: int, limit: int
) -> tuple[list[ServerChange], int]:
    """``pull`` in a transaction serving the user (see ``Backend.serve``)."""
    # Read first: every entry at or below it is committed, whatever commits meanwhile.
    top = committed(connection)
    numbers = list(
        connection.scalars(
            select(CHANGE_COMMUNES.c.seq)
            .where(_mine(rights), CHANGE_COMMUNES.c.seq > cursor, CHANGE_COMMUNES.c.seq <= top)
            .distinct()
            .order_by(CHANGE_COMMUNES.c.seq)
            .limit(limit)
        )
    )
    reached = numbers[-1] if len(numbers) == limit else max(top, cursor)
    if not numbers:
        return [], reached
    rows = connection.execute(
        select(CHANGES).where(CHANGES.c.seq.in_(numbers)).order_by(CHANGES.c.seq)
    ).mappings()
    changes = [_shown(connection, rights, row) for row in rows]
    return [change for change in changes if change is not None], reached


def _shown(connection: Connection, rights: Rights, row: Any) -> ServerChange | None:
    table = str(row["table_name"])
    data: Row = loads(row["data"])
    old: Row = loads(row["old"])
    if table == "stake_projects" and row["op"] != str(LogOp.DELETE):
        project = data.get("project_id")
        if project and not scope.is_visible(connection, rights, "projects", uuid.UUID(project)):
            return None
    return ServerChange(
        seq=int(row["seq"]),
        table=table,
        row_id=str(row["row_id"]),
        op=LogOp(row["op"]),
        data=scope.masked(connection, rights, table, data) or {},
        old=scope.masked(connection, rights, table, old) or {},
        author=str(row["author"]),
        committed_at=row["committed_at"],
        commune_ids=str(row["commune_ids"]),
        reshapes=bool(row["reshapes"]),
    )


def snapshot_cursor(backend: Backend, rights: Rights) -> int:
    """Where a laptop's pull resumes once it has read every page of its scope."""
    with backend.transaction(rights.name) as connection:
        return committed(connection)


@dataclass(frozen=True)
class SnapshotPage:
    """One page of one table of a scope: its column names, its rows as one JSON array of arrays
    (the values as ``rows.encode`` writes them), how many, and the last row's id."""

    columns: list[str]
    rows_json: str
    count: int
    last_id: str | None


def snapshot_page(
    backend: Backend, rights: Rights, table_name: str, after: str | None, limit: int
) -> SnapshotPage:
    """One page of one table of the user's scope, by id.

    On PostgreSQL the database writes the page's JSON itself: a first sync then costs no Python
    work per row on the service, which is most of what a first sync of a large scope does.
    """
    with backend.transaction(rights.name) as connection:
        return snapshot_page_in(connection, rights, table_name, after, limit)


def snapshot_page_in(
    connection: Connection, rights: Rights, table_name: str, after: str | None, limit: int
) -> SnapshotPage:
    """``snapshot_page`` in a transaction serving the user (see ``Backend.serve``)."""
    if table_name not in SYNCED_TABLES:
        raise KeyError(table_name)
    table = table_of(table_name)
    postgresql = connection.dialect.name == "postgresql"
    query: Select[Any]
    if postgresql:
        # Row-level security confines the read; stating the filter again would make PostgreSQL
        # join the whole scope before it can stop at the page's last row.
        query = scope.read_under_row_security(table).order_by(table.c.id).limit(limit)
    else:
        columns: list[Any] = scope.masked_columns(rights, table)
        query = (
            select(*columns)
            .where(scope.row_filter(rights, table_name))
            .order_by(table.c.id)
            .limit(limit)
        )
    if after:
        query = query.where(table.c.id > uuid.UUID(after))
    names = [column.name for column in table.columns]
    if postgresql:
        rows_json, count, last_id = _page_written_by_postgresql(connection, table, query)
    else:
        rows_json, count, last_id = _page_written_here(connection, table, query, names)
    return SnapshotPage(names, rows_json, count, last_id)


def _page_written_here(
    connection: Connection, table: Table, query: Select[Any], names: list[str]
) -> tuple[str, int, str | None]:
    rows = [encode(table, row) for row in connection.execute(query).mappings()]
    arrays = [[row[name] for name in names] for row in rows]
    last_id = arrays[-1][0] if arrays else None
    return json.dumps(arrays, ensure_ascii=False), len(arrays), last_id


def _page_written_by_postgresql(
    connection: Connection, table: Table, query: Select[Any]
) -> tuple[str, int, str | None]:
    page = query.subquery("page")
    cells = [_as_json_value(page.c[column.name], column.type) for column in table.columns]
    ordered = aggregate_order_by(func.json_build_array(*cells), page.c.id)
    written = select(
        cast(func.coalesce(func.json_agg(ordered), text("'[]'::json")), Text),
        func.count(),
        # uuid has no max(); its text in the C collation sorts as the uuid does.
        func.replace(func.max(cast(page.c.id, Text).collate("C")), "-", ""),
    )
    rows_json, count, last_id = connection.execute(written).one()
    return str(rows_json), int(count), last_id


def _as_json_value(value: Any, kind: Any) -> Any:
    """The column as ``rows.encode`` writes it: identifiers as 32 hexadecimal digits, moments
    in ISO form with microseconds only when there are some (as Python's ``isoformat``)."""
    if isinstance(kind, Uuid):
        return func.replace(cast(value, Text), "-", "")
    if isinstance(kind, DateTime):
        whole = func.to_char(value, 'YYYY-MM-DD"T"HH24:MI:SS')
        fraction = case(
            (func.date_trunc("second", value) == value, literal("")),
            else_=func.to_char(value, ".US"),
        )
        return case((value.is_(None), null()), else_=whole + fraction)
    return value
