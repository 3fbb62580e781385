"""People who may sync: their password hashes (argon2id), their tokens and their grants.

A password is exchanged once for a token; the laptop keeps the token in the system keyring and
sends it with every request. Only the token's SHA-256 is stored, so a copy of the database gives
no way in. Grants are read at every request: a revoked user or a withdrawn commune takes effect
at once. Repeated wrong passwords make the next attempt wait longer and longer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select, update

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.sync.service.scope import Rights
from sitiv_desktop.sync.service.tables import GRANTS, TOKENS, USERS

_HASHER = PasswordHasher()
# Verified when the user does not exist, so that the answer takes as long either way.
_DUMMY_HASH = _HASHER.hash("sitiv-desktop: no such user")
FREE_ATTEMPTS = 3
LONGEST_WAIT = dt.timedelta(minutes=5)
TOKEN_TOUCH = dt.timedelta(hours=1)


class WrongCredentials(UserError):
    """The user name or the password is wrong (which one is not said)."""


class TooManyAttempts(UserError):
    def __init__(self, seconds: int) -> None:
        super().__init__(
            _("Too many wrong passwords: try again in {seconds} s.").format(seconds=seconds)
        )
        self.seconds = seconds


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def wait_after(failures: int) -> dt.timedelta:
    """How long the next attempt must wait after this many wrong passwords in a row."""
    if failures < FREE_ATTEMPTS:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=2 ** (failures - FREE_ATTEMPTS)), LONGEST_WAIT)


def log_in(connection: Connection, name: str, password: str) -> str | None:
    """A new token for this user; None for a wrong name or password (the failure is counted in
    the transaction, which the caller commits); ``TooManyAttempts`` while they must wait."""
    user = (
        connection.execute(select(USERS).where(USERS.c.name == name).with_for_update())
        .mappings()
        .first()
    )
    if user is None:
        _verify(_DUMMY_HASH, password)
        return None
    now = _now()
    if user["last_failed_at"] is not None:
        ready = user["last_failed_at"] + wait_after(int(user["failed_logins"]))
        if now < ready:
            raise TooManyAttempts(int((ready - now).total_seconds()) + 1)
    if not _verify(user["password_hash"], password) or user["disabled"]:
        connection.execute(
            update(USERS)
            .where(USERS.c.id == user["id"])
            .values(failed_logins=USERS.c.failed_logins + 1, last_failed_at=now)
        )
        return None
    connection.execute(
        update(USERS).where(USERS.c.id == user["id"]).values(failed_logins=0, last_failed_at=None)
    )
    token = secrets.token_urlsafe(32)
    connection.execute(
        insert(TOKENS).values(
            token_hash=_digest(token), user_id=user["id"], created_at=now, last_used_at=now
        )
    )
    return token


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def log_out(connection: Connection, token: str) -> None:
    connection.execute(delete(TOKENS).where(TOKENS.c.token_hash == _digest(token)))


def rights_of_token(connection: Connection, token: str) -> Rights | None:
    """Whose token this is, with their grants as they stand now; None for an unknown token or a
    disabled user. One query: the token, its user and their grants (one row per grant)."""
    digest = _digest(token)
    found = connection.execute(
        select(USERS.c.id, USERS.c.name, TOKENS.c.last_used_at, GRANTS.c.commune_id, GRANTS.c.role)
        .join(TOKENS, TOKENS.c.user_id == USERS.c.id)
        .outerjoin(GRANTS, GRANTS.c.user_id == USERS.c.id)
        .where(TOKENS.c.token_hash == digest, USERS.c.disabled.is_(False))
    ).all()
    if not found:
        return None
    user_id, name, last_used = found[0][:3]
    now = _now()
    if now - last_used > TOKEN_TOUCH:
        connection.execute(
            update(TOKENS).where(TOKENS.c.token_hash == digest).values(last_used_at=now)
        )
    roles = {commune: role for *_user, commune, role in found if commune is not None}
    return Rights(user_id, name, roles)


def rights_of(connection: Connection, user_id: uuid.UUID, name: str) -> Rights:
    roles = {
        commune: role
        for commune, role in connection.execute(
            select(GRANTS.c.commune_id, GRANTS.c.role).where(GRANTS.c.user_id == user_id)
        )
    }
    return Rights(user_id, name, roles)
