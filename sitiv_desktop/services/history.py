"""A record's history: who changed which field, when, from what to what.

Two sources: the shared ``history`` the sync brings to the laptop (one entry per accepted
change, with the author and the server's time), and the edits made on this laptop that are not
synced yet (the ``sync_outbox``), whose old values are the ``sync_shadows`` copy of the row as
last synced and whose new values are the row as it stands. The query reads plain tables only,
so the window, the packs and the command line can all use it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, Text, inspect, select, type_coerce
from sqlalchemy.orm import Session

from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.i18n import N_, _
from sitiv_desktop.store import models
from sitiv_desktop.store.sync_tables import HISTORY, OUTBOX, SHADOWS, row_of

# Columns that are no one's business in a history: identifiers and links shown elsewhere.
HIDDEN_FIELDS = frozenset({"id"})

FIELD_LABELS: dict[str, str] = {
    "code": N_("Code"),
    "title": N_("Title"),
    "description": N_("Description"),
    "domain": N_("Domain"),
    "status": N_("Status"),
    "owner_commune_id": N_("Owner"),
    "partners": N_("Partners"),
    "start_date": N_("Start"),
    "end_date": N_("End"),
    "progress": N_("Progress"),
    "commune_id": N_("Commune"),
    "promised_by": N_("Promised by"),
    "responsible": N_("Responsible"),
    "made_on": N_("Made on"),
    "due_date": N_("Due date"),
    "closed_on": N_("Closed on"),
    "meeting_id": N_("Meeting"),
    "project_id": N_("Project"),
    "kind": N_("Kind"),
    "starts_at": N_("Date and time"),
    "duration_minutes": N_("Duration"),
    "place": N_("Place"),
    "participants": N_("Participants"),
    "minutes": N_("Minutes"),
    "occurred_on": N_("Date"),
    "channel": N_("Channel"),
    "direction": N_("Direction"),
    "subject": N_("Subject"),
    "summary": N_("Summary"),
    "follow_up": N_("Follow-up"),
    "author": N_("Author"),
    "commitment_id": N_("Commitment"),
    "axis": N_("Axis"),
    "line": N_("Line"),
    "action": N_("Action"),
    "priority": N_("Priority"),
    "note": N_("Note"),
    "name": N_("Name"),
    "insee_code": N_("INSEE code"),
    "population": N_("Population"),
    "mayor": N_("Mayor"),
    "speaker_notes": N_("Speaker's notes"),
    "evidence": N_("Evidence"),
    "left_on": N_("Member until"),
    "joined_on": N_("Member since"),
    "full_name": N_("Name"),
    "role": N_("Role"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "departement": N_("Département"),
    "metropole": N_("Intercommunality"),
    "cost_share": N_("Cost share"),
    "done_on": N_("Done on"),
    "year": N_("Year"),
    "amount_cents": N_("Amount"),
    "voted_on": N_("Voted on"),
    "line_id": N_("PPI line"),
    "stake_id": N_("Mandate stake"),
    "position": N_("Position"),
    "presenter": N_("Presenter"),
    "outcome": N_("Outcome"),
    "outcome_text": N_("Outcome in words"),
    "carried_from_id": N_("Carried over from"),
}

# The tables whose records have a history, by the kind they hold.
TABLES: dict[str, type[Any]] = {
    kind.table: model
    for kind, model in (
        (RecordKind.PROJECT, models.Project),
        (RecordKind.COMMITMENT, models.Commitment),
        (RecordKind.MEETING, models.Meeting),
        (RecordKind.EXCHANGE, models.Exchange),
        (RecordKind.STAKE, models.MandateStake),
        (RecordKind.PPI_LINE, models.PpiLine),
        (RecordKind.COMMUNE, models.Commune),
        (RecordKind.CONTACT, models.Contact),
    )
}


def field_label(name: str) -> str:
    """The French label of a column (the column's own name when it has none)."""
    label = FIELD_LABELS.get(name)
    return _(label) if label else name


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return field_label(self.field)


@dataclass(frozen=True)
class HistoryEvent:
    """One change of one record: ``pending`` when it is a local edit not synced yet."""

    op: str  # insert, update, delete
    author: str
    at: dt.datetime | None
    changes: tuple[FieldChange, ...]
    pending: bool = False
    seq: int = 0


def _moment(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _changes(fields: dict[str, Any]) -> tuple[FieldChange, ...]:
    found = []
    for name, pair in sorted(fields.items()):
        if name in HIDDEN_FIELDS:
            continue
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        if old != new:
            found.append(FieldChange(name, old, new))
    return tuple(found)


def plain_value(value: Any) -> Any:
    """A database value the way the sync writes it in JSON (ids as hex, dates as ISO text)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _has_table(session: Session, table: Table) -> bool:
    """The sync's tables are a laptop's: a database without them has no history to show."""
    return bool(inspect(session.connection()).has_table(table.name))


def record_history(
    session: Session, table: str, row_id: uuid.UUID, limit: int = 200
) -> list[HistoryEvent]:
    """The history of one record, the latest first: its pending local edit, then synced changes."""
    if table not in TABLES:
        raise ValueError(table)
    events: list[HistoryEvent] = []
    key = row_id.hex
    if _has_table(session, OUTBOX):
        pending = session.scalar(select(OUTBOX.c.position).where(row_of(OUTBOX, table, key)))
        if pending is not None:
            events.append(_pending_event(session, table, row_id))
    if _has_table(session, HISTORY):
        # The moment is read as stored and parsed here: a damaged entry shows without its date
        # instead of closing the history.
        committed_at = type_coerce(HISTORY.c.committed_at, Text).label("committed_at")
        rows = session.execute(
            select(HISTORY.c.seq, HISTORY.c.op, HISTORY.c.fields, HISTORY.c.author, committed_at)
            .where(row_of(HISTORY, table, key))
            .order_by(HISTORY.c.seq.desc())
            .limit(limit)
        )
        for row in rows:
            try:
                fields = json.loads(row.fields) or {}
            except ValueError:
                fields = {}
            events.append(
                HistoryEvent(
                    op=row.op,
                    author=row.author,
                    at=_moment(row.committed_at),
                    changes=_changes(fields if isinstance(fields, dict) else {}),
                    seq=int(row.seq),
                )
            )
    return events


def _pending_event(session: Session, table: str, row_id: uuid.UUID) -> HistoryEvent:
    model = TABLES[table]
    shadow_text = session.scalar(select(SHADOWS.c.data).where(row_of(SHADOWS, table, row_id.hex)))
    old: dict[str, Any] = json.loads(shadow_text) if shadow_text else {}
    current = session.execute(select(model.__table__).where(model.__table__.c.id == row_id))
    row = current.mappings().first()
    new = {name: plain_value(value) for name, value in row.items()} if row is not None else {}
    if not old:
        op = "insert"
    elif row is None:
        op = "delete"
    else:
        op = "update"
    names = set(old) | set(new)
    fields = {name: [old.get(name), new.get(name)] for name in names}
    return HistoryEvent(
        op=op, author=_("you (not synced yet)"), at=None, changes=_changes(fields), pending=True
    )


def describe_value(value: Any, names: dict[str, str] | None = None) -> str:
    """A stored value as a person reads it: an id becomes the name it points to when known."""
    if value is None or value == "":
        return "—"
    if names and isinstance(value, str) and value in names:
        return names[value]
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def names_for(session: Session, events: list[HistoryEvent]) -> dict[str, str]:
    """The names of the communes, projects and meetings that the changes point to (by hex id)."""
    wanted: set[str] = set()
    for event in events:
        for change in event.changes:
            if change.field.endswith("_id"):
                for value in (change.old, change.new):
                    if isinstance(value, str):
                        wanted.add(value)
    if not wanted:
        return {}
    ids = []
    for value in wanted:
        try:
            ids.append(uuid.UUID(hex=value))
        except ValueError:
            continue
    names: dict[str, str] = {}
    for model, column in (
        (models.Commune, models.Commune.name),
        (models.Project, models.Project.title),
        (models.Meeting, models.Meeting.title),
        (models.Commitment, models.Commitment.title),
    ):
        for record_id, name in session.execute(select(model.id, column).where(model.id.in_(ids))):
            names[record_id.hex] = name
    return names
