"""What one sync did, told to the window and the command line, and the callbacks it takes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitiv_desktop.progress import Progress, no_progress
from sitiv_desktop.sync.protocol import LogOp, ServerChange
from sitiv_desktop.sync.rows import dumps

Fault = Callable[[str], None]
Backup = Callable[[], Path]


@dataclass
class SyncSummary:
    received: int = 0
    sent: int = 0
    merged: int = 0
    conflicts: int = 0
    refused: int = 0
    full_refresh: bool = False
    backup: Path | None = None
    # What this sync sent and the service took: the pull brings it back, and it is not news.
    sent_here: set[tuple[str, str, str]] = field(default_factory=set, repr=False)

    def is_echo(self, change: ServerChange) -> bool:
        fields = "" if change.op is LogOp.DELETE else dumps(change.data)
        return (change.table, change.row_id, fields) in self.sent_here


def no_fault(step: str) -> None:
    """Tests stop the process here, as a crash would; in use, nothing happens."""


__all__ = ["Backup", "Fault", "Progress", "SyncSummary", "no_fault", "no_progress"]
