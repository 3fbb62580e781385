"""Conflicts and refused changes as a person reads them, in the window and on the command line.

A conflict or a refusal is stored as the sync sees it: a table, a row id, column names and JSON
values. Here each becomes words: the record by its title (read from the local copy, or from the
values themselves when the copy no longer holds it), each field by its French label, each value
as text (dates, amounts and percentages formatted, codes by their label, links by the title of
the record they point to), and the service's reason for a refusal in French, whatever words it
came in. Nothing here writes.

Kept whole: every kind of record is named, and every field phrased, by the same ``Describer``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Date, DateTime, Table, Uuid, select
from sqlalchemy.orm import Session

from sitiv_desktop.domain import enums
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.i18n import (
    N_,
    _,
    format_date,
    format_money,
    format_number,
    format_percent,
    format_timestamp,
    translated,
)
from sitiv_desktop.services.history import field_label, plain_value
from sitiv_desktop.store.constraints import meaning_of
from sitiv_desktop.sync.conflicts import ConflictRecord, RefusedRecord, list_conflicts, list_refused
from sitiv_desktop.sync.local import ConflictKind
from sitiv_desktop.sync.rows import SYNCED_TABLES, table_of

# The column that names a record of each table; the tables without one are named by their links.
TITLE_COLUMNS = {
    "communes": "name",
    "contacts": "full_name",
    "projects": "title",
    "milestones": "title",
    "meetings": "title",
    "commitments": "title",
    "agenda_items": "title",
    "exchanges": "subject",
    "mandate_stakes": "action",
}

# The tables that hold links or parts of a record, which RecordKind does not name.
PART_LABELS = {
    "participations": N_("Participation"),
    "milestones": N_("Milestone"),
    "meeting_communes": N_("Commune of a meeting"),
    "stake_projects": N_("Project answering a stake"),
    "ap_revisions": N_("AP vote"),
    "payment_credits": N_("CP"),
}

# Stored codes shown by their label ("study" → « étude »).
ENUM_FIELDS: dict[tuple[str, str], type[enums.LabelledEnum]] = {
    ("projects", "status"): enums.ProjectStatus,
    ("projects", "domain"): enums.ProjectDomain,
    ("commitments", "status"): enums.CommitmentStatus,
    ("meetings", "kind"): enums.MeetingKind,
    ("meetings", "status"): enums.MeetingStatus,
    ("exchanges", "channel"): enums.ExchangeChannel,
    ("exchanges", "direction"): enums.ExchangeDirection,
    ("contacts", "role"): enums.ContactRole,
    ("mandate_stakes", "priority"): enums.Priority,
    ("agenda_items", "outcome"): enums.OutcomeKind,
    ("communes", "metropole"): enums.Metropole,
}
PERCENT_FIELDS = frozenset({"progress", "cost_share"})

# Columns that say nothing to a person comparing two versions.
HIDDEN_FIELDS = frozenset({"id"})

# The records the window can open in their editor from the conflicts view.
WITH_EDITOR = ("projects", "commitments", "meetings")

NOTHING = "—"

# How the service words a refusal that carries a detail; matched in English and in French.
_WITH_DETAIL = N_("The database refused this change: {detail}")
_UNKNOWN_FIELDS = N_("unknown fields: {names}")
# PostgreSQL's and SQLite's own words, which must never reach a person as they are.
_DATABASE_WORDS = re.compile(
    r"violates|constraint|permission denied|row-level security|null value|invalid input|"
    r"syntax|relation|column|psycopg|sqlite|ERROR:|DETAIL:",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FieldDifference:
    """One field of a conflict: its label and both versions as text."""

    label: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class DescribedConflict:
    id: str
    table: str
    row_id: str
    kind: str  # as in ConflictRecord
    record_label: str  # « Projet »
    title: str  # « Fibre optique de Givors »
    description: str
    fields: tuple[FieldDifference, ...]
    noticed: str
    editable: bool  # the window may open the record in its editor to write the right version

    @property
    def heading(self) -> str:
        return f"{self.record_label} « {self.title} »"


@dataclass(frozen=True)
class DescribedRefusal:
    id: str
    table: str
    row_id: str
    record_label: str
    title: str
    operation: str  # « création », « modification », « suppression »
    reason: str  # in French, never the database's words
    fields: tuple[tuple[str, str], ...]  # (label, value sent)
    noticed: str

    @property
    def heading(self) -> str:
        return f"{self.record_label} « {self.title} »"


@dataclass(frozen=True)
class Issues:
    conflicts: tuple[DescribedConflict, ...]
    refused: tuple[DescribedRefusal, ...]


def describe_issues(session: Session) -> Issues:
    """Every conflict and refused change of the local copy, in words (the window's and the
    command line's ``conflicts``)."""
    describer = Describer(session)
    return Issues(
        tuple(describer.conflict(found) for found in list_conflicts(session)),
        tuple(describer.refusal(found) for found in list_refused(session)),
    )


def issues_lines(issues: Issues) -> list[str]:
    """The conflicts and refusals as lines of text, each led by the identifier the command line's
    ``conflicts resolve``, ``dismiss`` and ``retry`` take (its first eight characters)."""
    lines = [] if issues.conflicts or issues.refused else [_("No conflict.")]
    for conflict in issues.conflicts:
        lines.append(f"{conflict.id[:8]}  {conflict.heading} — {conflict.description}")
        lines.extend(
            "    "
            + _("{field}: mine {mine} · shared {theirs}").format(
                field=field.label, mine=field.mine, theirs=field.theirs
            )
            for field in conflict.fields
        )
    for refused in issues.refused:
        lines.append(
            f"{refused.id[:8]}  "
            + _("Refused: {record} ({change}) — {reason}").format(
                record=refused.heading, change=refused.operation, reason=refused.reason
            )
        )
        lines.extend(
            "    " + _("{field}: {value}").format(field=label, value=value)
            for label, value in refused.fields
        )
    return lines


def record_label(table: str) -> str:
    kind = RecordKind.of_table(table)
    if kind is not None:
        return kind.label
    part = PART_LABELS.get(table)
    return _(part) if part else table


def explain_reason(reason: str) -> str:
    """The service's reason for a refusal, in the current language and in words.

    The service words its reasons through the same catalogue, in its own language; a reason it
    could not word (a database's message passed on) is explained here, or replaced by a general
    sentence, so that no English message of PostgreSQL and no code reaches the person.
    """
    text = reason.strip()
    known = translated(text)
    if known is not None:
        return known
    for pattern, render in (
        (_WITH_DETAIL, _explain_detail),
        (_UNKNOWN_FIELDS, _unknown_fields),
    ):
        for wording in {pattern, _(pattern)}:
            prefix = wording.split("{", 1)[0]
            if text.startswith(prefix):
                return render(text[len(prefix) :])
    if not text or _DATABASE_WORDS.search(text):
        return _explain_detail(text)
    return _("The shared database refused this change.")


def _explain_detail(detail: str) -> str:
    meaning = meaning_of(detail)
    if meaning is not None:
        return meaning.message
    lowered = detail.lower()
    if "row-level security" in lowered or "permission denied" in lowered:
        return _("You may not change this record on the shared database.")
    return _("The shared database cannot hold these values.")


def _unknown_fields(names: str) -> str:
    return _("The shared database does not know these fields: {names}.").format(
        names=", ".join(field_label(name.strip()) for name in names.split(",") if name.strip())
    )


class Describer:
    """Words for the records, fields and values of one local copy; links are read once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._titles: dict[tuple[str, str], str | None] = {}

    # Records ------------------------------------------------------------------------------

    def title(self, table: str, row_id: str, *values: dict[str, Any] | None) -> str:
        """The record's title in the local copy, else as the given values name it."""
        stored = self._stored_title(table, row_id)
        if stored:
            return stored
        for side in values:
            if side:
                named = self._title_of_values(table, side)
                if named:
                    return named
        return _("(untitled)")

    def _stored_title(self, table_name: str, row_id: str) -> str | None:
        marker = (table_name, row_id)
        if marker not in self._titles:
            self._titles[marker] = None  # a link that loops back is not followed twice
            self._titles[marker] = self._read_title(table_name, row_id)
        return self._titles[marker]

    def _read_title(self, table_name: str, row_id: str) -> str | None:
        if table_name not in SYNCED_TABLES:
            return None
        try:
            key = uuid.UUID(row_id)
        except ValueError:
            return None
        table = table_of(table_name)
        row = self.session.execute(select(table).where(table.c.id == key)).mappings().first()
        if row is None:
            return None
        return self._title_of_values(
            table_name, {name: plain_value(value) for name, value in row.items()}
        )

    def _title_of_values(self, table_name: str, values: dict[str, Any]) -> str | None:
        column = TITLE_COLUMNS.get(table_name)
        if column is not None:
            value = values.get(column)
            return str(value) if value else None
        table = table_of(table_name) if table_name in SYNCED_TABLES else None
        if table is None:
            return None
        # A link or a part is named by what it joins, then by its own date, year or amount.
        parts = []
        for name in (column.name for column in table.columns):
            if name in HIDDEN_FIELDS or values.get(name) in (None, ""):
                continue
            target = _link_target(table, name)
            if target is not None:
                linked = self._stored_title(target, str(values[name]))
                if linked:
                    parts.append(linked)
            elif name in ("year", "voted_on"):
                parts.append(self.value(table_name, name, values[name]))
        return " — ".join(parts) or None

    # Values -------------------------------------------------------------------------------

    def value(self, table_name: str, name: str, value: Any) -> str:
        """A stored value as a person reads it: « — » for nothing, labels for codes, French
        dates and amounts, the title of the record a link points to."""
        if value is None or value == "":
            return NOTHING
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        labelled = ENUM_FIELDS.get((table_name, name))
        if labelled is not None:
            try:
                return labelled(value).label
            except ValueError:
                return str(value)
        table = table_of(table_name) if table_name in SYNCED_TABLES else None
        column = table.columns.get(name) if table is not None else None
        if column is None:
            return str(value)
        target = _link_target(table, name) if table is not None else None
        if target is not None:
            return self._stored_title(target, str(value)) or _("(not in your copy)")
        try:
            return _formatted(column, name, value)
        except (TypeError, ValueError):
            return str(value)

    # Conflicts and refusals ---------------------------------------------------------------

    def conflict(self, conflict: ConflictRecord) -> DescribedConflict:
        mine, theirs = conflict.mine, conflict.theirs
        if conflict.kind is ConflictKind.FIELD:
            names = sorted(set(mine or {}) | set(theirs or {}))
        elif mine is not None and theirs is not None:
            names = [n for n in mine if mine.get(n) != theirs.get(n)]
        else:
            names = list(mine or theirs or {})
        deleted = _("(deleted)")
        fields = tuple(
            FieldDifference(
                field_label(name),
                deleted if mine is None else self.value(conflict.table, name, mine.get(name)),
                deleted if theirs is None else self.value(conflict.table, name, theirs.get(name)),
            )
            for name in names
            if name not in HIDDEN_FIELDS
        )
        if conflict.kind is ConflictKind.DELETED:
            description = _("You changed it; it was deleted on the shared database.")
        elif conflict.kind is ConflictKind.EDITED:
            description = _("You deleted it; it was changed on the shared database.")
        else:
            description = _("Changed both here and on the shared database: {fields}.").format(
                fields=", ".join(field.label for field in fields)
            )
        return DescribedConflict(
            id=conflict.id,
            table=conflict.table,
            row_id=conflict.row_id,
            kind=conflict.kind,
            record_label=record_label(conflict.table),
            title=self.title(conflict.table, conflict.row_id, theirs, mine),
            description=description,
            fields=fields,
            noticed=format_timestamp(conflict.noticed_at),
            editable=conflict.table in WITH_EDITOR
            and conflict.kind is ConflictKind.FIELD
            and theirs is not None,
        )

    def refusal(self, refused: RefusedRecord) -> DescribedRefusal:
        change = refused.change
        sent: dict[str, Any] = change.get("fields") or {}
        base: dict[str, Any] | None = change.get("base")
        operation = str(change.get("op", ""))
        if operation == "delete":
            said = _("deletion")
        elif base:
            said = _("change")
        else:
            said = _("creation")
        shown = (
            ()
            if operation == "delete"
            else tuple(
                (field_label(name), self.value(refused.table, name, value))
                for name, value in sorted(sent.items())
                if name not in HIDDEN_FIELDS
            )
        )
        return DescribedRefusal(
            id=refused.id,
            table=refused.table,
            row_id=refused.row_id,
            record_label=record_label(refused.table),
            title=self.title(refused.table, refused.row_id, sent, base),
            operation=said,
            reason=explain_reason(refused.reason),
            fields=shown,
            noticed=format_timestamp(refused.noticed_at),
        )


def _link_target(table: Table, name: str) -> str | None:
    column = table.columns.get(name)
    if column is None:
        return None
    for foreign in column.foreign_keys:
        return str(foreign.column.table.name)
    return None


def _formatted(column: Column[Any], name: str, value: Any) -> str:
    if isinstance(column.type, DateTime):
        return format_timestamp(dt.datetime.fromisoformat(str(value)))
    if isinstance(column.type, Date):
        return format_date(dt.date.fromisoformat(str(value)), "short")
    if isinstance(column.type, Uuid):
        return str(value)
    if name.endswith("_cents"):
        return format_money(Decimal(int(value)).scaleb(-2))
    if name in PERCENT_FIELDS:
        return format_percent(int(value))
    if name.endswith("_minutes"):
        return _("{minutes} min").format(minutes=value)
    if name == "year":
        return str(value)
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)
