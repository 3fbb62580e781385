"""« Ce qui a changé depuis la dernière rencontre »: the reference meeting, and the changes.

The reference is the last mayor meeting *held* with the commune before the pack's meeting. The
changes come from three sources, in this order of trust:

1. the recorded history the sync brings to the laptop (table ``history``: who, when — the
   server's time — and each field's old and new value);
2. this laptop's edits not synced yet (``sync_outbox``, whose old values are the last ones the
   server confirmed, in ``sync_shadows``);
3. the dates the records carry (made on, kept on, voted on, delivered on), for what no history
   covers: data imported, or typed on a laptop that never synced.

A fact found in an earlier source is not repeated from a later one. The sync layer owns these
tables; they are only read here, through the descriptions below.

Kept whole: the three sources are merged and ranked together, which is this module's one concern.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sitiv_desktop.domain.briefings import ChangeEntry, ChangeKind
from sitiv_desktop.domain.enums import (
    CommitmentStatus,
    ExchangeChannel,
    MeetingKind,
    MeetingStatus,
    ProjectStatus,
)
from sitiv_desktop.domain.records import MeetingRecord
from sitiv_desktop.i18n import _, format_money, format_percent
from sitiv_desktop.services.briefings.common import long_date
from sitiv_desktop.services.conversions import from_cents_or_none, meeting_record
from sitiv_desktop.services.meetings import meetings_query
from sitiv_desktop.services.projects import commune_project_filter
from sitiv_desktop.store import models
from sitiv_desktop.store.sync_tables import HISTORY, OUTBOX, SHADOWS

WATCHED = ("commitments", "projects", "milestones", "ap_revisions", "exchanges")
ARROW = "\u00a0→ "


def last_mayor_meeting(
    session: Session, commune_id: uuid.UUID, before: dt.datetime
) -> MeetingRecord | None:
    """The last mayor meeting held with the commune before ``before``, or None."""
    row = session.scalars(
        meetings_query(commune_id, None)
        .where(
            models.Meeting.starts_at < before,
            models.Meeting.kind == MeetingKind.MAYOR_MEETING.value,
            models.Meeting.status == MeetingStatus.HELD.value,
        )
        .order_by(models.Meeting.starts_at.desc())
        .limit(1)
    ).first()
    return meeting_record(row) if row is not None else None


@dataclass(frozen=True)
class _Edit:
    """One recorded or pending edit of a row: its fields' old and new values (JSON form)."""

    table: str
    row_id: str
    op: str
    fields: dict[str, list[Any]]
    author: str
    day: dt.date
    pending: bool


def changes_since(
    session: Session,
    commune_id: uuid.UUID,
    since: dt.datetime,
    until: dt.datetime,
    today: dt.date | None = None,
) -> list[ChangeEntry]:
    """What changed for a commune from ``since`` to ``until``, the oldest first; ``today`` is
    the day the pack is built (a row created here and not synced yet was created by then)."""
    reader = _Reader(session, commune_id)
    entries: list[ChangeEntry] = []
    seen: set[tuple[ChangeKind, str]] = set()
    # A row created here and not synced yet carries no moment: it was made after the last sync,
    # by today. It is told only in a pack whose period reaches today, and not if its own start
    # date places it before the period.
    creations = until.date() >= (today or dt.date.today())
    edits = [
        *_recorded(session, commune_id, since, until),
        *_pending(session, until.date(), since.date() if creations else None),
    ]
    for edit in edits:
        for entry, key in reader.entries(edit):
            if key not in seen:
                seen.add(key)
                entries.append(entry)
    for entry, key in _dated_facts(session, commune_id, since.date(), until.date()):
        if key not in seen:
            seen.add(key)
            entries.append(entry)
    entries.sort(key=lambda e: (e.day, e.kind.value, e.subject, e.detail))
    return entries


def _recorded(
    session: Session, commune_id: uuid.UUID, since: dt.datetime, until: dt.datetime
) -> Iterable[_Edit]:
    commune = str(commune_id)
    rows = session.execute(
        select(HISTORY)
        .where(
            HISTORY.c.table_name.in_(WATCHED),
            HISTORY.c.committed_at >= since,
            HISTORY.c.committed_at <= until,
            or_(
                HISTORY.c.commune_ids.contains(commune),
                HISTORY.c.commune_ids.contains(commune_id.hex),
            ),
        )
        .order_by(HISTORY.c.seq)
    )
    for row in rows:
        yield _Edit(
            row.table_name,
            row.row_id,
            row.op,
            json.loads(row.fields),
            row.author,
            row.committed_at.date(),
            pending=False,
        )


