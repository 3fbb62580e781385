"""Administration through the service (``/v1/admin``): users, grants and communes, for a person
who holds the role ``admin``.

The rule: reading the lists needs ``admin`` on at least one commune; granting, revoking and
editing a commune need ``admin`` on that commune; creating a user, setting a password, disabling
a user and adding a commune concern the whole syndicate and need ``admin`` on every commune of
the service. Whoever adds a commune becomes its administrator, so that they keep that standing.
Every change to a commune is logged under the administrator's name and reaches the laptops.
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select

from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.sync import protocol
from sitiv_desktop.sync.service import admin
from sitiv_desktop.sync.service.admin import Administration, NoRight
from sitiv_desktop.sync.service.backend import Backend
from sitiv_desktop.sync.service.scope import Rights
from sitiv_desktop.sync.service.tables import USERS

T = TypeVar("T")


class NewUser(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class Password(BaseModel):
    password: str = Field(min_length=1, max_length=1000)


class RoleGiven(BaseModel):
    role: str = Field(max_length=20)


class NewCommune(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    insee_code: str = Field(max_length=10)
    population: int = Field(default=0, ge=0, le=999_999_999)
    metropole: str = Field(default="other", max_length=20)
    joined_on: dt.date | None = None


class CommuneChange(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    insee_code: str | None = Field(default=None, max_length=10)
    population: int | None = Field(default=None, ge=0, le=999_999_999)
    metropole: str | None = Field(default=None, max_length=20)
    joined_on: dt.date | None = None
    left_on: dt.date | None = None
    note: str | None = Field(default=None, max_length=10_000)


def _account(account: admin.Account) -> dict[str, Any]:
    return {
        "name": account.name,
        "disabled": account.disabled,
        "grants": [
            {"commune": g.commune, "insee_code": g.insee_code, "role": g.role}
            for g in account.grants
        ],
    }


def _commune(facts: admin.CommuneFacts) -> dict[str, Any]:
    return {
        "id": facts.id,
        "name": facts.name,
        "insee_code": facts.insee_code,
        "population": facts.population,
        "metropole": facts.metropole,
        "departement": facts.departement,
        "joined_on": facts.joined_on.isoformat() if facts.joined_on else None,
        "left_on": facts.left_on.isoformat() if facts.left_on else None,
        "note": facts.note,
        "mayor": facts.mayor,
    }


def register(app: FastAPI, backend: Backend, rights: Callable[..., Rights]) -> None:
    """Add the administration's routes to the service's ``app``."""
    User = Annotated[Rights, Depends(rights)]  # noqa: N806
    prefix = f"{protocol.PREFIX}/admin"

    def acting(user: Rights, work: Callable[[Administration], T]) -> T:
        if not admin.may_administer(user):
            raise HTTPException(403, _("Only an administrator can do this."))
        try:
            return admin.administer(backend, work, user.name)
        except NoRight as refusal:
            raise HTTPException(403, refusal.message) from refusal
        except NotFound as missing:
            raise HTTPException(404, missing.message) from missing
        except UserError as wrong:
            raise HTTPException(422, wrong.message) from wrong

    def everywhere(user: Rights) -> Callable[[Administration], None]:
        return lambda a: admin.require_syndicate_admin(a.connection, user)

    def on_commune(a: Administration, user: Rights, commune: str) -> str:
        commune_id, name = a.commune(commune)
        admin.require_commune_admin(user, commune_id, name)
        return commune_id.hex

    @app.get(f"{prefix}/users")
    def users(user: User) -> dict[str, Any]:
        found = acting(user, lambda a: a.accounts())
        return {"users": [_account(account) for account in found]}

    @app.post(f"{prefix}/users")
    def add_user(request: NewUser, user: User) -> dict[str, Any]:
        def work(a: Administration) -> None:
            everywhere(user)(a)
            taken = a.connection.scalar(select(USERS.c.id).where(USERS.c.name == request.name))
            if taken is not None:
                raise UserError(
                    _("User name: « {name} » is already taken.").format(name=request.name), "name"
                )
            a.add_user(request.name, request.password)

        acting(user, work)
        return {"name": request.name}

    @app.put(f"{prefix}/users/{{name}}/password")
    def set_password(name: str, request: Password, user: User) -> dict[str, Any]:
        def work(a: Administration) -> None:
            everywhere(user)(a)
            a.add_user(name, request.password, create=False)

        acting(user, work)
        return {"name": name}

    @app.post(f"{prefix}/users/{{name}}/disable")
    def disable(name: str, user: User) -> dict[str, Any]:
        def work(a: Administration) -> None:
            everywhere(user)(a)
            a.set_disabled(name)

        acting(user, work)
        return {"name": name}

    @app.put(f"{prefix}/users/{{name}}/grants/{{commune}}")
    def grant(name: str, commune: str, request: RoleGiven, user: User) -> dict[str, Any]:
        def work(a: Administration) -> str:
            a.user_id(name)
            return a.grant(name, on_commune(a, user, commune), request.role)

        return {"commune": acting(user, work), "role": request.role}

    @app.delete(f"{prefix}/users/{{name}}/grants/{{commune}}")
    def revoke(name: str, commune: str, user: User) -> dict[str, Any]:
        def work(a: Administration) -> str:
            a.user_id(name)
            return a.revoke(name, on_commune(a, user, commune))

        return {"commune": acting(user, work)}

    @app.get(f"{prefix}/communes")
    def communes(user: User) -> dict[str, Any]:
        found = acting(user, lambda a: a.communes())
        return {"communes": [_commune(facts) for facts in found]}

    @app.post(f"{prefix}/communes")
    def add_commune(request: NewCommune, user: User) -> dict[str, Any]:
        def work(a: Administration) -> dict[str, Any]:
            everywhere(user)(a)
            commune_id, name = a.add_commune(
                request.name,
                request.insee_code,
                request.population,
                request.metropole,
                request.joined_on,
            )
            a.grant(user.name, commune_id.hex, "admin")
            return {"id": commune_id.hex, "name": name}

        return acting(user, work)

    @app.patch(f"{prefix}/communes/{{commune}}")
    def edit_commune(commune: str, request: CommuneChange, user: User) -> dict[str, Any]:
        given = request.model_dump(exclude_unset=True)

        def work(a: Administration) -> str:
            return a.edit_commune(on_commune(a, user, commune), **given)

        return {"name": acting(user, work)}
