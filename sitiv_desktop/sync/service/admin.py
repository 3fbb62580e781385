"""Setting up the service's database and running the syndicate: users and their grants.

These run as the database's owner (``server init``, ``server add-user`` …) on the machine of the
service; the service itself connects as a role of its own that owns nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from sitiv_desktop.store.migration import upgrade
from sitiv_desktop.sync.service.accounts import hash_password
from sitiv_desktop.sync.service.backend import Backend, unreachable
from sitiv_desktop.sync.service.scope import ROLES
from sitiv_desktop.sync.service.tables import GRANTS, TOKENS, USERS

_USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class Grant:
    commune: str
    insee_code: str
    role: str


@dataclass(frozen=True)
class Account:
    name: str
    disabled: bool
    grants: tuple[Grant, ...]


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


# --- users ---------------------------------------------------------------------------------------


def _admin_backend(url: str) -> Backend:
    return Backend(url)


def _user_id(connection: Connection, name: str) -> uuid.UUID:
    found: uuid.UUID | None = connection.scalar(select(USERS.c.id).where(USERS.c.name == name))
    if found is None:
        raise NotFound(_("No user is called « {name} ».").format(name=name))
    return found


def _check_password(password: str | None) -> str:
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            _("Password: at least {count} characters.").format(count=MIN_PASSWORD_LENGTH),
            "password",
        )
    return password


def add_user(url: str, name: str, password: str | None) -> bool:
    """Create a user, or set the password of an existing one; True when created."""
    if not _USER_NAME.match(name):
        raise UserError(_("User name: letters, digits, dots, dashes and underscores only."), "name")
    hashed = hash_password(_check_password(password))
    backend = _admin_backend(url)
    try:
        with backend.transaction(None, all_rows=True, write=True) as connection:
            found = connection.scalar(select(USERS.c.id).where(USERS.c.name == name))
            if found is not None:
                connection.execute(
                    update(USERS)
                    .where(USERS.c.id == found)
                    .values(password_hash=hashed, failed_logins=0, last_failed_at=None)
                )
                connection.execute(delete(TOKENS).where(TOKENS.c.user_id == found))
                return False
            connection.execute(
                insert(USERS).values(
                    id=uuid.uuid4(),
                    name=name,
                    password_hash=hashed,
                    disabled=False,
                    failed_logins=0,
                    created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                )
            )
            return True
    finally:
        backend.dispose()


def set_disabled(url: str, name: str, disabled: bool = True) -> None:
    """A person who leaves: they can no longer connect, and their tokens stop working."""
    backend = _admin_backend(url)
    try:
        with backend.transaction(None, all_rows=True, write=True) as connection:
            user_id = _user_id(connection, name)
            connection.execute(update(USERS).where(USERS.c.id == user_id).values(disabled=disabled))
            if disabled:
                connection.execute(delete(TOKENS).where(TOKENS.c.user_id == user_id))
    finally:
        backend.dispose()


def _commune(connection: Connection, text_given: str) -> tuple[uuid.UUID, str]:
    """A commune by its name or INSEE code, as the administrator types it."""
    wanted = text_given.strip()
    rows = connection.execute(
        select(models.Commune.id, models.Commune.name, models.Commune.insee_code)
    ).all()
    for commune_id, name, insee in rows:
        if wanted == insee or wanted.casefold() == name.casefold():
            return commune_id, name
    raise NotFound(_("No commune is called « {name} ».").format(name=wanted))


def grant(url: str, name: str, commune: str, role: str) -> str:
    """Let a user see a commune, and with ``liaison`` or ``admin`` change it; returns the
    commune's name."""
    if role not in ROLES:
        raise UserError(_("Role: choose elu, liaison, secretariat or admin."), "role")
    backend = _admin_backend(url)
    try:
        with backend.transaction(None, all_rows=True, write=True) as connection:
            user_id = _user_id(connection, name)
            commune_id, commune_name = _commune(connection, commune)
            connection.execute(
                delete(GRANTS).where(GRANTS.c.user_id == user_id, GRANTS.c.commune_id == commune_id)
            )
            connection.execute(
                insert(GRANTS).values(user_id=user_id, commune_id=commune_id, role=role)
            )
            return commune_name
    finally:
        backend.dispose()


