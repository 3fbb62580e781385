"""Edits and deletions that Ctrl+Z takes back until the next sync.

Before a record is deleted, its row and every row the deletion takes with it (children by
``ON DELETE CASCADE``, links cleared by ``ON DELETE SET NULL``) are copied; undoing puts them back
with their identifiers, so links from other records hold again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QUndoCommand
from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Mapper, Session

from sitiv_desktop.store import models
from sitiv_desktop.ui.tasks import StoreRunner


@dataclass
class Snapshot:
    """Rows in the order they must be inserted again (parents first), and links to restore."""

    rows: list[tuple[type[Any], dict[str, Any]]] = field(default_factory=list)
    links: list[tuple[Table, str, uuid.UUID, Any]] = field(default_factory=list)


def _mapper_of(table: Table) -> Mapper[Any]:
    for mapper in models.Base.registry.mappers:
        if mapper.local_table is table:
            return mapper
    raise LookupError(table.name)


def _take(session: Session, table: Table, where: Any, snapshot: Snapshot) -> None:
    mapper = _mapper_of(table)
    rows = session.execute(select(table).where(where)).mappings().all()
    for row in rows:
        values = {mapper.get_property_by_column(column).key: row[column.name] for column in table.c}
        snapshot.rows.append((mapper.class_, values))
    ids = [row["id"] for row in rows]
    if not ids:
        return
    for other in models.Base.metadata.sorted_tables:
        for foreign_key in other.foreign_keys:
            if foreign_key.column.table is not table:
                continue
            column = foreign_key.parent
            if foreign_key.ondelete == "CASCADE":
                _take(session, other, column.in_(ids), snapshot)
            elif foreign_key.ondelete == "SET NULL":
                linked = session.execute(select(other.c.id, column).where(column.in_(ids)))
                snapshot.links.extend(
                    (other, column.name, link_id, target) for link_id, target in linked
                )


def snapshot_of(session: Session, model: type[Any], record_id: uuid.UUID) -> Snapshot:
    snapshot = Snapshot()
    table = model.__table__
    _take(session, table, table.c.id == record_id, snapshot)
    return snapshot


def restore(session: Session, snapshot: Snapshot) -> None:
    for model, values in snapshot.rows:
        session.add(model(**values))
        session.flush()
    for table, column, link_id, target in snapshot.links:
        session.execute(update(table).where(table.c.id == link_id).values({column: target}))


class DeleteCommand(QUndoCommand):
    """Delete one record through its service; undo puts back what the deletion removed."""

    def __init__(
        self,
        runner: StoreRunner,
        model: type[Any],
        record_id: uuid.UUID,
        delete: Callable[[Session, uuid.UUID], None],
        text: str,
    ) -> None:
        super().__init__(text)
        self.runner = runner
        self.model, self.record_id, self.delete = model, record_id, delete
        self.snapshot: Snapshot | None = None

    def redo(self) -> None:
        # The snapshot is kept from the worker itself: an undo queued right after still finds it.
        def work(session: Session) -> None:
            taken = snapshot_of(session, self.model, self.record_id)
            self.delete(session, self.record_id)
            session.flush()
            self.snapshot = taken

        self.runner.write(work, lambda _result: None)

    def undo(self) -> None:
        def work(session: Session) -> None:
            if self.snapshot is not None:
                restore(session, self.snapshot)

        self.runner.write(work, lambda _result: None)


def replace_record(
    session: Session, model: type[Any], record_id: uuid.UUID, snapshot: Snapshot
) -> None:
    """Put one record (and what hangs on it) back as ``snapshot`` holds it; empty removes it."""
    table = model.__table__
    session.execute(delete(table).where(table.c.id == record_id))
    session.flush()
    session.expunge_all()
    restore(session, snapshot)


class EditCommand(QUndoCommand):
    """An edit already saved: undo puts the record back as it was before, redo as after.

    A creation has an empty « before »: undoing it removes the record.
    """

    def __init__(
        self,
        runner: StoreRunner,
        model: type[Any],
        record_id: uuid.UUID,
        before: Snapshot,
        after: Snapshot,
        text: str,
    ) -> None:
        super().__init__(text)
        self.runner = runner
        self.model, self.record_id = model, record_id
        self.before, self.after = before, after
        self._first = True

    def _put(self, snapshot: Snapshot) -> None:
        model, record_id = self.model, self.record_id
        self.runner.write(
            lambda session: replace_record(session, model, record_id, snapshot),
            lambda _result: None,
        )

    def redo(self) -> None:
        if self._first:  # the dialog saved it already
            self._first = False
            return
        self._put(self.after)

    def undo(self) -> None:
        self._put(self.before)
