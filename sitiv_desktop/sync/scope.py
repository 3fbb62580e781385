"""Which communes a row belongs to: what decides who may see and change it.

PostgreSQL enforces the same rule with row-level security; this module applies it where the
shared database is a SQLite file, and labels each change with its communes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Connection, select

from sitiv_desktop.store import models
from sitiv_desktop.sync.rows import Row

_DIRECT = {"contacts", "commitments", "exchanges", "mandate_stakes", "meeting_communes"}


def _project(connection: Connection, project_id: uuid.UUID | None) -> set[uuid.UUID]:
    if project_id is None:
        return set()
    owner = connection.scalar(
        select(models.Project.owner_commune_id).where(models.Project.id == project_id)
    )
    shares = connection.scalars(
        select(models.Participation.commune_id).where(models.Participation.project_id == project_id)
    )
    return ({owner} if owner else set()) | set(shares)


def _meeting(connection: Connection, meeting_id: uuid.UUID | None) -> set[uuid.UUID]:
    return set(
        connection.scalars(
            select(models.MeetingCommune.commune_id).where(
                models.MeetingCommune.meeting_id == meeting_id
            )
        )
    )


def row_communes(connection: Connection, table: str, row: Row) -> set[uuid.UUID]:
    """The communes of a decoded row (its values as the database takes them)."""
    if table == "communes":
        return {row["id"]}
    if table in _DIRECT:
        return {row["commune_id"]}
    if table == "projects":
        owned = {row["owner_commune_id"]} if row.get("owner_commune_id") else set()
        return owned | _project(connection, row["id"])
    if table in ("participations", "milestones", "ppi_lines"):
        extra = {row["commune_id"]} if table == "participations" else set()
        return _project(connection, row["project_id"]) | extra
    if table in ("ap_revisions", "payment_credits"):
        project_id = connection.scalar(
            select(models.PpiLine.project_id).where(models.PpiLine.id == row["line_id"])
        )
        return _project(connection, project_id)
    if table == "meetings":
        return _meeting(connection, row["id"])
    if table == "agenda_items":
        return _meeting(connection, row["meeting_id"])
    if table == "stake_projects":
        commune = connection.scalar(
            select(models.MandateStake.commune_id).where(models.MandateStake.id == row["stake_id"])
        )
        return {commune} if commune else set()
    raise KeyError(table)


def born_unscoped(table: str, row: Row) -> bool:
    """A syndicate project or a meeting starts with no commune; any writer may create one."""
    return table == "meetings" or (table == "projects" and row.get("owner_commune_id") is None)


def joined(communes: Iterable[uuid.UUID]) -> str:
    return ",".join(sorted(str(commune) for commune in communes))


def parsed(text: str) -> set[uuid.UUID]:
    return {uuid.UUID(part) for part in text.split(",") if part}
