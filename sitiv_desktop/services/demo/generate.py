"""Filling the local copy: draw every record, then write them table by table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, insert, select, text
from sqlalchemy.orm import Session

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.demo.commitments import make_commitments
from sitiv_desktop.services.demo.communes import make_communes
from sitiv_desktop.services.demo.exchanges import make_exchanges, make_stakes
from sitiv_desktop.services.demo.maker import (
    Maker,
    hire_staff,
)
from sitiv_desktop.services.demo.meetings import make_meetings
from sitiv_desktop.services.demo.projects import Counters, make_projects
from sitiv_desktop.store import models

Progress = Callable[[float, str], None]
BATCH_ROWS = 5000
# Share of the progress bar spent drawing the data; the rest is writing it.
DRAWING_SHARE = 0.3


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each table the demonstration data holds."""

    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _no_progress(fraction: float, text: str) -> None:
    """Callers that show no progress pass nothing."""


def generate_demo(
    session: Session,
    seed: int = 1,
    scale: int = 1,
    replace: bool = False,
    progress: Progress = _no_progress,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill the local copy with demonstration data; refuses a copy that holds data already.

    With ``replace``, the data already there is deleted first, in the same transaction.
    """
    if scale < 1:
        raise UserError(_("--scale: give a whole number of at least 1."), "scale")
    if not replace and _holds_data(session):
        raise UserError(
            _("The local copy already holds data; add --replace to replace it."), "replace"
        )
    progress(0.0, _("Preparing the demonstration data"))
    maker = Maker(seed, today or dt.date.today())
    staff = hire_staff(maker)
    communes = make_communes(maker)
    counters = Counters()
    for copy in range(scale):
        projects = make_projects(maker, communes, counters)
        commitments = make_commitments(maker, communes, projects, staff)
        make_meetings(maker, communes, projects, commitments, staff)
        make_exchanges(maker, communes, projects, commitments, staff)
        make_stakes(maker, communes, projects)
        progress(DRAWING_SHARE * (copy + 1) / scale, _("Preparing the demonstration data"))
    _without_outbox(session, applying=True)
    if replace:
        _clear(session)
    summary = _insert(session, maker, progress)
    _without_outbox(session, applying=False)
    progress(1.0, _("Demonstration data written"))
    return summary


def _holds_data(session: Session) -> bool:
    return any(
        session.scalar(select(exists().select_from(table)))
        for table in models.Base.metadata.sorted_tables
    )


def _without_outbox(session: Session, applying: bool) -> None:
    """Demonstration data stays on this laptop: neither its rows nor the deletions of ``replace``
    enter the outbox of the sync (whose triggers stand still while ``applying`` is set)."""
    session.execute(
        text("UPDATE sync_state SET applying = :applying WHERE id = 1"),
        {"applying": int(applying)},
    )


def _clear(session: Session) -> None:
    for table in reversed(models.Base.metadata.sorted_tables):
        session.execute(delete(table))
    # The sync's bookkeeping spoke of rows that are gone: forget it, so that a later sync starts
    # afresh and brings the shared data back in full instead of trusting an old cursor.
    for bookkeeping in ("sync_outbox", "sync_shadows", "sync_conflicts", "sync_refused", "history"):
        session.execute(text(f"DELETE FROM {bookkeeping}"))
    session.execute(text("UPDATE sync_state SET cursor = 0, last_sync_at = NULL WHERE id = 1"))


def _insert(session: Session, maker: Maker, progress: Progress) -> DemoSummary:
    rank = {table.name: index for index, table in enumerate(models.Base.metadata.sorted_tables)}
    order = sorted(maker.rows, key=lambda model: rank[model.__tablename__])
    total = sum(len(rows) for rows in maker.rows.values())
    done = 0
    counts: dict[str, int] = {}
    connection = session.connection()
    tables = models.Base.metadata.tables
    for model in order:
        rows = maker.rows[model]
        for start in range(0, len(rows), BATCH_ROWS):
            batch = rows[start : start + BATCH_ROWS]
            # Core executemany: one statement per batch (the ORM splits rows by their None
            # columns into tens of thousands of statements).
            connection.execute(insert(tables[model.__tablename__]), batch)
            done += len(batch)
            fraction = DRAWING_SHARE + (1 - DRAWING_SHARE) * done / total
            progress(min(fraction, 0.99), _("Writing the demonstration data"))
        counts[model.__tablename__] = len(rows)
    return DemoSummary(counts)
