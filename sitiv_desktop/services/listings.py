"""The records of one kind as the command line lists them: records for JSON, rows for a table.

The columns are the window's own (``services.columns``), in the command line's order. A
commitment's record for JSON carries ``late`` as well, by the rule the window marks it by
(``CommitmentRecord.is_late``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from sitiv_desktop.domain.records import CommitmentRecord
from sitiv_desktop.services.columns import COMMAND_LINE_LISTS
from sitiv_desktop.services.commitments import CommitmentFilter, list_commitments
from sitiv_desktop.services.communes import list_communes
from sitiv_desktop.services.exchanges import exchange_timeline
from sitiv_desktop.services.meetings import list_meetings
from sitiv_desktop.services.projects import ProjectFilter, list_projects

Listing = tuple[Sequence[Any], list[str], Sequence[Sequence[str]]]


def listing(session: Session, kind: str, commune_id: uuid.UUID | None) -> Listing:
    readers: dict[str, Callable[[Session, uuid.UUID | None], Sequence[Any]]] = {
        "communes": lambda s, c: [r for r in list_communes(s) if c in (None, r.id)],
        "projects": lambda s, c: list_projects(s, ProjectFilter(commune_id=c)),
        "commitments": lambda s, c: list_commitments(s, CommitmentFilter(commune_id=c)),
        "meetings": list_meetings,
        "exchanges": exchange_timeline,
    }
    records = readers[kind](session, commune_id)
    columns = COMMAND_LINE_LISTS[kind]
    headers = [column.label for column in columns]
    rows = [tuple(column.display(record) for column in columns) for record in records]
    if kind == "commitments":
        return [_with_late(record, dt.date.today()) for record in records], headers, rows
    return records, headers, rows


def _with_late(record: CommitmentRecord, today: dt.date) -> dict[str, Any]:
    """The commitment's fields and whether it is late today."""
    return {**dataclasses.asdict(record), "late": record.is_late(today)}
