"""Pages of a list sorted and filtered by the database, for lists too long to load whole.

A window's table shows a few hundred rows of a hundred thousand: the order and the text filter
must come from the store, or sorting would only reorder the rows already read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.records import (
    CommitmentRecord,
    ExchangeRecord,
    MeetingRecord,
    ProjectRecord,
)
from sitiv_desktop.services.conversions import (
    commitment_record,
    exchange_record,
    meeting_record,
    project_record,
)
from sitiv_desktop.services.meetings import meetings_query
from sitiv_desktop.services.projects import budgets_in_force, commune_project_filter
from sitiv_desktop.services.text import natural_key
from sitiv_desktop.store import models

Record = ProjectRecord | CommitmentRecord | MeetingRecord | ExchangeRecord


@dataclass(frozen=True)
class PageRequest:
    """Which rows of a list: its kind, the commune shown, typed text, the sort and the window."""

    kind: str
    commune_id: uuid.UUID | None = None
    text: str = ""
    sort_key: str = ""
    descending: bool = False
    offset: int = 0
    limit: int = 200


@dataclass(frozen=True)
class _Kind:
    model: type[Any]
    base: Callable[[uuid.UUID | None], Select[Any]]
    searched: Callable[[], Sequence[Any]]
    sort_keys: dict[str, Callable[[], Any]]
    default_order: Callable[[bool], list[Any]]
    load: Callable[[Session, list[Any]], list[Record]]


def _projects(commune_id: uuid.UUID | None) -> Select[Any]:
    statement = select(models.Project).outerjoin(
        models.Commune, models.Commune.id == models.Project.owner_commune_id
    )
    if commune_id is not None:
        statement = statement.where(commune_project_filter(commune_id))
    return statement


def _commitments(commune_id: uuid.UUID | None) -> Select[Any]:
    statement = select(models.Commitment).join(models.Commune)
    if commune_id is not None:
        statement = statement.where(models.Commitment.commune_id == commune_id)
    return statement


def _meetings(commune_id: uuid.UUID | None) -> Select[Any]:
    return meetings_query(commune_id, None)


def _exchanges(commune_id: uuid.UUID | None) -> Select[Any]:
    statement = select(models.Exchange).join(models.Commune)
    if commune_id is not None:
        statement = statement.where(models.Exchange.commune_id == commune_id)
    return statement


def _load_projects(session: Session, rows: list[Any]) -> list[Record]:
    budgets = budgets_in_force(session, [row.id for row in rows])
    return [project_record(row, budgets.get(row.id)) for row in rows]


KINDS: dict[str, _Kind] = {
    "projects": _Kind(
        model=models.Project,
        base=_projects,
        searched=lambda: (models.Project.code, models.Project.title),
        sort_keys={
            "code": lambda: models.Project.code,
            "title": lambda: models.Project.title,
            "domain": lambda: models.Project.domain,
            "status": lambda: models.Project.status,
            "progress": lambda: models.Project.progress,
            "owner": lambda: models.Commune.name,
            "end_date": lambda: models.Project.end_date,
        },
        default_order=lambda descending: [
            models.Project.code.desc() if descending else models.Project.code
        ],
        load=_load_projects,
    ),
    "commitments": _Kind(
        model=models.Commitment,
        base=_commitments,
        searched=lambda: (models.Commitment.title, models.Commitment.responsible),
        sort_keys={
            "commune": lambda: models.Commune.name,
            "title": lambda: models.Commitment.title,
            "made_on": lambda: models.Commitment.made_on,
            "due_date": lambda: models.Commitment.due_date,
            "status": lambda: models.Commitment.status,
            "responsible": lambda: models.Commitment.responsible,
        },
        default_order=lambda descending: [
            models.Commitment.due_date.is_(None),
            models.Commitment.due_date.desc() if descending else models.Commitment.due_date,
        ],
        load=lambda _session, rows: [commitment_record(row) for row in rows],
    ),
    "meetings": _Kind(
        model=models.Meeting,
        base=_meetings,
        searched=lambda: (models.Meeting.title, models.Meeting.place),
        sort_keys={
            "starts_at": lambda: models.Meeting.starts_at,
            "kind": lambda: models.Meeting.kind,
            "title": lambda: models.Meeting.title,
            "place": lambda: models.Meeting.place,
            "status": lambda: models.Meeting.status,
        },
        default_order=lambda descending: [
            models.Meeting.starts_at if descending else models.Meeting.starts_at.desc()
        ],
        load=lambda _session, rows: [meeting_record(row) for row in rows],
    ),
    "exchanges": _Kind(
        model=models.Exchange,
        base=_exchanges,
        searched=lambda: (models.Exchange.subject, models.Exchange.summary),
        sort_keys={
            "occurred_on": lambda: models.Exchange.occurred_on,
            "commune": lambda: models.Commune.name,
            "channel": lambda: models.Exchange.channel,
            "direction": lambda: models.Exchange.direction,
            "subject": lambda: models.Exchange.subject,
            "author": lambda: models.Exchange.author,
        },
        default_order=lambda descending: [
            models.Exchange.occurred_on if descending else models.Exchange.occurred_on.desc()
        ],
        load=lambda _session, rows: [exchange_record(row) for row in rows],
    ),
}


def _filtered(request: PageRequest) -> Select[Any]:
    kind = KINDS[request.kind]
    statement = kind.base(request.commune_id)
    words = request.text.split()
    for word in words:
        pattern = f"%{word}%"
        conditions: list[ColumnElement[bool]] = [
            column.ilike(pattern) for column in kind.searched()
        ]
        statement = statement.where(or_(*conditions))
    return statement


def count_page_rows(session: Session, request: PageRequest) -> int:
    """How many rows the list has with this commune and text, whatever the window."""
    statement = _filtered(request).with_only_columns(func.count(KINDS[request.kind].model.id))
    return session.scalar(statement) or 0


# Titles sort the way people read them (« phase 2 » before « phase 10 »).
NATURAL_KEYS = frozenset({"title", "subject", "code"})
NATURAL_FUNCTION = "sitiv_natural"


def _natural_sql(session: Session, column: Any) -> Any:
    """The column's natural sort key: a SQL function registered on SQLite's connection."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return column
    raw = connection.connection.driver_connection
    if raw is not None:  # registering again is cheap and survives a pool's new connection
        raw.create_function(NATURAL_FUNCTION, 1, _natural_or_none, deterministic=True)
    return getattr(func, NATURAL_FUNCTION)(column)


