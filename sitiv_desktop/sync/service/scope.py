"""Who may see and change which rows: the scope rules, written once, for both backends.

A user is granted communes, each with a role. They see the rows of their communes, plus what
those rows need to be whole: a project shared with one of their communes (with its owner and
participating communes named, its milestones, PPI line and shares), a meeting one of their
communes attends (with its agenda). A link from a visible row to a row they may not see (a
commitment about another commune's project) reaches them empty: it is masked, never sent.

PostgreSQL's row-level security applies the same reading rules again (migration 0003), keyed on
the user being served.
"""

from __future__ import annotations

import uuid
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    exists,
    false,
    literal,
    select,
    union,
)

from sitiv_desktop.store import models
from sitiv_desktop.sync.rows import Row, table_of

ROLES = ("elu", "liaison", "secretariat", "admin")
WRITING_ROLES = frozenset({"liaison", "admin"})

# Columns that point to a row of another kind, and that kind: what gets masked.
LINKS: dict[str, dict[str, str]] = {
    "commitments": {"meeting_id": "meetings", "project_id": "projects"},
    "agenda_items": {
        "project_id": "projects",
        "commitment_id": "commitments",
        "carried_from_id": "agenda_items",
    },
    "exchanges": {"project_id": "projects", "commitment_id": "commitments"},
}
# Columns whose change moves a row, or what hangs on it, into or out of someone's scope.
MOVING_COLUMNS = frozenset(
    {"owner_commune_id", "commune_id", "project_id", "meeting_id", "stake_id", "line_id"}
)
RESHAPING_TABLES = frozenset({"participations", "meeting_communes"})

_DIRECT = frozenset({"contacts", "commitments", "exchanges", "mandate_stakes", "meeting_communes"})


@dataclass(frozen=True)
class Rights:
    """One user's grants, read afresh at every request."""

    user_id: uuid.UUID
    name: str
    roles: dict[uuid.UUID, str]

    @property
    def granted(self) -> list[uuid.UUID]:
        return sorted(self.roles)

    @property
    def writable(self) -> frozenset[uuid.UUID]:
        return frozenset(c for c, role in self.roles.items() if role in WRITING_ROLES)

    @property
    def administered(self) -> frozenset[uuid.UUID]:
        return frozenset(c for c, role in self.roles.items() if role == "admin")


# --- what a user may see -------------------------------------------------------------------------


