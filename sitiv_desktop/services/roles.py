"""The current user's role in each commune, and what that role may change.

The sync writes the roles the shared database grants (``commune_roles`` in the settings: commune
id → ``elu``, ``liaison``, ``secretariat`` or ``admin``); without them, working offline on a copy
of one's own, the user has every right.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.i18n import _
from sitiv_desktop.store.sync_tables import STATE_ROW, SYNC_STATE


class Role(StrEnum):
    ELU = "elu"
    LIAISON = "liaison"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"


# What each role may edit; the sync service refuses the rest (elected officials and the
# secretariat read, and print the packs).
EDITABLE: dict[Role, frozenset[str]] = {
    Role.ELU: frozenset(),
    Role.SECRETARIAT: frozenset(),
    Role.LIAISON: frozenset(
        {
            "project",
            "commitment",
            "meeting",
            "agenda_item",
            "exchange",
            "stake",
            "ppi_line",
            "contact",
        }
    ),
    Role.ADMIN: frozenset(
        {
            "project",
            "commitment",
            "meeting",
            "agenda_item",
            "exchange",
            "stake",
            "ppi_line",
            "contact",
        }
    ),
}


def role_in(roles: Mapping[str, str], commune_id: uuid.UUID | None) -> Role:
    """The role for one commune; full rights when no role was given at all (offline copy)."""
    if not roles:
        return Role.ADMIN
    if commune_id is None:
        # A syndicate record: the highest role the user holds anywhere.
        held = [Role(value) for value in roles.values() if value in Role._value2member_map_]
        for role in (Role.ADMIN, Role.LIAISON, Role.SECRETARIAT, Role.ELU):
            if role in held:
                return role
        return Role.ELU
    value = roles.get(str(commune_id), "")
    return Role(value) if value in Role._value2member_map_ else Role.ELU


def role_label(role: Role) -> str:
    return {
        Role.ELU: _("elected official"),
        Role.LIAISON: _("liaison"),
        Role.SECRETARIAT: _("secretariat"),
        Role.ADMIN: _("administrator"),
    }[role]


def read_only_reason(
    roles: Mapping[str, str], kind: str, commune_ids: Iterable[uuid.UUID | None]
) -> str:
    """Why the user may not change this record (empty when they may)."""
    for commune_id in commune_ids:
        role = role_in(roles, commune_id)
        if kind not in EDITABLE[role]:
            return _("Read only: your role for this commune is « {role} ».").format(
                role=role_label(role)
            )
    return ""


def granted_roles(session: Session) -> dict[uuid.UUID, str]:
    """The user's role per commune as the sync service last said (empty before any sync)."""
    stored = session.scalar(select(SYNC_STATE.c.roles).where(STATE_ROW))
    if not stored:
        return {}
    return {uuid.UUID(commune): str(role) for commune, role in json.loads(stored).items()}
