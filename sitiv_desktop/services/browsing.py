"""Pages of a list sorted and filtered by the database, for lists too long to load whole.

A window's table shows a few hundred rows of a hundred thousand: the order and the text filter
must come from the store, or sorting would only reorder the rows already read.

Pages follow each other by key, not by ``OFFSET``: a page asks for the rows after the sort
value and rowid of the last row shown, which an index finds at once, so the last page of a
long list costs what the first does. Empty values (a commitment without a due date) come last
in either direction: they are read as a second segment once the others are exhausted.

Kept whole: every list's pages, counts and keys are built by the same ``Kind`` table, so that no
list pages differently.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    Row,
    Select,
    String,
    and_,
    case,
    func,
    inspect,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.enums import Priority
from sitiv_desktop.domain.records import (
    CommitmentRecord,
    ExchangeRecord,
    MeetingRecord,
    ProjectRecord,
    StakeRecord,
)
from sitiv_desktop.services.conversions import (
    commitment_record,
    exchange_record,
    meeting_record,
    project_record,
    stake_record,
    syndicate_name,
)
from sitiv_desktop.services.meetings import meetings_query
from sitiv_desktop.services.projects import budgets_in_force, commune_project_filter
from sitiv_desktop.services.search import fts_query
from sitiv_desktop.store import models
from sitiv_desktop.store.indexes import kind_range, search_layout_ready

Record = ProjectRecord | CommitmentRecord | MeetingRecord | ExchangeRecord | StakeRecord


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
    # The key of the last row already shown (``Page.after``): the page starts after it.
    after: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Page:
    """One page of a list, and the key to ask for the next one (None at the end of the list)."""

    records: list[Record]
    after: tuple[Any, ...] | None


@dataclass(frozen=True)
class _Kind:
    model: type[Any]
    base: Callable[[uuid.UUID | None], Select[Any]]
    searched: Callable[[], Sequence[Any]]
    sort_keys: dict[str, Callable[[], Any]]
    # The sort when no column is chosen: a sort key, and whether it runs downwards.
    default_sort: tuple[str, bool]
    # The sort keys whose value may be empty.
    nullable: frozenset[str]
    load: Callable[[Session, list[Any]], list[Record]]
    # The rows to count, without the join that names or sorts them when the base has one: every
    # row has its commune (a required reference), and SQLite counts a table alone from its
    # smallest index at once, where the join visits each row.
    counted: Callable[[uuid.UUID | None], Select[Any]] | None = None


def _projects(commune_id: uuid.UUID | None) -> Select[Any]:
    statement = select(models.Project).outerjoin(
        models.Commune, models.Commune.id == models.Project.owner_commune_id
    )
    if commune_id is not None:
        statement = statement.where(commune_project_filter(commune_id))
    return statement


def _of_commune(model: Any, commune_id: uuid.UUID | None, named: bool = True) -> Select[Any]:
    """A kind whose rows each belong to one commune; ``named`` joins the commune for its name
    (counting needs no join: the commune is required, and its foreign key holds)."""
    statement = select(model)
    if named:
        statement = statement.join(models.Commune)
    if commune_id is not None:
        statement = statement.where(model.commune_id == commune_id)
    return statement


def _commitments(commune_id: uuid.UUID | None, named: bool = True) -> Select[Any]:
    return _of_commune(models.Commitment, commune_id, named)


def _exchanges(commune_id: uuid.UUID | None, named: bool = True) -> Select[Any]:
    return _of_commune(models.Exchange, commune_id, named)


def _stakes(commune_id: uuid.UUID | None, named: bool = True) -> Select[Any]:
    return _of_commune(models.MandateStake, commune_id, named)


def _meetings(commune_id: uuid.UUID | None) -> Select[Any]:
    return meetings_query(commune_id, None)


def _plan_order() -> Any:
    """The order a mandate plan reads, axis → line → action, as one sortable value."""
    stake = models.MandateStake
    return stake.axis + "\x1f" + stake.line + "\x1f" + stake.action


def _priority_order() -> Any:
    """High first, as the priority list reads, not in the alphabetical order of its codes."""
    codes = Priority.codes()
    return case(
        *((models.MandateStake.priority == code, rank) for rank, code in enumerate(codes)),
        else_=len(codes),
    )


def _load_meetings(session: Session, rows: list[Any]) -> list[Record]:
    """A page of meetings with their communes, read as plain rows: a syndicate committee
    concerns every commune, and a page of them would otherwise load thousands of links.

    The links are read as the stored identifiers, not turned into ``uuid.UUID`` one by one (a
    page of committees has thousands of them): each is looked up among the communes, read once.
    """
    links: dict[Any, list[tuple[uuid.UUID, str]]] = {_stored(row.id): [] for row in rows}
    if rows:
        communes = {
            _stored(commune_id): (commune_id, name)
            for commune_id, name in _plain(session, select(models.Commune.id, models.Commune.name))
        }
        link = models.MeetingCommune
        statement = select(
            type_coerce(link.meeting_id, String), type_coerce(link.commune_id, String)
        ).where(link.meeting_id.in_([row.id for row in rows]))
        for meeting_id, commune_id in _plain(session, statement):
            commune = communes.get(commune_id) or communes[_stored(commune_id)]
            (links.get(meeting_id) or links[_stored(meeting_id)]).append(commune)
    return [meeting_record(row, communes=links[_stored(row.id)]) for row in rows]


def _plain(session: Session, statement: Executable) -> Sequence[Any]:
    """Plain columns read by the connection, all at once: no ORM result processing."""
    return session.connection().execute(statement).all()


def _execute(session: Session, kind_name: str, statement: Select[Any]) -> Sequence[Any]:
    """A page's rows: plain columns by the connection, the stakes' entities by the session."""
    if kind_name == "stakes":
        return session.execute(statement).all()
    return _plain(session, statement)


def _stored(value: Any) -> Any:
    """An identifier as the database gives it back uncoerced: SQLite's 32 hexadecimal
    characters as SQLAlchemy writes them (PostgreSQL's driver gives a ``uuid.UUID`` whatever
    the type asked; a value written by other hands may have dashes or capitals)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    return value.replace("-", "").lower() if isinstance(value, str) else value


