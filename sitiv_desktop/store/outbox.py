"""The switch of the sync's outbox: the triggers the migrations put on every synced table record
each local write for sending, except while the copy's ``sync_state.applying`` flag is set.

The sync sets it while it writes what the service sent; the demonstration sets it while it writes
data that stays on this laptop. This is the one place that sets it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.orm import Session

from sitiv_desktop.store.sync_tables import STATE_ROW, SYNC_STATE


@contextmanager
def outside_outbox(session: Session) -> Iterator[None]:
    """Within it, the session's writes are not recorded for sending."""
    session.execute(update(SYNC_STATE).where(STATE_ROW).values(applying=1))
    yield
    session.execute(update(SYNC_STATE).where(STATE_ROW).values(applying=0))
