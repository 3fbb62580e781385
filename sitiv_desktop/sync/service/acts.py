"""The administration's acts, each in the transaction it is given: users, grants, communes and
their mayors, and who may perform them (the syndicate's administrators, a commune's).

The command line runs them as the database's owner (``admin``), the service's administration
routes as the connected administrator (``admin_api``). One concern, kept whole: every act checks
its rights and writes the change log the same way.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _, format_long_date, of_commune
from sitiv_desktop.services.text import fold
from sitiv_desktop.store import models
from sitiv_desktop.sync.rows import decode, encode, table_of
from sitiv_desktop.sync.service.accounts import hash_password
from sitiv_desktop.sync.service.commune_file import INTERCOMMUNALITIES, check_commune
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
            _("You are not an administrator {of_commune}.").format(of_commune=of_commune(name)),
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


def check_password(password: str | None) -> str:
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            _("Password: at least {count} characters.").format(count=MIN_PASSWORD_LENGTH),
            "password",
        )
    return password


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
        hashed = hash_password(check_password(password))
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
        check_commune(cleaned, code, population)
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
        check_commune(merged["name"], merged["insee_code"], merged["population"])
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