def _commune_names(session: Session) -> dict[uuid.UUID, str]:
    """Every commune's name: a syndicate has a few dozen communes, a page hundreds of rows."""
    rows = _plain(session, select(models.Commune.id, models.Commune.name))
    return {commune_id: name for commune_id, name in rows}


def _load_commitments(session: Session, rows: list[Any]) -> list[Record]:
    """A page of commitments, their communes' names and projects' titles read as plain rows."""
    names = _commune_names(session)
    project_ids = list({row.project_id for row in rows if row.project_id is not None})
    titles: dict[uuid.UUID, str] = {}
    if project_ids:
        rows_found = _plain(
            session,
            select(models.Project.id, models.Project.title).where(
                models.Project.id.in_(project_ids)
            ),
        )
        titles = {project_id: title for project_id, title in rows_found}
    return [
        commitment_record(
            row,
            commune_name=names[row.commune_id],
            project_title=titles.get(row.project_id, "") if row.project_id is not None else "",
        )
        for row in rows
    ]


def _load_exchanges(session: Session, rows: list[Any]) -> list[Record]:
    names = _commune_names(session)
    return [exchange_record(row, commune_name=names[row.commune_id]) for row in rows]


def _load_projects(session: Session, rows: list[Any]) -> list[Record]:
    """A page of projects with their AP in force and their owners' names (the syndicate's for
    its own projects)."""
    budgets = budgets_in_force(session, [row.id for row in rows])
    names = _commune_names(session)
    syndicate = syndicate_name()
    return [
        project_record(
            row,
            budgets.get(row.id),
            owner_name=names[row.owner_commune_id]
            if row.owner_commune_id is not None
            else syndicate,
        )
        for row in rows
    ]


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
        default_sort=("code", False),
        nullable=frozenset({"owner", "end_date"}),
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
        default_sort=("due_date", False),
        nullable=frozenset({"due_date"}),
        load=_load_commitments,
        counted=lambda commune_id: _commitments(commune_id, named=False),
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
        default_sort=("starts_at", True),
        nullable=frozenset(),
        load=_load_meetings,
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
        default_sort=("occurred_on", True),
        nullable=frozenset(),
        load=_load_exchanges,
        counted=lambda commune_id: _exchanges(commune_id, named=False),
    ),
    "stakes": _Kind(
        model=models.MandateStake,
        base=_stakes,
        searched=lambda: (
            models.MandateStake.action,
            models.MandateStake.axis,
            models.MandateStake.line,
        ),
        sort_keys={
            "plan": _plan_order,
            "action": lambda: models.MandateStake.action,
            "commune": lambda: models.Commune.name,
            "priority": _priority_order,
            "progress": lambda: models.MandateStake.progress,
            "axis": lambda: models.MandateStake.axis,
            "line": lambda: models.MandateStake.line,
        },
        default_sort=("plan", False),
        nullable=frozenset(),
        load=lambda _session, rows: [stake_record(row) for row in rows],
        counted=lambda commune_id: _stakes(commune_id, named=False),
    ),
}


