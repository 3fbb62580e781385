"""Setting up the service's database and running the syndicate: users and their grants.

These run as the database's owner (``server init``, ``server add-user`` …) on the machine of the
service; the service itself connects as a role of its own that owns nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, delete, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _, format_long_date
from sitiv_desktop.services.text import fold
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from sitiv_desktop.store.migration import upgrade
from sitiv_desktop.sync.rows import decode, encode, table_of
from sitiv_desktop.sync.service.accounts import hash_password
from sitiv_desktop.sync.service.backend import Backend, unreachable
from sitiv_desktop.sync.service.merge import record_insert, record_update
from sitiv_desktop.sync.service.scope import ROLES, Rights
from sitiv_desktop.sync.service.tables import GRANTS, TOKENS, USERS

_USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MIN_PASSWORD_LENGTH = 8
MAYOR = "mayor"
DEPARTEMENT_LENGTH = 200


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


# --- who may administer --------------------------------------------------------------------------

ADMINISTRATOR = "administration"


class NoRight(UserError):
    """The person asking does not hold the role ``admin`` where the act needs it."""


def _all_communes(connection: Connection) -> set[uuid.UUID]:
    return set(connection.scalars(select(models.Commune.id)))


def require_syndicate_admin(connection: Connection, rights: Rights) -> None:
    """Users, passwords and new communes concern the whole syndicate: they need the role
    ``admin`` on every commune of the service."""
    if not rights.administered or not _all_communes(connection) <= rights.administered:
        raise NoRight(
            _(
                "Only an administrator of every commune of the syndicate can manage users "
                "and add communes."
            )
        )


def require_commune_admin(rights: Rights, commune_id: uuid.UUID, name: str) -> None:
    if commune_id not in rights.administered:
        raise NoRight(
            _("You are not an administrator of {commune}.").format(commune=name),
        )


def may_administer(rights: Rights) -> bool:
    return bool(rights.administered)


# --- the acts, in one transaction ----------------------------------------------------------------


@dataclass(frozen=True)
class CommuneFacts:
    id: str
    name: str
    insee_code: str
    population: int
    metropole: str
    joined_on: dt.date | None
    left_on: dt.date | None
    note: str
    mayor: str
    departement: str


_EDITABLE = ("name", "insee_code", "population", "metropole", "joined_on", "left_on", "note")


class Administration:
    """The administration's acts on the service's database, in the caller's transaction; every
    change to a synced row is logged like a laptop's, so that laptops receive it."""

    def __init__(self, connection: Connection, author: str = ADMINISTRATOR) -> None:
        self.connection = connection
        self.author = author
        self.last: int | None = None

    def _logged(self, last: int | None) -> None:
        if last is not None:
            self.last = last

    # -- users --

    def user_id(self, name: str) -> uuid.UUID:
        found: uuid.UUID | None = self.connection.scalar(
            select(USERS.c.id).where(USERS.c.name == name)
        )
        if found is None:
            raise NotFound(_("No user is called « {name} ».").format(name=name))
        return found

    def add_user(self, name: str, password: str | None, create: bool = True) -> bool:
        """Create a user, or set the password of an existing one; True when created."""
        if not _USER_NAME.match(name):
            raise UserError(
                _("User name: letters, digits, dots, dashes and underscores only."), "name"
            )
        hashed = hash_password(_check_password(password))
        connection = self.connection
        found = connection.scalar(select(USERS.c.id).where(USERS.c.name == name))
        if found is None and not create:
            raise NotFound(_("No user is called « {name} ».").format(name=name))
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

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        user_id = self.user_id(name)
        self.connection.execute(
            update(USERS).where(USERS.c.id == user_id).values(disabled=disabled)
        )
        if disabled:
            self.connection.execute(delete(TOKENS).where(TOKENS.c.user_id == user_id))

    def grant(self, name: str, commune: str, role: str) -> str:
        if role not in ROLES:
            raise UserError(_("Role: choose elu, liaison, secretariat or admin."), "role")
        user_id = self.user_id(name)
        commune_id, commune_name = self.commune(commune)
        self.connection.execute(
            delete(GRANTS).where(GRANTS.c.user_id == user_id, GRANTS.c.commune_id == commune_id)
        )
        self.connection.execute(
            insert(GRANTS).values(user_id=user_id, commune_id=commune_id, role=role)
        )
        return commune_name

    def revoke(self, name: str, commune: str) -> str:
        user_id = self.user_id(name)
        commune_id, commune_name = self.commune(commune)
        removed = self.connection.execute(
            delete(GRANTS).where(GRANTS.c.user_id == user_id, GRANTS.c.commune_id == commune_id)
        ).rowcount
        if not removed:
            raise NotFound(
                _("{name} has no grant on {commune}.").format(name=name, commune=commune_name)
            )
        return commune_name

    def accounts(self) -> list[Account]:
        users = self.connection.execute(
            select(USERS.c.id, USERS.c.name, USERS.c.disabled).order_by(USERS.c.name)
        ).all()
        grants = self.connection.execute(
            select(GRANTS.c.user_id, models.Commune.name, models.Commune.insee_code, GRANTS.c.role)
            .join(models.Commune, models.Commune.id == GRANTS.c.commune_id)
            .order_by(models.Commune.name)
        ).all()
        by_user: dict[uuid.UUID, list[Grant]] = {}
        for user_id, commune, insee, role in grants:
            by_user.setdefault(user_id, []).append(Grant(commune, insee, role))
        return [
            Account(name, bool(disabled), tuple(by_user.get(user_id, [])))
            for user_id, name, disabled in users
        ]

    # -- communes --

    def commune(self, text_given: str) -> tuple[uuid.UUID, str]:
        """A commune by its name, INSEE code or identifier, as the administrator gives it."""
        wanted = text_given.strip()
        # The communes are few (a syndicate's members): they are compared here, folded in
        # Python, the same on SQLite and PostgreSQL, with no extension needed on the server.
        rows = self.connection.execute(
            select(models.Commune.id, models.Commune.name, models.Commune.insee_code)
        ).all()
        for commune_id, name, insee in rows:
            if wanted in (insee, commune_id.hex):
                return commune_id, name
        key = fold(wanted)
        named = sorted((row for row in rows if fold(row[1]) == key), key=lambda row: row[1])
        if len(named) > 1:
            raise UserError(
                _("« {name} » could be {communes}: name it by its INSEE code.").format(
                    name=wanted,
                    communes=_(" or ").join(f"{name} ({insee})" for _id, name, insee in named),
                ),
                "commune",
            )
        if named:
            return named[0][0], named[0][1]
        raise NotFound(_("No commune is called « {name} ».").format(name=wanted))

    def _name_free(self, name: str, but: uuid.UUID | None = None) -> None:
        """No two communes whose names differ only by case or accents: they could not be told
        apart when named."""
        for commune_id, existing in self.connection.execute(
            select(models.Commune.id, models.Commune.name)
        ):
            if commune_id != but and fold(existing) == fold(name):
                raise UserError(
                    _("Name: a commune is already called « {name} ».").format(name=existing),
                    "name",
                )

    def communes(self) -> list[CommuneFacts]:
        table = table_of("communes")
        mayors: dict[uuid.UUID, list[str]] = {}
        for commune_id, full_name in self.connection.execute(
            select(models.Contact.commune_id, models.Contact.full_name)
            .where(models.Contact.role == MAYOR)
            .order_by(models.Contact.full_name)
        ):
            mayors.setdefault(commune_id, []).append(full_name)
        rows = self.connection.execute(select(table).order_by(table.c.name)).mappings().all()
        return [
            CommuneFacts(
                row["id"].hex,
                row["name"],
                row["insee_code"],
                row["population"],
                row["metropole"],
                row["joined_on"],
                row["left_on"],
                row["note"],
                ", ".join(mayors.get(row["id"], [])),
                row["departement"],
            )
            for row in rows
        ]

    def _insee_free(self, insee_code: str, but: uuid.UUID | None = None) -> None:
        taken = self.connection.scalar(
            select(models.Commune.name).where(
                models.Commune.insee_code == insee_code,
                models.Commune.id != (but or uuid.UUID(int=0)),
            )
        )
        if taken is not None:
            raise UserError(
                _("INSEE code: {commune} already has {code}.").format(
                    commune=taken, code=insee_code
                ),
                "insee_code",
            )

    def add_commune(
        self,
        name: str,
        insee_code: str,
        population: int = 0,
        metropole: str = "other",
        joined_on: dt.date | None = None,
        *,
        departement: str = "",
        note: str = "",
    ) -> tuple[uuid.UUID, str]:
        """A member commune on the service; returns its identifier and its name as stored."""
        cleaned, code = name.strip(), insee_code.strip()
        _check_commune(cleaned, code, population)
        self._insee_free(code)
        self._name_free(cleaned)
        commune_id = uuid.uuid4()
        table = table_of("communes")
        self.connection.execute(
            insert(table).values(
                id=commune_id,
                name=cleaned,
                insee_code=code,
                population=population,
                departement=departement.strip(),
                metropole=metropole,
                mayor="",
                joined_on=joined_on,
                left_on=None,
                note=note.strip(),
            )
        )
        row = self.connection.execute(select(table).where(table.c.id == commune_id)).mappings()
        self._logged(
            record_insert(self.connection, self.author, "communes", encode(table, row.one()))
        )
        return commune_id, cleaned

    def edit_commune(self, commune: str, **changes: Any) -> str:
        """Change some of a commune's name, INSEE code, population, intercommunality, dates of
        membership and note; returns its name (the new one when renamed)."""
        unknown = set(changes) - set(_EDITABLE)
        if unknown:
            raise KeyError(unknown)
        commune_id, _name = self.commune(commune)
        table = table_of("communes")
        current = encode(
            table,
            self.connection.execute(select(table).where(table.c.id == commune_id)).mappings().one(),
        )
        wanted: dict[str, Any] = {}
        for field, value in changes.items():
            if value is None and field not in ("joined_on", "left_on"):
                continue
            if isinstance(value, str):
                value = value.strip()
            if isinstance(value, dt.date):
                value = value.isoformat()
            wanted[field] = value
        merged = {**current, **wanted}
        _check_commune(merged["name"], merged["insee_code"], merged["population"])
        if merged["metropole"] not in INTERCOMMUNALITIES.values():
            raise UserError(_("Intercommunality: unknown code."), "intercommunalite")
        if merged["left_on"] and merged["joined_on"] and merged["left_on"] < merged["joined_on"]:
            raise UserError(
                _("End of membership: {commune} cannot leave before it joined.").format(
                    commune=current["name"]
                ),
                "left_on",
            )
        if "insee_code" in wanted:
            self._insee_free(merged["insee_code"], but=commune_id)
        if "name" in wanted:
            self._name_free(merged["name"], but=commune_id)
        applied = {field: value for field, value in wanted.items() if current[field] != value}
        if applied:
            self.connection.execute(
                update(table).where(table.c.id == commune_id).values(**decode(table, applied))
            )
            self._logged(
                record_update(
                    self.connection,
                    self.author,
                    "communes",
                    commune_id.hex,
                    applied,
                    {field: current[field] for field in applied},
                )
            )
        return str(merged["name"])

    def end_membership(self, commune: str, on: dt.date) -> str:
        """The commune leaves the syndicate on that day; its records and history stay."""
        return self.edit_commune(commune, left_on=on)

    def merge_communes(
        self, old: str, into: str, insee_code: str, on: dt.date, population: int | None = None
    ) -> tuple[str, str]:
        """A merger of a member commune into a new commune (Pierre-Bénite into
        Oullins-Pierre-Bénite on 1 January 2024): the commune is renamed in place and takes the
        new INSEE code, so that its projects, commitments, exchanges, grants and history carry
        over; its old name and code stay in its note and in the change log. Returns the old
        and the new names."""
        commune_id, old_name = self.commune(old)
        table = table_of("communes")
        row = self.connection.execute(select(table).where(table.c.id == commune_id)).mappings()
        current = row.one()
        formerly = _("{old} (INSEE {code}) merged into {new} on {date}.").format(
            old=old_name,
            code=current["insee_code"],
            new=into.strip(),
            date=format_day(on),
        )
        note = f"{current['note'].rstrip()}\n{formerly}".strip()
        new_name = self.edit_commune(
            commune_id.hex, name=into, insee_code=insee_code, note=note, population=population
        )
        return old_name, new_name

    def set_mayor(
        self, commune: str, full_name: str, email: str = "", phone: str = ""
    ) -> tuple[str, str]:
        """The commune's mayor is its contact with the role mayor: that contact takes the new
        person (its e-mail and phone, which were the former mayor's, are replaced), or one is
        added. Returns the commune's name and the former mayor's (empty if none)."""
        commune_id, commune_name = self.commune(commune)
        person = full_name.strip()
        if not person:
            raise UserError(_("Mayor: give the mayor's full name."), "mayor")
        table = table_of("contacts")
        found = (
            self.connection.execute(
                select(table)
                .where(table.c.commune_id == commune_id, table.c.role == MAYOR)
                .order_by(table.c.full_name)
            )
            .mappings()
            .all()
        )
        new = {"full_name": person, "email": email.strip(), "phone": phone.strip()}
        if not found:
            contact_id = uuid.uuid4()
            self.connection.execute(
                insert(table).values(
                    id=contact_id, commune_id=commune_id, role=MAYOR, title=_("Mayor"), **new
                )
            )
            row = self.connection.execute(select(table).where(table.c.id == contact_id))
            self._logged(
                record_insert(
                    self.connection, self.author, "contacts", encode(table, row.mappings().one())
                )
            )
            return commune_name, ""
        current = encode(table, found[0])
        applied = {field: value for field, value in new.items() if current[field] != value}
        if applied:
            self.connection.execute(
                update(table).where(table.c.id == found[0]["id"]).values(**applied)
            )
            self._logged(
                record_update(
                    self.connection,
                    self.author,
                    "contacts",
                    current["id"],
                    applied,
                    {field: current[field] for field in applied},
                )
            )
        return commune_name, str(current["full_name"])