def within(column: Any, communes: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    """``column IN communes``; false for no commune (an empty IN is not valid everywhere)."""
    listed = list(communes)
    return column.in_(listed) if listed else false()


def visible_projects(rights: Rights) -> Select[Any]:
    owned = select(models.Project.id).where(within(models.Project.owner_commune_id, rights.granted))
    shared = select(models.Participation.project_id).where(
        within(models.Participation.commune_id, rights.granted)
    )
    return select(union(owned, shared).subquery().c[0])


def visible_meetings(rights: Rights) -> Select[Any]:
    return select(models.MeetingCommune.meeting_id).where(
        within(models.MeetingCommune.commune_id, rights.granted)
    )


def visible_lines(rights: Rights) -> Select[Any]:
    return select(models.PpiLine.id).where(models.PpiLine.project_id.in_(visible_projects(rights)))


def visible_stakes(rights: Rights) -> Select[Any]:
    return select(models.MandateStake.id).where(
        within(models.MandateStake.commune_id, rights.granted)
    )


def visible_commitments(rights: Rights) -> Select[Any]:
    return select(models.Commitment.id).where(within(models.Commitment.commune_id, rights.granted))


def visible_agenda_items(rights: Rights) -> Select[Any]:
    return select(models.AgendaItem.id).where(
        models.AgendaItem.meeting_id.in_(visible_meetings(rights))
    )


def visible_communes(rights: Rights) -> Select[Any]:
    projects = visible_projects(rights)
    granted = select(models.Commune.id).where(within(models.Commune.id, rights.granted))
    owners = select(models.Project.owner_commune_id).where(
        models.Project.owner_commune_id.is_not(None), models.Project.id.in_(projects)
    )
    sharing = select(models.Participation.commune_id).where(
        models.Participation.project_id.in_(projects)
    )
    return select(union(granted, owners, sharing).subquery().c[0])


def row_filter(rights: Rights, table_name: str) -> ColumnElement[bool]:
    """The rows of ``table_name`` the user may read, as a condition on that table."""
    table = table_of(table_name)
    if table_name == "communes":
        return table.c.id.in_(visible_communes(rights))
    if table_name in _DIRECT:
        return within(table.c.commune_id, rights.granted)
    if table_name == "projects":
        return table.c.id.in_(visible_projects(rights))
    if table_name in ("participations", "milestones", "ppi_lines"):
        return table.c.project_id.in_(visible_projects(rights))
    if table_name in ("ap_revisions", "payment_credits"):
        return table.c.line_id.in_(visible_lines(rights))
    if table_name == "meetings":
        return table.c.id.in_(visible_meetings(rights))
    if table_name == "agenda_items":
        return table.c.meeting_id.in_(visible_meetings(rights))
    if table_name == "stake_projects":
        return and_(
            table.c.stake_id.in_(visible_stakes(rights)),
            table.c.project_id.in_(visible_projects(rights)),
        )
    raise KeyError(table_name)


def is_visible(
    connection: Connection, rights: Rights, table_name: str, row_id: uuid.UUID | None
) -> bool:
    if row_id is None:
        return True
    table = table_of(table_name)
    found = select(literal(1)).where(table.c.id == row_id, row_filter(rights, table_name))
    return connection.scalar(select(exists(found))) is True


def masked(connection: Connection, rights: Rights, table_name: str, row: Row | None) -> Row | None:
    """A row (JSON values) as the user sees it: links to rows they may not see left empty."""
    if row is None:
        return None
    links = LINKS.get(table_name, {})
    shown = dict(row)
    for column, target in links.items():
        value = shown.get(column)
        if value is not None and not is_visible(connection, rights, target, uuid.UUID(value)):
            shown[column] = None
    return shown


def masked_columns(rights: Rights, table: Table) -> list[ColumnElement[object]]:
    """The table's columns for a snapshot read, masked links computed by the database."""
    from sqlalchemy import case, null

    links = LINKS.get(table.name, {})
    targets = {
        "projects": visible_projects,
        "meetings": visible_meetings,
        "commitments": visible_commitments,
        "agenda_items": visible_agenda_items,
    }
    columns: list[ColumnElement[object]] = []
    for column in table.columns:
        if column.name in links:
            subquery = targets[links[column.name]](rights)
            columns.append(case((column.in_(subquery), column), else_=null()).label(column.name))
        else:
            columns.append(column)
    return columns


def read_under_row_security(table: Table) -> Select[Any]:
    """The table's rows for a read that PostgreSQL's row-level security already confines to
    the user's scope (the policies of migration 0003 state ``row_filter``'s rules).

    A link is joined to the row it points to: the policies hide that row when the user may not
    read it, so the link arrives empty, with one index probe per row instead of computing every
    visible set at each page.
    """
    links = LINKS.get(table.name, {})
    source: Any = table
    columns: list[Any] = []
    for column in table.columns:
        if column.name in links:
            target = table_of(links[column.name]).alias(f"linked_{column.name}")
            source = source.outerjoin(target, target.c.id == column)
            columns.append(target.c.id.label(column.name))
        else:
            columns.append(column)
    return select(*columns).select_from(source)


# --- what a row belongs to -----------------------------------------------------------------------


def _project_communes(connection: Connection, project_id: uuid.UUID | None) -> set[uuid.UUID]:
    if project_id is None:
        return set()
    owner = connection.scalar(
        select(models.Project.owner_commune_id).where(models.Project.id == project_id)
    )
    shares = connection.scalars(
        select(models.Participation.commune_id).where(models.Participation.project_id == project_id)
    )
    return ({owner} if owner else set()) | set(shares)


def _meeting_communes(connection: Connection, meeting_id: uuid.UUID | None) -> set[uuid.UUID]:
    return set(
        connection.scalars(
            select(models.MeetingCommune.commune_id).where(
                models.MeetingCommune.meeting_id == meeting_id
            )
        )
    )


def _line_project(connection: Connection, line_id: uuid.UUID | None) -> uuid.UUID | None:
    return connection.scalar(select(models.PpiLine.project_id).where(models.PpiLine.id == line_id))


def row_communes(connection: Connection, table: str, row: Row) -> set[uuid.UUID]:
    """The communes whose users receive a change of this decoded row."""
    if table == "communes":
        return {row["id"]}
    if table in _DIRECT:
        return {row["commune_id"]}
    if table == "projects":
        owned = {row["owner_commune_id"]} if row.get("owner_commune_id") else set()
        return owned | _project_communes(connection, row["id"])
    if table in ("participations", "milestones", "ppi_lines"):
        extra = {row["commune_id"]} if table == "participations" else set()
        return _project_communes(connection, row["project_id"]) | extra
    if table in ("ap_revisions", "payment_credits"):
        return _project_communes(connection, _line_project(connection, row["line_id"]))
    if table == "meetings":
        return _meeting_communes(connection, row["id"])
    if table == "agenda_items":
        return _meeting_communes(connection, row["meeting_id"])
    if table == "stake_projects":
        commune = connection.scalar(
            select(models.MandateStake.commune_id).where(models.MandateStake.id == row["stake_id"])
        )
        return {commune} if commune else set()
    raise KeyError(table)


# --- what a user may change ----------------------------------------------------------------------


def _project_writable(
    connection: Connection, rights: Rights, project_id: uuid.UUID | None, created: Container[str]
) -> bool:
    """A commune's project is changed by its own writers; a syndicate project by the writers of
    a participating commune, or by whoever created it while it has none."""
    if project_id is None:
        return False
    found = connection.execute(
        select(models.Project.owner_commune_id).where(models.Project.id == project_id)
    ).first()
    if found is None:
        return False
    owner = found[0]
    if owner is not None:
        return owner in rights.writable
    shares = _project_communes(connection, project_id)
    if shares:
        return bool(shares & rights.writable)
    return bool(rights.writable) and project_id.hex in created


def _meeting_writable(
    connection: Connection, rights: Rights, meeting_id: uuid.UUID | None, created: Container[str]
) -> bool:
    """A meeting is changed by someone who writes every commune it concerns; a meeting with no
    commune yet, only by whoever created it."""
    if meeting_id is None:
        return False
    communes = _meeting_communes(connection, meeting_id)
    if communes:
        return communes <= rights.writable
    return bool(rights.writable) and meeting_id.hex in created


def may_write(
    connection: Connection, rights: Rights, table: str, row: Row, created: Container[str]
) -> bool:
    """Whether the user may hold this state of a decoded row (checked before and after)."""
    if table == "communes":
        return row["id"] in rights.administered
    if table in ("contacts", "commitments", "exchanges", "mandate_stakes"):
        return row["commune_id"] in rights.writable
    if table == "projects":
        owner = row.get("owner_commune_id")
        if owner is not None:
            return owner in rights.writable
        return _project_writable(connection, rights, row["id"], created)
    if table == "participations":
        if row["commune_id"] in rights.writable:
            return is_visible(connection, rights, "projects", row["project_id"]) or (
                row["project_id"].hex in created
            )
        owner = connection.scalar(
            select(models.Project.owner_commune_id).where(models.Project.id == row["project_id"])
        )
        if owner is not None:
            return owner in rights.writable
        return bool(_project_communes(connection, row["project_id"]) & rights.administered)
    if table in ("milestones", "ppi_lines"):
        return _project_writable(connection, rights, row["project_id"], created)
    if table in ("ap_revisions", "payment_credits"):
        project = _line_project(connection, row["line_id"])
        return _project_writable(connection, rights, project, created)
    if table == "meetings":
        return _meeting_writable(connection, rights, row["id"], created)
    if table == "meeting_communes":
        return row["commune_id"] in rights.writable and _meeting_writable(
            connection, rights, row["meeting_id"], created
        )
    if table == "agenda_items":
        return _meeting_writable(connection, rights, row["meeting_id"], created)
    if table == "stake_projects":
        commune = connection.scalar(
            select(models.MandateStake.commune_id).where(models.MandateStake.id == row["stake_id"])
        )
        return commune in rights.writable and is_visible(
            connection, rights, "projects", row["project_id"]
        )
    raise KeyError(table)


def may_move_owner(rights: Rights, old: uuid.UUID | None, new: uuid.UUID | None) -> bool:
    """Handing a project to another commune, or to the syndicate, is an administrator's act on
    both sides."""

    def administers(commune: uuid.UUID | None) -> bool:
        return bool(rights.administered) if commune is None else commune in rights.administered

    return administers(old) and administers(new)


def joined(communes: Iterable[uuid.UUID]) -> str:
    return ",".join(sorted(str(commune) for commune in communes))