def revoke(url: str, name: str, commune: str) -> str:
    backend = _admin_backend(url)
    try:
        with backend.transaction(None, all_rows=True, write=True) as connection:
            user_id = _user_id(connection, name)
            commune_id, commune_name = _commune(connection, commune)
            removed = connection.execute(
                delete(GRANTS).where(GRANTS.c.user_id == user_id, GRANTS.c.commune_id == commune_id)
            ).rowcount
            if not removed:
                raise NotFound(
                    _("{name} has no grant on {commune}.").format(name=name, commune=commune_name)
                )
            return commune_name
    finally:
        backend.dispose()


def accounts(url: str) -> list[Account]:
    backend = _admin_backend(url)
    try:
        with backend.transaction(None, all_rows=True) as connection:
            users = connection.execute(
                select(USERS.c.id, USERS.c.name, USERS.c.disabled).order_by(USERS.c.name)
            ).all()
            grants = connection.execute(
                select(
                    GRANTS.c.user_id, models.Commune.name, models.Commune.insee_code, GRANTS.c.role
                )
                .join(models.Commune, models.Commune.id == GRANTS.c.commune_id)
                .order_by(models.Commune.name)
            ).all()
    finally:
        backend.dispose()
    by_user: dict[uuid.UUID, list[Grant]] = {}
    for user_id, commune, insee, role in grants:
        by_user.setdefault(user_id, []).append(Grant(commune, insee, role))
    return [
        Account(name, bool(disabled), tuple(by_user.get(user_id, [])))
        for user_id, name, disabled in users
    ]


# --- communes ------------------------------------------------------------------------------------

ADMINISTRATOR = "administration"


def add_commune(
    url: str,
    name: str,
    insee_code: str,
    population: int = 0,
    metropole: str = "other",
    joined_on: dt.date | None = None,
) -> str:
    """A member commune on the service; returns its name as stored."""
    from sitiv_desktop.sync.rows import encode, table_of
    from sitiv_desktop.sync.service.merge import record_insert

    cleaned = name.strip()
    _check_commune(name, insee_code, population)
    backend = _admin_backend(url)
    try:
        with backend.transaction(None, all_rows=True, write=True) as connection:
            for existing in connection.scalars(select(models.Commune.name)):
                if existing.casefold() == cleaned.casefold():
                    raise UserError(
                        _("Name: a commune is already called « {name} ».").format(name=existing),
                        "name",
                    )
            taken = connection.scalar(
                select(models.Commune.name).where(models.Commune.insee_code == insee_code.strip())
            )
            if taken is not None:
                raise UserError(
                    _("INSEE code: {commune} already has {code}.").format(
                        commune=taken, code=insee_code
                    ),
                    "insee_code",
                )
            commune_id = uuid.uuid4()
            table = table_of("communes")
            connection.execute(
                insert(table).values(
                    id=commune_id,
                    name=cleaned,
                    insee_code=insee_code.strip(),
                    population=population,
                    departement="",
                    metropole=metropole,
                    mayor="",
                    joined_on=joined_on,
                    note="",
                )
            )
            row = connection.execute(select(table).where(table.c.id == commune_id)).mappings().one()
            last = record_insert(connection, ADMINISTRATOR, "communes", encode(table, row))
        if last is not None:
            backend.announce(last)
        return cleaned
    finally:
        backend.dispose()


INTERCOMMUNALITIES = {
    "metropole de lyon": "lyon",
    "saint-etienne metropole": "saint_etienne",
    "": "other",
}


def metropole_code(text_given: str) -> str:
    from sitiv_desktop.services.text import fold

    code = INTERCOMMUNALITIES.get(fold(text_given).strip())
    if code is None:
        raise UserError(
            _(
                "Intercommunality: « {value} » is neither Métropole de Lyon nor "
                "Saint-Étienne Métropole."
            ).format(value=text_given),
            "intercommunalite",
        )
    return code


