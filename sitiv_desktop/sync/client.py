"""A laptop's side of the sync: send the outbox to the service (``push``), then take the
changes (``pull``), or the whole picture of the scope when its shape changed.

Every step is its own transaction and can be interrupted; ``synchronise`` runs them in order and
says what happened in a ``SyncSummary``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from sitiv_desktop.store.outbox import outside_outbox
from sitiv_desktop.store.sync_tables import STATE_ROW, SYNC_STATE
from sitiv_desktop.sync.local import (
    defer_foreign_keys,
    forget_pending,
    pending_count,
    pending_rows,
)
from sitiv_desktop.sync.protocol import DEFAULT_PAGE_ROWS
from sitiv_desktop.sync.pull import pull, refresh
from sitiv_desktop.sync.push import push
from sitiv_desktop.sync.rows import SYNCED_TABLES, dumps, key, table_of
from sitiv_desktop.sync.summary import Backup, Fault, Progress, SyncSummary, no_fault, no_progress

if TYPE_CHECKING:
    from sitiv_desktop.sync.transport import ServiceClient


def synchronise(
    database: Database,
    service: ServiceClient,
    progress: Progress = no_progress,
    is_cancelled: Callable[[], bool] = lambda: False,
    fault: Fault = no_fault,
    backup: Backup | None = None,
) -> SyncSummary:
    """Push the local changes, then pull the service's; returns what happened.

    ``backup`` is called before a refresh would take away rows that were never synced (the first
    connection of a laptop that holds data): nothing leaves a laptop without a copy made first.
    """
    summary = SyncSummary()
    grants = service.grants()
    if not grants:
        raise UserError(_("No commune is granted to this user on the sync service."))
    granted = _joined(grants)
    # The push changes none of these: the state is read once, before it.
    with database.read_session() as session:
        state = session.execute(
            select(SYNC_STATE.c.cursor, SYNC_STATE.c.granted, SYNC_STATE.c.last_sync_at).where(
                STATE_ROW
            )
        ).one()
    never_synced = state.last_sync_at is None
    if never_synced and _holds_data(database):
        if backup is not None:
            summary.backup = backup()
        _adopt_communes(database, service)
    progress(0.02, _("Sending local changes"))
    push(database, service, summary, fault, is_cancelled)
    fault("after-push")
    if never_synced or state.granted != granted:
        progress(0.3, _("Receiving everything you may see"))
        if never_synced:
            _set_aside(database)
        refresh(database, service, summary, progress, is_cancelled, fault)
    else:
        pull(database, service, int(state.cursor), summary, progress, is_cancelled, fault)
    with database.session() as session:
        session.execute(
            update(SYNC_STATE)
            .where(STATE_ROW)
            .values(granted=granted, last_sync_at=dt.datetime.now(), roles=_roles_text(grants))
        )
    progress(1.0, _("Synchronised"))
    return summary


def _joined(grants: dict[uuid.UUID, str]) -> str:
    return ",".join(sorted(str(commune) for commune in grants))


def _roles_text(grants: dict[uuid.UUID, str]) -> str:
    return dumps({commune.hex: role for commune, role in grants.items()})


def _holds_data(database: Database) -> bool:
    with database.read_session() as session:
        return session.scalar(select(models.Commune.id).limit(1)) is not None


# Columns that name a commune, by table: what follows a commune when it takes the service's id.
_COMMUNE_COLUMNS = {
    "contacts": "commune_id", "projects": "owner_commune_id", "participations": "commune_id",
    "meeting_communes": "commune_id", "commitments": "commune_id", "exchanges": "commune_id",
    "mandate_stakes": "commune_id",
}  # fmt: skip


def _adopt_communes(database: Database, service: ServiceClient) -> None:
    """A laptop that never synced made its records against communes of its own: each takes the
    identity the service gives the same commune (same INSEE code), so that records typed
    offline reach the service attached to the right commune."""
    page = service.snapshot_page("communes", None, DEFAULT_PAGE_ROWS)
    columns = page.columns
    theirs = {row[columns.index("insee_code")]: row[columns.index("id")] for row in page.rows()}
    with database.session() as session, outside_outbox(session):
        defer_foreign_keys(session)
        local = session.execute(select(models.Commune.id, models.Commune.insee_code)).all()
        for row_id, insee in local:
            mine = row_id.hex
            target = theirs.get(insee)
            if target is None or target == mine:
                continue
            old, new = uuid.UUID(mine), uuid.UUID(target)
            for table_name, column in _COMMUNE_COLUMNS.items():
                table = table_of(table_name)
                session.execute(update(table).where(table.c[column] == old).values({column: new}))
            communes = table_of("communes")
            session.execute(update(communes).where(communes.c.id == old).values(id=new))
            # The service holds the commune itself: only what was typed about it is sent.
            forget_pending(session, "communes", mine)


def _set_aside(database: Database) -> None:
    """Before a laptop's first picture of its scope: what it holds that was never sent (the
    demonstration) goes, a copy having been kept; its communes, adopted, stay for the picture to
    overwrite. Records still waiting to be sent stay too."""
    with database.session() as session, outside_outbox(session):
        defer_foreign_keys(session)
        pending = pending_rows(session)
        for name in reversed(SYNCED_TABLES):
            if name == "communes":
                continue
            table = table_of(name)
            for row_id in list(session.scalars(select(table.c.id))):
                if (name, key(row_id)) not in pending:
                    session.execute(delete(table).where(table.c.id == row_id))


__all__ = ["SyncSummary", "outside_outbox", "pending_count", "synchronise"]