def format_day(day: dt.date) -> str:
    """« 1er janvier 2024 », as the packs write it."""
    return format_long_date(day)


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


def _check_password(password: str | None) -> str:
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            _("Password: at least {count} characters.").format(count=MIN_PASSWORD_LENGTH),
            "password",
        )
    return password


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


INTERCOMMUNALITIES = {
    "metropole de lyon": "lyon",
    "saint-etienne metropole": "saint_etienne",
    "": "other",
}


def metropole_code(text_given: str) -> str:
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
    departement: str = ""
    note: str = ""


def read_communes(path: str) -> list[CommuneRow]:
    """The communes of a CSV (comma or semicolon) or xlsx file with the columns of the
    syndicate's list: name, insee_code, departement, intercommunalite, population_2018,
    member_since, note."""
    from pathlib import Path

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
    except OSError as error:
        from sitiv_desktop.services.files import read_failed

        raise read_failed(file, error) from error
    except (UnicodeError, ValueError) as error:
        raise UserError(
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
    departement_at = column("departement", "département")
    note_at = column("note")
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
                cell(departement_at),
                cell(note_at),
            )
        )
    return found


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
                _check_commune(row.name, row.insee_code, row.population)
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


def _check_commune(name: str, insee_code: str, population: int) -> None:
    if not name.strip():
        raise UserError(_("Name: this field is required."), "name")
    if not re.fullmatch(r"\d[\dAB]\d{3}", insee_code.strip()):
        raise UserError(_("INSEE code: five characters, such as 69259."), "insee_code")
    if population < 0:
        raise UserError(_("Population: cannot be negative."), "population")