@dataclass(frozen=True)
class CommuneRow:
    line: int
    name: str
    insee_code: str
    population: int
    metropole: str
    joined_on: dt.date | None


def read_communes(path: str) -> list[CommuneRow]:
    """The communes of a CSV (comma or semicolon) or xlsx file with the columns of the
    syndicate's list: name, insee_code, intercommunalite, population_2018, member_since."""
    from pathlib import Path

    from sitiv_desktop.errors import ExternalError

    file = Path(path)
    try:
        if file.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(file, read_only=True, data_only=True)
            sheet = book.active
            table = [
                ["" if v is None else str(v) for v in row]
                for row in (sheet.iter_rows(values_only=True) if sheet is not None else [])
            ]
            book.close()
        else:
            import csv

            content = file.read_text("utf-8-sig")
            dialect = csv.Sniffer().sniff(content.splitlines()[0], delimiters=",;")
            table = list(csv.reader(content.splitlines(), dialect))
    except (OSError, UnicodeError, ValueError) as error:
        raise ExternalError(
            _("The file {path} cannot be read as a list of communes.").format(path=path)
        ) from error
    if not table:
        raise UserError(_("The file {path} is empty.").format(path=path))
    headers = [h.strip().lower() for h in table[0]]

    def column(*names: str) -> int | None:
        return next((headers.index(n) for n in names if n in headers), None)

    name_at, insee_at = column("name", "nom"), column("insee_code", "code insee", "insee")
    if name_at is None or insee_at is None:
        raise UserError(_("The file needs the columns name and insee_code."))
    population_at = column("population_2018", "population")
    metropole_at = column("intercommunalite", "intercommunalité")
    since_at = column("member_since", "membre depuis")
    found = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(at: int | None, cells: list[str] = cells) -> str:
            return cells[at].strip() if at is not None and at < len(cells) else ""

        population, since = cell(population_at), cell(since_at)
        if population and not population.isdigit():
            raise UserError(
                _("Line {line}: the population « {value} » is not a whole number.").format(
                    line=line, value=population
                )
            )
        if since and not (since.isdigit() and 1900 <= int(since) <= 2100):
            raise UserError(
                _("Line {line}: « {value} » is not a year of membership.").format(
                    line=line, value=since
                )
            )
        found.append(
            CommuneRow(
                line,
                cell(name_at),
                cell(insee_at),
                int(population or 0),
                metropole_code(cell(metropole_at)),
                dt.date(int(since), 1, 1) if since else None,
            )
        )
    return found


def import_communes(url: str, path: str) -> tuple[int, int]:
    """Add the communes of a file that the service does not hold yet (by INSEE code); returns
    how many were added and how many were already there. Nothing is added if a line is wrong."""
    rows = read_communes(path)
    backend = _admin_backend(url)
    try:
        with backend.transaction(None, all_rows=True) as connection:
            known = set(connection.scalars(select(models.Commune.insee_code)))
    finally:
        backend.dispose()
    fresh = [row for row in rows if row.insee_code not in known]
    seen: dict[str, int] = {}
    for row in fresh:
        try:
            _check_commune(row.name, row.insee_code, row.population)
        except UserError as error:
            raise UserError(
                _("Line {line}: {problem}").format(line=row.line, problem=error.message)
            ) from error
        for value in (row.insee_code, row.name.casefold()):
            if value in seen:
                raise UserError(
                    _("Line {line}: « {value} » is already on line {other}.").format(
                        line=row.line, value=value, other=seen[value]
                    )
                )
            seen[value] = row.line
    for row in fresh:
        add_commune(url, row.name, row.insee_code, row.population, row.metropole, row.joined_on)
    return len(fresh), len(rows) - len(fresh)


def _check_commune(name: str, insee_code: str, population: int) -> None:
    if not name.strip():
        raise UserError(_("Name: this field is required."), "name")
    if not re.fullmatch(r"\d[\dAB]\d{3}", insee_code.strip()):
        raise UserError(_("INSEE code: five characters, such as 69259."), "insee_code")
    if population < 0:
        raise UserError(_("Population: cannot be negative."), "population")
