"""The switch of the sync's outbox: the triggers the migrations put on every synced table record
each local write for sending, except while the copy's ``sync_state.applying`` flag is set.

The sync sets it while it writes what the service sent; the demonstration sets it while it writes
data that stays on this laptop. This is the one place that sets it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session


@contextmanager
def outside_outbox(session: Session) -> Iterator[None]:
    """Within it, the session's writes are not recorded for sending."""
    session.execute(text("UPDATE sync_state SET applying = 1 WHERE id = 1"))
    yield
    session.execute(text("UPDATE sync_state SET applying = 0 WHERE id = 1"))