# The search kind of each list that the typed text filters through the search index.
_SEARCH_KINDS = {
    "projects": "project",
    "commitments": "commitment",
    "meetings": "meeting",
    "exchanges": "exchange",
    "stakes": "stake",
}


def _filtered(session: Session, request: PageRequest, counting: bool = False) -> Select[Any]:
    """The list's rows for the commune and the text typed.

    Each word typed must start a word of the record's indexed text (as in the search, case and
    accents ignored); the search index answers, kind by kind. On an older store without the
    search layout, each word must appear in one of the listed columns.
    """
    kind = KINDS[request.kind]
    base = kind.counted if counting and kind.counted is not None else kind.base
    statement = base(request.commune_id)
    words = request.text.split()
    if not words:
        return statement
    if search_layout_ready(session.connection()):
        query = fts_query(request.text)
        if not query:
            return statement
        low, high = kind_range(_SEARCH_KINDS[request.kind])
        table = kind.model.__tablename__
        return statement.where(
            text(
                f"{table}.id IN (SELECT record_id FROM search_entries WHERE rowid IN"
                " (SELECT rowid FROM search_index WHERE search_index MATCH :filter_text"
                " AND rowid > :filter_low AND rowid < :filter_high))"
            ).bindparams(filter_text=query, filter_low=low, filter_high=high)
        )
    for word in words:
        pattern = f"%{word}%"
        conditions: list[ColumnElement[bool]] = [
            column.ilike(pattern) for column in kind.searched()
        ]
        statement = statement.where(or_(*conditions))
    return statement


def count_page_rows(session: Session, request: PageRequest) -> int:
    """How many rows the list has with this commune and text, whatever the window."""
    statement = _filtered(session, request, counting=True).with_only_columns(
        func.count(), maintain_column_froms=True
    )
    return session.scalar(statement) or 0


def _rowid(kind: _Kind) -> Any:
    """The tie-breaker: the rowid, last column of every index, so an index gives the order."""
    return literal_column(f"{kind.model.__tablename__}.rowid")


def _sort(kind: _Kind, request: PageRequest) -> tuple[str, bool]:
    if request.sort_key in kind.sort_keys:
        return request.sort_key, request.descending
    key, downwards = kind.default_sort
    return key, downwards != request.descending


def _columns(kind: _Kind) -> list[Any]:
    """The columns of a kind's table, under the names of its mapped attributes: a page reads
    them as plain rows, never through the session's identity map (hydrating two hundred
    objects costs several times the query)."""
    return [attribute.class_attribute for attribute in inspect(kind.model).column_attrs]


