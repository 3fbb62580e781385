"""Full-text search over every record, ignoring case, accents, ligatures and apostrophes.

The SQLite FTS5 index is kept current by triggers in the store itself (see ``store.indexes``).
Its entries are numbered by kind, so that a search reads each kind as one rowid range: per
kind, a count capped at ``COUNT_CAP``, a bounded set of title matches ranked here, and body
matches only when titles do not fill the group. No query ranks every match, so « v » costs
what « vénissieux » does, whatever the size of the copy.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from sitiv_desktop.domain.kinds import kind_label
from sitiv_desktop.domain.records import SearchHit
from sitiv_desktop.services.text import fold
from sitiv_desktop.store import models
from sitiv_desktop.store.indexes import SEARCH_KINDS, kind_range, search_layout_ready

_WORD = re.compile(r"\w+", re.UNICODE)
_APOSTROPHES = "'’ʼ‘`´"
_INSEE = re.compile(r"^(?:\d{2,5}|2[AB]\d{0,3})$", re.IGNORECASE)
_LIGATURES = (("oe", "œ"), ("ae", "æ"))
# Counts stop here: « 1 000+ » is all a person needs to know to type one more letter.
COUNT_CAP = 1000
# How many title matches of a kind are ranked to choose the few shown.
TITLE_CANDIDATES = 40
SNIPPET_WORDS = 12
# The index stores prefixes of one to three letters (store.indexes.SEARCH_INDEX_DDL).
PREFIX_INDEXED = 3
# A longer prefix is replaced by the words it starts when there are at most this many.
MAX_EXPANDED = 24

_VOCABULARY = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms"
    " USING fts5vocab(main, search_index, 'row')"
)
_TERMS = text("SELECT term FROM temp.search_terms WHERE term >= :low AND term < :high LIMIT :limit")

_COUNT = text(
    "SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH :query"
    " AND rowid > :low AND rowid < :high LIMIT :cap)"
)
_TITLES = text(
    "SELECT rowid, title, substr(body, 1, 240) FROM search_index"
    " WHERE search_index MATCH :query AND rowid > :low AND rowid < :high"
    " ORDER BY rowid DESC LIMIT :limit"
)
_BODIES = text(
    "SELECT rowid, title, snippet(search_index, 1, '', '', '…', 12) FROM search_index"
    " WHERE search_index MATCH :query AND rowid > :low AND rowid < :high"
    " ORDER BY rowid DESC LIMIT :limit"
)
_RECORD_IDS = text("SELECT rowid, record_id FROM search_entries WHERE rowid IN :rowids").bindparams(
    bindparam("rowids", expanding=True)
)
# The layout of an older store, before entries were numbered by kind.
_LEGACY = text(
    "SELECT e.kind, e.rowid, search_index.title,"
    " snippet(search_index, 1, '', '', '…', 12)"
    " FROM search_index JOIN search_entries AS e ON e.rowid = search_index.rowid"
    " WHERE search_index MATCH :query ORDER BY bm25(search_index, 10.0, 1.0) LIMIT :limit"
)


@dataclass(frozen=True)
class SearchGroup:
    """The hits of one kind: the few best, and how many there are in all (at least, if capped)."""

    kind: str
    hits: tuple[SearchHit, ...]
    total: int
    capped: bool = False
    # The first ``title_matches`` hits match in their title, the others in their text.
    title_matches: int = 0
    label: str = field(default="", compare=False)

    @property
    def others(self) -> int:
        """How many matches of this kind are not shown."""
        return max(0, self.total - len(self.hits))


@dataclass
class _Found:
    rowid: int
    title: str
    snippet: str
    in_title: bool


def search_words(typed: str) -> list[str]:
    """The words typed, folded; elided articles (« l’ », « d’ », « qu’ ») are dropped."""
    words = []
    for match in _WORD.finditer(typed):
        word = match.group()
        following = typed[match.end() : match.end() + 1]
        if (
            len(word) <= 2
            and following
            and following in _APOSTROPHES
            and match.end() + 1 < len(typed)
        ):
            continue
        words.append(fold(word))
    return [word for word in words if word]


def _variants(word: str) -> list[str]:
    """« voeux » and « vœux » are both written: each finds the other."""
    found = {word}
    for plain, ligature in _LIGATURES:
        found |= {variant.replace(plain, ligature) for variant in found}
        found |= {variant.replace(ligature, plain) for variant in found}
    return sorted(found)


def _term(word: str) -> str:
    variants = [f'"{variant}"*' for variant in _variants(word)]
    return variants[0] if len(variants) == 1 else "(" + " OR ".join(variants) + ")"


def fts_query(typed: str) -> str:
    """Every word typed must appear, as a word or the start of one: « vénis » finds Vénissieux."""
    return " AND ".join(_term(word) for word in search_words(typed))


def _expanded_term(session: Session, word: str) -> str | None:
    """A word as the index reads it fastest; None when no indexed word starts with it.

    Up to three letters, the prefix index answers at once. A longer prefix would make FTS5 merge
    the lists of every word it starts, once per query: the words are looked up once in the
    vocabulary instead, and the query names them, which each query then reads lazily.
    """
    if len(word) <= PREFIX_INDEXED:
        return _term(word)
    session.connection().exec_driver_sql(_VOCABULARY)
    terms: list[str] = []
    for variant in _variants(word):
        after = variant[:-1] + chr(ord(variant[-1]) + 1)
        terms += session.execute(
            _TERMS, {"low": variant, "high": after, "limit": MAX_EXPANDED + 1}
        ).scalars()
    if not terms:
        return None
    if len(terms) > MAX_EXPANDED:
        return _term(word)
    quoted = [f'"{term}"' for term in sorted(set(terms))]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def _title_score(title: str, words: Sequence[str]) -> tuple[int, int, int]:
    """Titles starting with the text typed first, then those holding the words whole, then short."""
    folded = fold(title)
    title_words = set(_WORD.findall(folded))
    starts = 0 if words and folded.startswith(words[0]) else 1
    whole = sum(1 for word in words if word not in title_words)
    return starts, whole, len(title)


def _shorten(body: str) -> str:
    words = body.split()
    return " ".join(words[:SNIPPET_WORDS]) + ("…" if len(words) > SNIPPET_WORDS else "")


def _kind_matches(
    session: Session, kind: str, query: str, words: Sequence[str], per_kind: int
) -> tuple[list[_Found], int]:
    low, high = kind_range(kind)
    bounds = {"low": low, "high": high}
    total = session.execute(_COUNT, {"query": query, "cap": COUNT_CAP + 1, **bounds}).scalar()
    if not total:
        return [], 0
    in_titles = "{title} : (" + query + ")"
    candidates = [
        _Found(rowid, title, _shorten(body), True)
        for rowid, title, body in session.execute(
            _TITLES, {"query": in_titles, "limit": TITLE_CANDIDATES, **bounds}
        )
    ]
    candidates.sort(key=lambda found: _title_score(found.title, words))
    chosen = candidates[:per_kind]
    if len(chosen) < per_kind and total > len(chosen):
        chosen += [
            _Found(rowid, title, snippet, False)
            for rowid, title, snippet in session.execute(
                _BODIES,
                {
                    "query": f"({query}) NOT {in_titles}",
                    "limit": per_kind - len(chosen),
                    **bounds,
                },
            )
        ]
    return chosen, int(total)


def _legacy_matches(
    session: Session, query: str, words: Sequence[str], per_kind: int
) -> dict[str, tuple[list[_Found], int]]:
    found: dict[str, tuple[list[_Found], int]] = {}
    rows = session.execute(_LEGACY, {"query": query, "limit": COUNT_CAP * len(SEARCH_KINDS)})
    for kind, rowid, title, snippet in rows:
        shown, total = found.get(kind, ([], 0))
        if len(shown) < per_kind:
            shown.append(_Found(rowid, title, snippet, _in_title(title, words)))
        found[kind] = (shown, total + 1)
    for shown, _total in found.values():
        shown.sort(key=lambda f: not f.in_title)
    return found


def _in_title(title: str, words: Sequence[str]) -> bool:
    title_words = _WORD.findall(fold(title))
    return all(any(w.startswith(v) for w in title_words for v in _variants(word)) for word in words)


def _insee_matches(session: Session, typed: str) -> list[models.Commune]:
    """Communes whose INSEE code starts with the digits typed (« 69259 », « 692 », « 2A004 »)."""
    code = typed.strip().upper()
    if not _INSEE.match(code):
        return []
    after = code[:-1] + chr(ord(code[-1]) + 1)
    return list(
        session.scalars(
            select(models.Commune)
            .where(models.Commune.insee_code >= code, models.Commune.insee_code < after)
            .order_by(models.Commune.insee_code)
            .limit(COUNT_CAP + 1)
        )
    )


def search_grouped(session: Session, typed: str, per_kind: int = 5) -> list[SearchGroup]:
    """The hits grouped by kind, a few of each, with how many each kind has.

    Kinds come in the order communes, projects, commitments, meetings, agenda items,
    exchanges, contacts, stakes; kinds without a match are left out.
    """
    words = search_words(typed)
    by_code = _insee_matches(session, typed)
    matches: dict[str, tuple[list[_Found], int]] = {}
    if words and search_layout_ready(session.connection()):
        terms = [_expanded_term(session, word) for word in words]
        if all(term is not None for term in terms):
            query = " AND ".join(term for term in terms if term is not None)
            matches = {
                kind: _kind_matches(session, kind, query, words, per_kind) for kind in SEARCH_KINDS
            }
    elif words:
        matches = _legacy_matches(session, fts_query(typed), words, per_kind)
    if not matches and not by_code:
        return []
    rowids = [found.rowid for shown, _total in matches.values() for found in shown]
    record_ids = _record_ids(session, rowids)
    communes = _communes_of(
        session,
        [(kind, record_ids[f.rowid]) for kind, (shown, _t) in matches.items() for f in shown]
        + [("commune", commune.id) for commune in by_code],
    )
    groups = []
    for kind in SEARCH_KINDS:
        shown, total = matches.get(kind, ([], 0))
        hits = [
            SearchHit(
                kind=kind,
                record_id=record_ids[found.rowid],
                title=found.title,
                snippet=found.snippet.strip(),
                commune_names=tuple(sorted(communes.get((kind, record_ids[found.rowid]), ()))),
            )
            for found in shown
        ]
        titled = sum(1 for found in shown if found.in_title)
        if kind == "commune" and by_code:
            known = {hit.record_id for hit in hits}
            extra = [
                SearchHit("commune", c.id, c.name, c.insee_code, (c.name,))
                for c in by_code
                if c.id not in known
            ]
            hits = (extra + hits)[: max(per_kind, 1)]
            titled = min(len(hits), titled + len(extra))
            total += len(extra)
        if hits or total:
            groups.append(
                SearchGroup(
                    kind,
                    tuple(hits),
                    min(total, COUNT_CAP),
                    capped=total > COUNT_CAP,
                    title_matches=titled,
                    label=kind_label(kind),
                )
            )
    return groups


def search(session: Session, typed: str, limit: int = 50) -> list[SearchHit]:
    """One list: title matches first, kind by kind, then matches in the text."""
    groups = search_grouped(session, typed, per_kind=limit)
    titled = [hit for group in groups for hit in group.hits[: group.title_matches]]
    others = [hit for group in groups for hit in group.hits[group.title_matches :]]
    return (titled + others)[:limit]


def _record_ids(session: Session, rowids: Sequence[int]) -> dict[int, uuid.UUID]:
    if not rowids:
        return {}
    rows = session.execute(_RECORD_IDS, {"rowids": list(rowids)})
    return {rowid: uuid.UUID(hex=record_id) for rowid, record_id in rows}


def _communes_of(
    session: Session, keys: Iterable[tuple[str, uuid.UUID]]
) -> dict[tuple[str, uuid.UUID], set[str]]:
    by_kind: dict[str, list[uuid.UUID]] = defaultdict(list)
    for kind, record_id in keys:
        by_kind[kind].append(record_id)
    names: dict[uuid.UUID, str] = {
        i: n for i, n in session.execute(select(models.Commune.id, models.Commune.name))
    }
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
