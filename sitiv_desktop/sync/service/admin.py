"""Setting up the service's database and running the syndicate from the command line.

These run as the database's owner (``server init``, ``server add-user`` …) on the machine of the
service; the service itself connects as a role of its own that owns nothing. The acts themselves
are ``acts.Administration``'s; the communes file is read by ``commune_file``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.text import fold
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from sitiv_desktop.store.migration import upgrade
from sitiv_desktop.sync.service.acts import (
    ADMINISTRATOR,
    MIN_PASSWORD_LENGTH,
    Account,
    Administration,
    CommuneFacts,
    Grant,
    NoRight,
    format_day,
    may_administer,
    require_commune_admin,
    require_syndicate_admin,
)
from sitiv_desktop.sync.service.backend import Backend, unreachable
from sitiv_desktop.sync.service.commune_file import (
    DEPARTEMENT_LENGTH,
    CommuneRow,
    check_commune,
    metropole_code,
    read_communes,
)

__all__ = [
    "MIN_PASSWORD_LENGTH", "Account", "Administration", "CommuneFacts", "CommuneRow", "Grant",
    "NoRight", "format_day", "may_administer", "metropole_code", "read_communes",
    "require_commune_admin", "require_syndicate_admin",
]  # fmt: skip


def service_role_name(url: str) -> str:
    """The PostgreSQL role the service logs in as: one per database, since roles are shared by
    every database of a server."""
    database = make_url(url).database or "sitiv"
    return f"{database}_sync"[:63]


def init_server(url: str, service_password: str | None = None) -> str | None:
    """Create or upgrade the service's database; on PostgreSQL, also the service's own role.

    Returns that role's name on PostgreSQL. Needs the database's owner, with CREATEROLE.
    """
    database = Database.open(url)
    try:
        upgrade(database, role="server")
        if database.engine.dialect.name != "postgresql":
            return None
        role = service_role_name(url)
        with database.engine.begin() as connection:
            _ensure_service_role(connection, role, service_password)
        return role
    except OperationalError as error:
        raise unreachable(error) from error
    finally:
        database.dispose()


def _ensure_service_role(connection: Connection, role: str, password: str | None) -> None:
    quoted = connection.dialect.identifier_preparer.quote(role)
    exists = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if not exists:
        if not password:
            raise UserError(
                _("Service password: set SITIV_SERVICE_PASSWORD for the service's role."),
                "password",
            )
        connection.exec_driver_sql(
            f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
        )
    if password:
        connection.execute(text("SELECT set_config('sitiv.password', :p, true)"), {"p": password})
        connection.execute(
            text(
                f"DO $$ BEGIN EXECUTE format('ALTER ROLE {quoted} PASSWORD %L', "
                "current_setting('sitiv.password')); END $$"
            )
        )
    database = connection.dialect.identifier_preparer.quote(
        str(connection.scalar(text("SELECT current_database()")))
    )
    connection.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {quoted}")
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {quoted}")
    connection.exec_driver_sql(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
    )
    connection.exec_driver_sql(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}")
    connection.exec_driver_sql(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {quoted}")


T = TypeVar("T")


def administer(backend: Backend, work: Callable[[Administration], T], author: str) -> T:
    """Run ``work`` in one transaction; laptops waiting for news hear of what it logged."""
    with backend.transaction(None, all_rows=True, write=True) as connection:
        administration = Administration(connection, author)
        result = work(administration)
    if administration.last is not None:
        backend.announce(administration.last)
    return result


def _at(url: str, work: Callable[[Administration], T]) -> T:
    backend = Backend(url)
    try:
        return administer(backend, work, ADMINISTRATOR)
    finally:
        backend.dispose()


# --- the same acts, from the command line (as the database's owner) ------------------------------


def add_user(url: str, name: str, password: str | None) -> bool:
    """Create a user, or set the password of an existing one; True when created."""
    return _at(url, lambda a: a.add_user(name, password))


def set_disabled(url: str, name: str, disabled: bool = True) -> None:
    """A person who leaves: they can no longer connect, and their tokens stop working."""
    _at(url, lambda a: a.set_disabled(name, disabled))


def grant(url: str, name: str, commune: str, role: str) -> str:
    """Let a user see a commune, and with ``liaison`` or ``admin`` change it; returns the
    commune's name."""
    return _at(url, lambda a: a.grant(name, commune, role))


def revoke(url: str, name: str, commune: str) -> str:
    return _at(url, lambda a: a.revoke(name, commune))


def accounts(url: str) -> list[Account]:
    return _at(url, lambda a: a.accounts())


def add_commune(
    url: str,
    name: str,
    insee_code: str,
    population: int = 0,
    metropole: str = "other",
    joined_on: dt.date | None = None,
) -> str:
    """A member commune on the service; returns its name as stored."""
    return _at(url, lambda a: a.add_commune(name, insee_code, population, metropole, joined_on)[1])


def edit_commune(url: str, commune: str, **changes: Any) -> str:
    return _at(url, lambda a: a.edit_commune(commune, **changes))


def end_membership(url: str, commune: str, on: dt.date) -> str:
    return _at(url, lambda a: a.end_membership(commune, on))


def merge_communes(
    url: str, old: str, into: str, insee_code: str, on: dt.date, population: int | None = None
) -> tuple[str, str]:
    return _at(url, lambda a: a.merge_communes(old, into, insee_code, on, population))


def set_mayor(
    url: str, commune: str, full_name: str, email: str = "", phone: str = ""
) -> tuple[str, str]:
    return _at(url, lambda a: a.set_mayor(commune, full_name, email, phone))


def communes(url: str) -> list[CommuneFacts]:
    return _at(url, lambda a: a.communes())


def import_communes(url: str, path: str) -> tuple[int, int]:
    """Add the communes of a file that the service does not hold yet (by INSEE code); returns
    how many were added and how many were already there. Nothing is added if a line is wrong."""
    rows = read_communes(path)

    def work(administration: Administration) -> tuple[int, int]:
        known = set(administration.connection.scalars(select(models.Commune.insee_code)))
        fresh = [row for row in rows if row.insee_code not in known]
        seen: dict[str, int] = {}
        for row in fresh:
            try:
                check_commune(row.name, row.insee_code, row.population)
                if len(row.departement) > DEPARTEMENT_LENGTH:
                    raise UserError(
                        _("{field}: at most {count} characters.").format(
                            field=_("Département"), count=DEPARTEMENT_LENGTH
                        ),
                        "departement",
                    )
            except UserError as error:
                raise UserError(
                    _("Line {line}: {problem}").format(line=row.line, problem=error.message)
                ) from error
            for value, key in ((row.insee_code, row.insee_code), (row.name, fold(row.name))):
                if key in seen:
                    raise UserError(
                        _("Line {line}: « {value} » is already on line {other}.").format(
                            line=row.line, value=value, other=seen[key]
                        )
                    )
                seen[key] = row.line
        for row in fresh:
            administration.add_commune(
                row.name,
                row.insee_code,
                row.population,
                row.metropole,
                row.joined_on,
                departement=row.departement,
                note=row.note,
            )
        return len(fresh), len(rows) - len(fresh)

    return _at(url, work)