def _selected(kind_name: str, statement: Select[Any], *extra: Any) -> Select[Any]:
    """The page's statement reading plain columns and ``extra`` after them; the stakes, whose
    records read their relations, stay ORM entities."""
    if kind_name == "stakes":
        return _loaded(statement.add_columns(*extra), kind_name)
    return statement.with_only_columns(
        *_columns(KINDS[kind_name]), *extra, maintain_column_froms=True
    )


def _record_row(kind_name: str, row: Row[Any]) -> Any:
    """What a loader reads: the row itself, its columns by attribute (a stake: its entity)."""
    return row[0] if kind_name == "stakes" else row


# The labels of the sort value and the rowid read beside a page's columns.
_SORT_VALUE, _ROWID = "page_sort_value", "page_rowid"


def _loaded(statement: Select[Any], kind_name: str) -> Select[Any]:
    """The relations a page's records read, loaded with it; the communes and projects of
    projects, commitments, exchanges and meetings are read as plain rows instead
    (``_load_…``)."""
    if kind_name == "stakes":
        return statement.options(
            selectinload(models.MandateStake.answers).selectinload(models.StakeProject.project),
            selectinload(models.MandateStake.commune),
        )
    return statement


def fetch_page_after(session: Session, request: PageRequest) -> Page:
    """The page after ``request.after`` (the first page without it), and the next page's key.

    The key is (segment, sort value, rowid): segment 0 holds the rows with a value, segment 1,
    read after, those without. Within a segment the rows come by (value, rowid), so a page is
    an index range that starts where the last one stopped.
    """
    kind = KINDS[request.kind]
    key, descending = _sort(kind, request)
    column = kind.sort_keys[key]()
    rowid = _rowid(kind)
    segment, value, last = request.after if request.after is not None else (0, None, None)
    segments = (0, 1) if key in kind.nullable else (0,)
    found: list[tuple[Any, Any, int, int]] = []
    for current in segments:
        if current < segment or len(found) >= request.limit:
            continue
        statement = _selected(
            request.kind,
            _filtered(session, request),
            column.label(_SORT_VALUE),
            rowid.label(_ROWID),
        )
        if key in kind.nullable:
            statement = statement.where(column.is_not(None) if current == 0 else column.is_(None))
        starting = current == segment and last is not None
        if current == 0:
            if starting:
                beyond = (column < value) if descending else (column > value)
                level = (rowid < last) if descending else (rowid > last)
                statement = statement.where(or_(beyond, and_(column == value, level)))
            order = [column.desc(), rowid.desc()] if descending else [column, rowid]
        else:
            if starting:
                statement = statement.where((rowid < last) if descending else (rowid > last))
            order = [rowid.desc() if descending else rowid]
        rows = _execute(
            session, request.kind, statement.order_by(*order).limit(request.limit - len(found))
        )
        found += [
            (
                _record_row(request.kind, row),
                row._mapping[_SORT_VALUE],
                row._mapping[_ROWID],
                current,
            )
            for row in rows
        ]
    records = kind.load(session, [record_row for record_row, _v, _r, _s in found])
    if len(found) < request.limit:
        return Page(records, None)
    _entity, sort_value, row_id, current = found[-1]
    return Page(records, (current, sort_value, row_id))


def fetch_page(session: Session, request: PageRequest) -> list[Record]:
    """One window of the list in the requested order; the rowid breaks ties, so pages never
    overlap. With ``after``, the page after that key; otherwise the page at ``offset``."""
    if request.after is not None or request.offset == 0:
        return fetch_page_after(session, request).records
    kind = KINDS[request.kind]
    key, descending = _sort(kind, request)
    column = kind.sort_keys[key]()
    rowid = _rowid(kind)
    order: list[Any] = [column.is_(None)] if key in kind.nullable else []
    order += [column.desc(), rowid.desc()] if descending else [column, rowid]
    statement = _selected(request.kind, _filtered(session, request)).order_by(*order)
    rows = _execute(session, request.kind, statement.offset(request.offset).limit(request.limit))
    return kind.load(session, [_record_row(request.kind, row) for row in rows])