def _pending(session: Session, today: dt.date, creations_since: dt.date | None) -> Iterable[_Edit]:
    """This laptop's edits not synced yet, with the old values the server last confirmed.

    A row created here has no shadow (the server never saw it): it is read as a creation when
    ``creations_since`` is given, and its start date, if any, is not before it. Only the
    creations no record's own date tells are kept (a project has no « created on »); a new
    commitment, exchange or AP vote is told by its date, among the dated facts.
    """
    rows = session.execute(
        select(OUTBOX.c.table_name, OUTBOX.c.row_id, SHADOWS.c.data)
        .outerjoin(
            SHADOWS,
            (SHADOWS.c.table_name == OUTBOX.c.table_name) & (SHADOWS.c.row_id == OUTBOX.c.row_id),
        )
        .where(OUTBOX.c.table_name.in_(WATCHED))
        .order_by(OUTBOX.c.position)
    )
    author = _("this laptop, not synced yet")
    for table_name, row_id, data in rows:
        table = models.Base.metadata.tables[table_name]
        current = (
            session.execute(select(table).where(table.c.id == uuid.UUID(row_id))).mappings().first()
        )
        if current is None:
            continue
        if data is None:
            started = current.get("start_date")
            if (
                table_name in _CREATIONS_UNDATED
                and creations_since is not None
                and (started is None or started >= creations_since)
            ):
                yield _Edit(table_name, row_id, "insert", {}, author, today, True)
            continue
        old = json.loads(data)
        fields = {
            name: [old.get(name), _json(value)]
            for name, value in current.items()
            if name in old and old.get(name) != _json(value)
        }
        if fields:
            yield _Edit(table_name, row_id, "update", fields, author, today, True)


# The tables whose new rows carry no date of their own telling when they were created.
_CREATIONS_UNDATED = ("projects",)


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _as_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


class _Reader:
    """Turns edits into the pack's entries, checking each belongs to the commune."""

    def __init__(self, session: Session, commune_id: uuid.UUID) -> None:
        self.session = session
        self.commune_id = commune_id
        self.projects = set(
            session.scalars(select(models.Project.id).where(commune_project_filter(commune_id)))
        )

    def entries(self, edit: _Edit) -> Iterable[tuple[ChangeEntry, tuple[ChangeKind, str]]]:
        method = {
            "commitments": self._commitment,
            "projects": self._project,
            "milestones": self._milestone,
            "ap_revisions": self._ap_vote,
            "exchanges": self._exchange,
        }[edit.table]
        for kind, subject, detail in method(edit):
            entry = ChangeEntry(edit.day, kind, subject, detail, edit.author, edit.pending)
            yield entry, (kind, _key(edit.row_id))

    def _row(self, model: type[models.Base], row_id: str) -> Any:
        return self.session.get(model, uuid.UUID(row_id))

    def _commitment(self, edit: _Edit) -> Iterable[tuple[ChangeKind, str, str]]:
        row = self._row(models.Commitment, edit.row_id)
        if row is None or row.commune_id != self.commune_id:
            return
        fields = edit.fields
        if edit.op == "insert":
            yield ChangeKind.COMMITMENT_MADE, row.title, _due(row.due_date)
            return
        if "status" in fields:
            new = fields["status"][1]
            if new == CommitmentStatus.KEPT.value:
                yield ChangeKind.COMMITMENT_KEPT, row.title, ""
            elif new == CommitmentStatus.ABANDONED.value:
                yield ChangeKind.COMMITMENT_ABANDONED, row.title, ""
        if "due_date" in fields:
            old, new = (_as_date(value) for value in fields["due_date"])
            yield ChangeKind.DUE_DATE_MOVED, row.title, _from_to(old, new)
        if "responsible" in fields:
            old_name, new_name = fields["responsible"]
            yield (
                ChangeKind.COMMITMENT_REASSIGNED,
                row.title,
                f"{old_name or '—'}{ARROW}{new_name or '—'}",
            )

    def _project(self, edit: _Edit) -> Iterable[tuple[ChangeKind, str, str]]:
        row = self._row(models.Project, edit.row_id)
        if row is None or row.id not in self.projects:
            return
        subject = f"{row.code} — {row.title}"
        if edit.op == "insert":
            yield ChangeKind.PROJECT_CREATED, subject, ProjectStatus(row.status).label
            return
        if "status" in edit.fields:
            old, new = (ProjectStatus(value) if value else None for value in edit.fields["status"])
            if new is ProjectStatus.DELIVERED:
                yield ChangeKind.PROJECT_DELIVERED, subject, ""
            else:
                text = f"{old.label if old else '—'}{ARROW}{new.label if new else '—'}"
                yield ChangeKind.PROJECT_STATUS, subject, text
        if "progress" in edit.fields:
            old_p, new_p = edit.fields["progress"]
            text = f"{format_percent(old_p or 0)}{ARROW}{format_percent(new_p or 0)}"
            yield ChangeKind.PROJECT_PROGRESS, subject, text

    def _milestone(self, edit: _Edit) -> Iterable[tuple[ChangeKind, str, str]]:
        row = self._row(models.Milestone, edit.row_id)
        if row is None or row.project_id not in self.projects or not row.done_on:
            return
        if "done_on" in edit.fields and edit.fields["done_on"][1]:
            project = row.project
            yield ChangeKind.MILESTONE_REACHED, f"{project.code} — {project.title}", row.title

    def _ap_vote(self, edit: _Edit) -> Iterable[tuple[ChangeKind, str, str]]:
        row = self._row(models.ApRevision, edit.row_id)
        if row is None or row.line.project_id not in self.projects:
            return
        if edit.op == "insert" or "amount_cents" in edit.fields:
            project = row.line.project
            amount = from_cents_or_none(row.amount_cents) or Decimal(0)
            yield ChangeKind.AP_VOTED, f"{project.code} — {project.title}", format_money(amount)

    def _exchange(self, edit: _Edit) -> Iterable[tuple[ChangeKind, str, str]]:
        row = self._row(models.Exchange, edit.row_id)
        if row is None or row.commune_id != self.commune_id or edit.op != "insert":
            return
        yield ChangeKind.EXCHANGE, row.subject, ExchangeChannel(row.channel).label


