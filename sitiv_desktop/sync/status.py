"""Where the sync stands, as the status bar and the command line tell it: last sync, what waits,
what needs a person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.dates import format_timedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.i18n import _, babel_locale, ngettext
from sitiv_desktop.store.sync_tables import (
    CONFLICTS,
    OUTBOX,
    REFUSED,
    STATE_ROW,
    SYNC_STATE,
    count_of,
)

if TYPE_CHECKING:
    from sitiv_desktop.sync.summary import SyncSummary


@dataclass(frozen=True)
class SyncStatus:
    last_sync_at: dt.datetime | None
    pending: int
    conflicts: int
    refused: int


def read_sync_status(session: Session) -> SyncStatus:
    last = session.scalar(select(SYNC_STATE.c.last_sync_at).where(STATE_ROW))
    return SyncStatus(
        last_sync_at=last,
        pending=count_of(session, OUTBOX),
        conflicts=count_of(session, CONFLICTS),
        refused=count_of(session, REFUSED),
    )


def read_cursor(session: Session) -> int:
    """How far in the service's feed this copy has read."""
    return int(session.scalar(select(SYNC_STATE.c.cursor).where(STATE_ROW)) or 0)


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


def format_elapsed(delta: dt.timedelta) -> str:
    """« 5 min », « 2 h », « 3 j » in the current language."""
    return format_timedelta(max(delta, dt.timedelta(0)), format="short", locale=babel_locale())


def status_text(
    configured: bool, reachable: bool, status: SyncStatus, now: dt.datetime | None = None
) -> str:
    """« Hors ligne », « Connecté », « Dernière synchronisation il y a 5 min », then what waits."""
    if not configured or not reachable:
        text_ = _("Offline")
    elif status.last_sync_at is None:
        text_ = _("Connected")
    else:
        elapsed = (now or dt.datetime.now()) - status.last_sync_at
        if elapsed < dt.timedelta(minutes=1):
            text_ = _("Synchronised just now")
        else:
            text_ = _("Last synchronised {ago} ago").format(ago=format_elapsed(elapsed))
    if status.pending:
        text_ += " · " + ngettext(
            "{count} change waiting", "{count} changes waiting", status.pending
        ).format(count=status.pending)
    return text_


def issues_text(status: SyncStatus) -> str:
    """« 1 conflit · 2 modifications refusées »; empty when nothing waits for a person."""
    parts = []
    if status.conflicts:
        parts.append(
            ngettext("{count} conflict", "{count} conflicts", status.conflicts).format(
                count=status.conflicts
            )
        )
    if status.refused:
        parts.append(
            ngettext("{count} refused change", "{count} refused changes", status.refused).format(
                count=status.refused
            )
        )
    return " · ".join(parts)
