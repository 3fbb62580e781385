"""Where the sync stands, as the status bar tells it: last sync, what waits, what needs a person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from sitiv_desktop.sync.client import SyncSummary

from sitiv_desktop.i18n import _, ngettext


@dataclass(frozen=True)
class SyncStatus:
    last_sync_at: dt.datetime | None
    pending: int
    conflicts: int
    refused: int


def read_sync_status(session: Session) -> SyncStatus:
    last = session.execute(text("SELECT last_sync_at FROM sync_state WHERE id = 1")).scalar()
    conflicts = session.execute(text("SELECT count(*) FROM sync_conflicts")).scalar() or 0
    refused = session.execute(text("SELECT count(*) FROM sync_refused")).scalar() or 0
    pending = session.execute(text("SELECT count(*) FROM sync_outbox")).scalar() or 0
    return SyncStatus(_moment(last), int(pending), int(conflicts), int(refused))


def _moment(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def summary_sentence(summary: SyncSummary) -> str:
    """« Synchronisé : 12 reçus, 1 envoyé, 0 fusionné, 1 conflit, 0 refusé. »"""
    parts = [
        ngettext("{n} received", "{n} received", summary.received).format(n=summary.received),
        ngettext("{n} sent", "{n} sent", summary.sent).format(n=summary.sent),
        ngettext("{n} merged", "{n} merged", summary.merged).format(n=summary.merged),
        ngettext("{n} conflict", "{n} conflicts", summary.conflicts).format(n=summary.conflicts),
        ngettext("{n} refused", "{n} refused", summary.refused).format(n=summary.refused),
    ]
    return _("Synchronised: {parts}.").format(parts=", ".join(parts))
