"""The shared database: its set-up, its users, and the three things a laptop asks of it —
take my changes, give me the changes since N, give me everything I may see.

Change numbers are drawn while holding one lock until commit, so their order is the order of
commits: a laptop that read up to N can never later find a change below N it had not seen.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

from sitiv_desktop.errors import ExternalError, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.database import Database, make_engine
from sitiv_desktop.store.migration import upgrade
from sitiv_desktop.sync import scope
from sitiv_desktop.sync.rows import SYNCED_TABLES, Row, decode, dumps, encode, loads, table_of

ROLES = ("elu", "liaison", "secretariat", "admin")
WRITING_ROLES = ("liaison", "admin")
_LOCK_KEY = 72_430_001


@dataclass(frozen=True)
class Change:
    """One row's change as a laptop sends it: the fields it changed and what it based them on."""

    change_id: str
    table: str
    row_id: str
    op: str  # "upsert" or "delete"
    fields: Row = field(default_factory=dict)
    base: Row | None = None


@dataclass(frozen=True)
class Outcome:
    """What the server made of one change."""

    change_id: str
    status: str  # "applied", "duplicate", "conflict", "refused"
    theirs: Row | None = None
    conflicting: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class ServerChange:
    seq: int
    table: str
    row_id: str
    op: str
    data: Row
    old: Row
    author: str
    committed_at: dt.datetime
    commune_ids: str


def unreachable(error: Exception) -> ExternalError:
    detail = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error) else ""
    if "password authentication failed" in detail or "authentication failed" in detail:
        return ExternalError(
            _("The shared database refused the user name or password; check them and try again.")
        )
    return ExternalError(
        _(
            "The shared database cannot be reached ({detail}). Your local copy is unchanged; "
            "try again when connected."
        ).format(detail=detail)
    )


# --- administration ------------------------------------------------------------------------------


def init_server(url: str) -> None:
    """Create or upgrade the shared database's schema, change log, grants and security."""
    database = Database.open(url)
    try:
        upgrade(database, role="server")
    except (OperationalError, DBAPIError) as error:
        raise unreachable(error) from error
    finally:
        database.dispose()


def add_user(url: str, name: str, password: str | None) -> None:
    """A person who may sync; in PostgreSQL, a login role of their own that owns nothing."""
    if not name.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise UserError(_("User name: letters, digits, dots, dashes and underscores only."), "name")
    database = Database.open(url)
    try:
        if database.engine.dialect.name != "postgresql":
            return
        if not password:
            raise UserError(_("Password: a PostgreSQL user needs one."), "password")
        with database.engine.begin() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}
            )
            quoted = connection.dialect.identifier_preparer.quote(name)
            literal = password.replace("'", "''")
            verb = "ALTER" if exists else "CREATE"
            connection.exec_driver_sql(
                f"{verb} ROLE {quoted} LOGIN PASSWORD '{literal}'"
                " NOSUPERUSER NOCREATEDB NOCREATEROLE"
            )
            connection.exec_driver_sql(f"GRANT sitiv_member TO {quoted}")
    except (OperationalError, DBAPIError) as error:
        raise unreachable(error) from error
    finally:
        database.dispose()


def grant(url: str, name: str, commune: str, role: str) -> None:
    """Let a user see a commune, and with ``liaison`` or ``admin`` change it."""
    from sitiv_desktop.services.communes import find_commune

    if role not in ROLES:
        raise UserError(_("Role: choose elu, liaison, secretariat or admin."), "role")
    database = Database.open(url)
    try:
        with database.session() as session:
            commune_id = find_commune(session, commune).id
            session.execute(
                delete(GRANTS).where(GRANTS.c.user_name == name, GRANTS.c.commune_id == commune_id)
            )
            session.execute(insert(GRANTS).values(user_name=name, commune_id=commune_id, role=role))
    finally:
        database.dispose()


def revoke(url: str, name: str, commune: str) -> None:
    from sitiv_desktop.services.communes import find_commune

    database = Database.open(url)
    try:
        with database.session() as session:
            commune_id = find_commune(session, commune).id
            session.execute(
                delete(GRANTS).where(GRANTS.c.user_name == name, GRANTS.c.commune_id == commune_id)
            )
    finally:
        database.dispose()


_SYNC_TABLES = MetaData()
GRANTS = Table(
    "sync_grants",
    _SYNC_TABLES,
    Column("user_name", String),
    Column("commune_id", Uuid),
    Column("role", String),
)
CHANGES = Table(
    "sync_changes",
    _SYNC_TABLES,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("change_id", String),
    Column("table_name", String),
    Column("row_id", String),
    Column("op", String),
    Column("data", Text),
    Column("old", Text),
    Column("author", String),
    Column("committed_at", DateTime),
    Column("commune_ids", Text),
)


# --- a user's connection -------------------------------------------------------------------------


