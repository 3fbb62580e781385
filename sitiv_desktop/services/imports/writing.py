"""The writing: rows to insert, update and delete, applied set-wise in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.orm import Session

from sitiv_desktop.domain.transfers import (
    ImportPreview,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import ngettext
from sitiv_desktop.store import models


class ImportRefused(UserError):
    """The file has bad rows and the user did not choose to skip them: nothing was written."""

    def __init__(self, preview: ImportPreview) -> None:
        # Rows, not problems: a row may have several (the first row, for a missing column).
        count = len({problem.row for problem in preview.problems})
        super().__init__(
            ngettext(
                "Nothing was imported: {count} row has a problem. Correct it, or choose to skip "
                "the bad rows.",
                "Nothing was imported: {count} rows have a problem. Correct them, or choose to "
                "skip the bad rows.",
                count,
            ).format(count=count),
            # The choice to skip them: the command line names its option, the window its box.
            "skip_bad_rows",
        )
        self.preview = preview


@dataclass
class Writes:
    """Rows to insert, update (by primary key, changed columns only) and delete, per table."""

    inserts: dict[type[models.Base], list[dict[str, Any]]] = field(default_factory=dict)
    updates: dict[type[models.Base], list[dict[str, Any]]] = field(default_factory=dict)
    deletes: dict[type[models.Base], list[uuid.UUID]] = field(default_factory=dict)

    # Parents before children for inserts; children's deletions first.
    ORDER = (
        models.Project,
        models.Participation,
        models.Commitment,
        models.PpiLine,
        models.PaymentCredit,
        models.ApRevision,
    )

    @property
    def empty(self) -> bool:
        """Nothing to write: the local copy already holds what the file says."""
        return not any((*self.inserts.values(), *self.updates.values(), *self.deletes.values()))

    def insert(self, model: type[models.Base], row: dict[str, Any]) -> None:
        self.inserts.setdefault(model, []).append(row)

    def update(self, model: type[models.Base], row: dict[str, Any]) -> None:
        self.updates.setdefault(model, []).append(row)

    def delete(self, model: type[models.Base], row_id: uuid.UUID) -> None:
        self.deletes.setdefault(model, []).append(row_id)

    def apply(self, session: Session) -> None:
        model: Any
        for model in reversed(self.ORDER):
            ids = self.deletes.get(model, [])
            for start in range(0, len(ids), 500):
                session.execute(delete(model).where(model.id.in_(ids[start : start + 500])))
        for model in self.ORDER:
            rows = self.inserts.get(model)
            if rows:
                session.execute(insert(model), rows)
            by_columns: dict[frozenset[str], list[dict[str, Any]]] = {}
            for row in self.updates.get(model, []):
                by_columns.setdefault(frozenset(row), []).append(row)
            for group in by_columns.values():
                session.execute(update(model), group)
        session.flush()
