"""Full-text search over every record, ignoring case and accents, ranked by relevance.

The SQLite FTS5 index is kept current by triggers in the store itself; a search only turns
what people type into an FTS5 query and gives each hit the communes it concerns.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sitiv_desktop.domain.records import SearchHit
from sitiv_desktop.store import models

_WORD = re.compile(r"\w+", re.UNICODE)
# A title word weighs ten times a body word.
_RANKED_QUERY = text(
    "SELECT e.kind, e.record_id, search_index.title,"
    " snippet(search_index, 1, '', '', '…', 12)"
    " FROM search_index JOIN search_entries AS e ON e.rowid = search_index.rowid"
    " WHERE search_index MATCH :query"
    " ORDER BY bm25(search_index, 10.0, 1.0) LIMIT :limit"
)


def fts_query(typed: str) -> str:
    """Every word typed must appear, as a word or the start of one: « vénis » finds Vénissieux."""
    words = _WORD.findall(typed)
    return " ".join(f'"{word}"*' for word in words)


def search(session: Session, typed: str, limit: int = 50) -> list[SearchHit]:
    query = fts_query(typed)
    if not query:
        return []
    rows = session.execute(_RANKED_QUERY, {"query": query, "limit": limit}).all()
    hits = [
        (kind, uuid.UUID(hex=record_id), title, snippet) for kind, record_id, title, snippet in rows
    ]
    communes = _communes_of(session, [(kind, record_id) for kind, record_id, _t, _s in hits])
    return [
        SearchHit(
            kind=kind,
            record_id=record_id,
            title=title,
            snippet=snippet.strip(),
            commune_names=tuple(sorted(communes.get((kind, record_id), ()))),
        )
        for kind, record_id, title, snippet in hits
    ]


def _communes_of(
    session: Session, keys: Iterable[tuple[str, uuid.UUID]]
) -> dict[tuple[str, uuid.UUID], set[str]]:
    by_kind: dict[str, list[uuid.UUID]] = defaultdict(list)
    for kind, record_id in keys:
        by_kind[kind].append(record_id)
    names = {c.id: c.name for c in session.scalars(select(models.Commune))}
    found: dict[tuple[str, uuid.UUID], set[str]] = defaultdict(set)

    def add(kind: str, pairs: Iterable[tuple[uuid.UUID, uuid.UUID | None]]) -> None:
        for record_id, commune_id in pairs:
            if commune_id is not None and commune_id in names:
                found[(kind, record_id)].add(names[commune_id])

    add("commune", ((i, i) for i in by_kind["commune"]))
    direct: dict[
        str, type[models.Contact | models.Commitment | models.Exchange | models.MandateStake]
    ] = {
        "contact": models.Contact,
        "commitment": models.Commitment,
        "exchange": models.Exchange,
        "stake": models.MandateStake,
    }
    for kind, model in direct.items():
        if by_kind[kind]:
            add(
                kind,
                session.execute(
                    select(model.id, model.commune_id).where(model.id.in_(by_kind[kind]))
                ),
            )
    if by_kind["project"]:
        ids = by_kind["project"]
        add(
            "project",
            session.execute(
                select(models.Project.id, models.Project.owner_commune_id).where(
                    models.Project.id.in_(ids)
                )
            ),
        )
        add(
            "project",
            session.execute(
                select(models.Participation.project_id, models.Participation.commune_id).where(
                    models.Participation.project_id.in_(ids)
                )
            ),
        )
    if by_kind["meeting"]:
        add(
            "meeting",
            session.execute(
                select(models.MeetingCommune.meeting_id, models.MeetingCommune.commune_id).where(
                    models.MeetingCommune.meeting_id.in_(by_kind["meeting"])
                )
            ),
        )
    if by_kind["agenda_item"]:
        add(
            "agenda_item",
            session.execute(
                select(models.AgendaItem.id, models.MeetingCommune.commune_id)
                .join(
                    models.MeetingCommune,
                    models.MeetingCommune.meeting_id == models.AgendaItem.meeting_id,
                )
                .where(models.AgendaItem.id.in_(by_kind["agenda_item"]))
            ),
        )
    return found