def _key(row_id: uuid.UUID | str) -> str:
    return row_id.hex if isinstance(row_id, uuid.UUID) else uuid.UUID(row_id).hex


def _due(day: dt.date | None) -> str:
    return _("due on {date}").format(date=long_date(day)) if day else ""


def _from_to(old: dt.date | None, new: dt.date | None) -> str:
    return f"{long_date(old) if old else '—'}{ARROW}{long_date(new) if new else '—'}"


def _dated_facts(
    session: Session, commune_id: uuid.UUID, since: dt.date, until: dt.date
) -> Iterable[tuple[ChangeEntry, tuple[ChangeKind, str]]]:
    """The changes the records' own dates tell, each query limited to the period."""
    commitment = models.Commitment
    made = session.execute(
        select(
            commitment.id,
            commitment.made_on,
            commitment.title,
            commitment.due_date,
            commitment.promised_by,
        ).where(
            commitment.commune_id == commune_id,
            commitment.made_on >= since,
            commitment.made_on <= until,
        )
    )
    for row_id, made_on, title, due, promised_by in made:
        kind = ChangeKind.COMMITMENT_MADE
        yield ChangeEntry(made_on, kind, title, _due(due), promised_by or ""), (kind, row_id.hex)
    closed = session.execute(
        select(
            commitment.id,
            commitment.closed_on,
            commitment.status,
            commitment.title,
            commitment.responsible,
        ).where(
            commitment.commune_id == commune_id,
            commitment.closed_on >= since,
            commitment.closed_on <= until,
        )
    )
    for row_id, closed_on, status, title, responsible in closed:
        kind = (
            ChangeKind.COMMITMENT_KEPT
            if status == CommitmentStatus.KEPT.value
            else ChangeKind.COMMITMENT_ABANDONED
        )
        assert closed_on is not None  # the range leaves NULL out
        yield ChangeEntry(closed_on, kind, title, "", responsible or ""), (kind, row_id.hex)
    project = models.Project
    delivered = session.execute(
        select(project.id, project.end_date, project.code, project.title).where(
            commune_project_filter(commune_id),
            project.status == ProjectStatus.DELIVERED.value,
            project.end_date >= since,
            project.end_date <= until,
        )
    )
    for row_id, end_date, code, title in delivered:
        assert end_date is not None
        kind = ChangeKind.PROJECT_DELIVERED
        yield ChangeEntry(end_date, kind, f"{code} — {title}"), (kind, row_id.hex)
    milestones = session.execute(
        select(
            models.Milestone.id,
            models.Milestone.done_on,
            models.Milestone.title,
            project.code,
            project.title,
        )
        .join(project, models.Milestone.project_id == project.id)
        .where(
            commune_project_filter(commune_id),
            models.Milestone.done_on >= since,
            models.Milestone.done_on <= until,
        )
    )
    for row_id, done_on, milestone, code, title in milestones:
        assert done_on is not None
        kind = ChangeKind.MILESTONE_REACHED
        entry = ChangeEntry(done_on, kind, f"{code} — {title}", milestone)
        yield entry, (kind, row_id.hex)
    votes = session.execute(
        select(
            models.ApRevision.id,
            models.ApRevision.voted_on,
            models.ApRevision.amount_cents,
            project.code,
            project.title,
        )
        .join(models.PpiLine, models.ApRevision.line_id == models.PpiLine.id)
        .join(project, models.PpiLine.project_id == project.id)
        .where(
            commune_project_filter(commune_id),
            models.ApRevision.voted_on >= since,
            models.ApRevision.voted_on <= until,
        )
    )
    for row_id, voted_on, cents, code, title in votes:
        amount = format_money(from_cents_or_none(cents) or Decimal(0))
        kind = ChangeKind.AP_VOTED
        yield ChangeEntry(voted_on, kind, f"{code} — {title}", amount), (kind, row_id.hex)
    exchanges = session.execute(
        select(
            models.Exchange.id,
            models.Exchange.occurred_on,
            models.Exchange.subject,
            models.Exchange.channel,
            models.Exchange.author,
        ).where(
            models.Exchange.commune_id == commune_id,
            models.Exchange.occurred_on >= since,
            models.Exchange.occurred_on <= until,
        )
    )
    for row_id, day, subject, channel, author in exchanges:
        kind = ChangeKind.EXCHANGE
        label = ExchangeChannel(channel).label
        yield ChangeEntry(day, kind, subject, label, author or ""), (kind, row_id.hex)