class ServerLink:
    """The shared database as one user reaches it."""

    def __init__(self, url: str, user: str, password: str | None = None) -> None:
        parsed = make_url(url)
        self.user = user
        self.is_postgresql = parsed.get_backend_name() == "postgresql"
        if self.is_postgresql:
            parsed = parsed.set(username=user, password=password)
        self.engine: Engine = make_engine(parsed, connect_args=_connect_args(parsed))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _connection(self, isolation: str | None = None) -> Iterator[Connection]:
        try:
            engine = (
                self.engine.execution_options(isolation_level=isolation)
                if isolation
                else self.engine
            )
            if not self.is_postgresql:
                engine = engine.execution_options(sitiv_write=True)
            with engine.begin() as connection:
                yield connection
        except (OperationalError, DBAPIError) as error:
            if isinstance(error, IntegrityError | ProgrammingError):
                raise
            raise unreachable(error) from error

    def grants(self) -> dict[uuid.UUID, str]:
        with self._connection() as connection:
            return self._grants_in(connection)

    # -- push --

    def push(
        self, changes: Sequence[Change], before_commit: Callable[[], None] | None = None
    ) -> list[Outcome]:
        """Apply a batch of changes in one transaction; each gets its outcome.

        ``before_commit`` lets tests hold a transaction open to race others against it.
        """
        with self._connection() as connection:
            if self.is_postgresql:
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            grants = self._grants_in(connection)
            writable = {c for c, role in grants.items() if role in WRITING_ROLES}
            outcomes: list[Outcome] = []
            recorded: list[dict[str, Any]] = []
            for change in changes:
                outcomes.append(self._push_one(connection, change, writable, recorded))
            self._record(connection, recorded)
            if before_commit is not None:
                before_commit()
            return outcomes

    def _grants_in(self, connection: Connection) -> dict[uuid.UUID, str]:
        rows = connection.execute(
            select(GRANTS.c.commune_id, GRANTS.c.role).where(GRANTS.c.user_name == self.user)
        )
        return {commune_id: role for commune_id, role in rows}

    def _push_one(
        self,
        connection: Connection,
        change: Change,
        writable: set[uuid.UUID],
        recorded: list[dict[str, Any]],
    ) -> Outcome:
        known = connection.scalar(
            select(CHANGES.c.seq).where(CHANGES.c.change_id == change.change_id)
        )
        if known is not None or any(r["change_id"] == change.change_id for r in recorded):
            return Outcome(change.change_id, "duplicate")
        savepoint = connection.begin_nested()
        try:
            outcome = self._apply(connection, change, writable, recorded)
        except (IntegrityError, ProgrammingError, DBAPIError) as error:
            savepoint.rollback()
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            return Outcome(change.change_id, "refused", reason=reason)
        if outcome.status == "refused":
            savepoint.rollback()
        else:
            savepoint.commit()
        return outcome

    def _current(self, connection: Connection, table_name: str, row_id: str) -> Row | None:
        table = table_of(table_name)
        row = (
            connection.execute(select(table).where(table.c.id == uuid.UUID(row_id)))
            .mappings()
            .first()
        )
        return encode(table, row) if row is not None else None

    def _allowed(
        self, connection: Connection, change: Change, row: Row | None, writable: set[uuid.UUID]
    ) -> bool:
        if row is None:
            return True
        decoded = decode(table_of(change.table), row)
        communes = scope.row_communes(connection, change.table, decoded)
        if communes & writable:
            return True
        return not communes and bool(writable) and scope.born_unscoped(change.table, decoded)

    def _apply(
        self,
        connection: Connection,
        change: Change,
        writable: set[uuid.UUID],
        recorded: list[dict[str, Any]],
    ) -> Outcome:
        table = table_of(change.table)
        current = self._current(connection, change.table, change.row_id)
        refused = Outcome(change.change_id, "refused", reason=_("no right to change this commune"))
        if not self._allowed(connection, change, current, writable):
            return refused
        if change.op == "delete":
            if current is None:
                return Outcome(change.change_id, "applied")
            base = change.base or {}
            if any(current.get(name) != value for name, value in base.items()):
                return Outcome(change.change_id, "conflict", theirs=current)
            communes = scope.row_communes(connection, change.table, decode(table, current))
            connection.execute(delete(table).where(table.c.id == uuid.UUID(change.row_id)))
            recorded.append(self._entry(change, {}, current, communes))
            return Outcome(change.change_id, "applied")
        if current is None:
            if change.base is not None:
                return Outcome(change.change_id, "conflict", theirs=None)
            connection.execute(insert(table).values(**decode(table, change.fields)))
            after = self._current(connection, change.table, change.row_id)
            if not self._allowed(connection, change, after, writable):
                return refused
            recorded.append(self._entry(change, change.fields, {}, set(), row=after))
            return Outcome(change.change_id, "applied")
        base = change.base or {}
        conflicting = tuple(
            name
            for name, value in change.fields.items()
            if current.get(name) != value and current.get(name) != base.get(name, value)
        )
        applied = {
            name: value
            for name, value in change.fields.items()
            if name not in conflicting and current.get(name) != value
        }
        if applied:
            before = scope.row_communes(connection, change.table, decode(table, current))
            connection.execute(
                update(table)
                .where(table.c.id == uuid.UUID(change.row_id))
                .values(**decode(table, applied))
            )
            after = self._current(connection, change.table, change.row_id)
            if not self._allowed(connection, change, after, writable):
                return refused
            old = {name: current.get(name) for name in applied}
            recorded.append(self._entry(change, applied, old, before, row=after))
        if conflicting:
            theirs = self._current(connection, change.table, change.row_id)
            return Outcome(change.change_id, "conflict", theirs=theirs, conflicting=conflicting)
        return Outcome(change.change_id, "applied")

    def _entry(
        self, change: Change, data: Row, old: Row, communes: set[uuid.UUID], row: Row | None = None
    ) -> dict[str, Any]:
        return {
            "change_id": change.change_id,
            "table_name": change.table,
            "row_id": change.row_id,
            "op": "delete" if change.op == "delete" else ("insert" if not old else "update"),
            "data": data,
            "old": old,
            "communes": communes,
            "row": row,
        }

    def _record(self, connection: Connection, recorded: list[dict[str, Any]]) -> None:
        """Number and log the batch's changes, each labelled with every commune it concerns.

        Communes are read after the whole batch, so that a syndicate project created with its
        participating communes reaches each of them.
        """
        now = connection.scalar(text("SELECT CURRENT_TIMESTAMP"))
        for entry in recorded:
            communes = set(entry["communes"])
            if entry["row"] is not None:
                row = self._current(connection, entry["table_name"], entry["row_id"])
                if row is not None:
                    table = table_of(entry["table_name"])
                    communes |= scope.row_communes(
                        connection, entry["table_name"], decode(table, row)
                    )
            seq = self._next_seq(connection)
            connection.execute(
                insert(CHANGES).values(
                    seq=seq,
                    change_id=entry["change_id"],
                    table_name=entry["table_name"],
                    row_id=entry["row_id"],
                    op=entry["op"],
                    data=dumps(entry["data"]),
                    old=dumps(entry["old"]),
                    author=self.user,
                    committed_at=_naive(now),
                    commune_ids=scope.joined(communes),
                )
            )

    def _next_seq(self, connection: Connection) -> int | None:
        if self.is_postgresql:
            return None  # the database's own trigger numbers, signs and dates the change
        # A SQLite file is written by one transaction at a time: max + 1 is safe there.
        return int(
            connection.scalar(text("SELECT coalesce(max(seq), 0) + 1 FROM sync_changes")) or 1
        )

    # -- pull --

    def pull(
        self, cursor: int, limit: int, communes: set[uuid.UUID]
    ) -> tuple[list[ServerChange], int]:
        """Changes after ``cursor`` that concern the user's communes, in commit order, and the
        number read up to (other communes' changes are passed over, never returned)."""
        with self._connection() as connection:
            rows = connection.execute(
                select(CHANGES).where(CHANGES.c.seq > cursor).order_by(CHANGES.c.seq).limit(limit)
            ).mappings()
            found = []
            reached = cursor
            for row in rows:
                reached = int(row["seq"])
                # PostgreSQL's row-level security already hid the rest; a SQLite file cannot.
                if not self.is_postgresql and not (scope.parsed(row["commune_ids"]) & communes):
                    continue
                found.append(
                    ServerChange(
                        seq=int(row["seq"]),
                        table=row["table_name"],
                        row_id=row["row_id"],
                        op=row["op"],
                        data=loads(row["data"]),
                        old=loads(row["old"]),
                        author=row["author"],
                        committed_at=row["committed_at"],
                        commune_ids=row["commune_ids"],
                    )
                )
            return found, reached

    def snapshot(self, communes: set[uuid.UUID]) -> tuple[dict[str, list[Row]], int]:
        """Every row the user may see, and the change number the picture is exact at."""
        isolation = "REPEATABLE READ" if self.is_postgresql else None
        with self._connection(isolation) as connection:
            cursor = int(
                connection.scalar(text("SELECT coalesce(max(seq), 0) FROM sync_changes")) or 0
            )
            rows: dict[str, list[Row]] = {}
            for name in SYNCED_TABLES:
                table = table_of(name)
                result = connection.execute(select(table)).mappings()
                if self.is_postgresql:
                    rows[name] = [encode(table, row) for row in result]
                else:
                    rows[name] = [
                        encode(table, row)
                        for row in result
                        if scope.row_communes(connection, name, dict(row)) & communes
                    ]
            return rows, cursor


def _naive(moment: Any) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return (
            moment.replace(tzinfo=None)
            if moment.tzinfo is None
            else moment.astimezone(dt.UTC).replace(tzinfo=None)
        )
    return dt.datetime.fromisoformat(str(moment))


def _connect_args(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "postgresql":
        return {"connect_timeout": 10}
    return {}