def _natural_or_none(value: object) -> str | None:
    return natural_key(str(value)) if value is not None else None


def sort_order(session: Session, request: PageRequest) -> list[Any]:
    """The ORDER BY of a page: empty values last whatever the direction, then the id."""
    kind = KINDS[request.kind]
    if request.sort_key not in kind.sort_keys:
        return [*kind.default_order(request.descending), kind.model.id]
    column = kind.sort_keys[request.sort_key]()
    key = _natural_sql(session, column) if request.sort_key in NATURAL_KEYS else column
    return [
        column.is_(None),
        key.desc() if request.descending else key.asc(),
        kind.model.id,
    ]


def fetch_page(session: Session, request: PageRequest) -> list[Record]:
    """One window of the list in the requested order; the id breaks ties, so pages never overlap."""
    kind = KINDS[request.kind]
    order = sort_order(session, request)
    statement = _filtered(request).order_by(*order).offset(request.offset)
    statement = statement.limit(request.limit)
    if request.kind == "projects":
        statement = statement.options(selectinload(models.Project.owner))
    elif request.kind == "commitments":
        statement = statement.options(
            selectinload(models.Commitment.commune), selectinload(models.Commitment.project)
        )
    elif request.kind == "meetings":
        statement = statement.options(
            selectinload(models.Meeting.communes).selectinload(models.MeetingCommune.commune)
        )
    elif request.kind == "exchanges":
        statement = statement.options(selectinload(models.Exchange.commune))
    rows = list(session.scalars(statement))
    return kind.load(session, rows)
