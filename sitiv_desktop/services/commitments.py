"""Commitments made to the communes: lists by state, and saving one after checking it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.enums import CommitmentStatus
from sitiv_desktop.domain.records import CommitmentRecord
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.conversions import commitment_record
from sitiv_desktop.services.validation import parse_choice, parse_date, require_date, require_text
from sitiv_desktop.store import models

OPEN_STATUSES = (CommitmentStatus.OPEN.value, CommitmentStatus.IN_PROGRESS.value)
DUE_SOON_DAYS = 60


class CommitmentState(StrEnum):
    """How a commitment stands on a given day: what the dashboards and packs group by."""

    LATE = "late"
    DUE_SOON = "due_soon"
    OPEN = "open"
    KEPT = "kept"
    ABANDONED = "abandoned"


def commitment_state(record: CommitmentRecord, today: dt.date) -> CommitmentState:
    if record.status is CommitmentStatus.KEPT:
        return CommitmentState.KEPT
    if record.status is CommitmentStatus.ABANDONED:
        return CommitmentState.ABANDONED
    if record.due_date is not None and record.due_date < today:
        return CommitmentState.LATE
    if record.due_date is not None and record.due_date <= today + dt.timedelta(DUE_SOON_DAYS):
        return CommitmentState.DUE_SOON
    return CommitmentState.OPEN


@dataclass(frozen=True)
class CommitmentFilter:
    commune_id: uuid.UUID | None = None
    statuses: tuple[CommitmentStatus, ...] = ()
    project_id: uuid.UUID | None = None
    meeting_id: uuid.UUID | None = None


def _filtered(wanted: CommitmentFilter) -> Select[models.Commitment]:
    statement = select(models.Commitment)
    if wanted.commune_id is not None:
        statement = statement.where(models.Commitment.commune_id == wanted.commune_id)
    if wanted.statuses:
        statement = statement.where(
            models.Commitment.status.in_([status.value for status in wanted.statuses])
        )
    if wanted.project_id is not None:
        statement = statement.where(models.Commitment.project_id == wanted.project_id)
    if wanted.meeting_id is not None:
        statement = statement.where(models.Commitment.meeting_id == wanted.meeting_id)
    return statement


def count_commitments(session: Session, wanted: CommitmentFilter = CommitmentFilter()) -> int:
    return (
        session.scalar(
            _filtered(wanted).with_only_columns(func.count(), maintain_column_froms=True)
        )
        or 0
    )


def list_commitments(
    session: Session,
    wanted: CommitmentFilter = CommitmentFilter(),
    offset: int = 0,
    limit: int | None = None,
) -> list[CommitmentRecord]:
    """Commitments by due date (undated last), then title."""
    statement = (
        _filtered(wanted)
        .options(selectinload(models.Commitment.commune), selectinload(models.Commitment.project))
        .order_by(
            models.Commitment.due_date.is_(None),
            models.Commitment.due_date,
            models.Commitment.title,
        )
        .offset(offset)
        .limit(limit)
    )
    return [commitment_record(row) for row in session.scalars(statement)]


def commitments_by_state(
    session: Session, commune_id: uuid.UUID | None, today: dt.date
) -> dict[CommitmentState, list[CommitmentRecord]]:
    grouped: dict[CommitmentState, list[CommitmentRecord]] = {
        state: [] for state in CommitmentState
    }
    for record in list_commitments(session, CommitmentFilter(commune_id=commune_id)):
        grouped[commitment_state(record, today)].append(record)
    return grouped


def get_commitment(session: Session, commitment_id: uuid.UUID) -> CommitmentRecord:
    row = session.get(models.Commitment, commitment_id)
    if row is None:
        raise NotFound(_("No commitment has this identifier."))
    return commitment_record(row)


@dataclass
class CommitmentDraft:
    """What a person typed in the commitment form, before it is checked."""

    commune_id: uuid.UUID | None
    title: str
    made_on: str | dt.date | None
    due_date: str | dt.date | None = None
    status: str | CommitmentStatus = CommitmentStatus.OPEN
    description: str = ""
    promised_by: str = ""
    responsible: str = ""
    meeting_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    id: uuid.UUID | None = None
    evidence: str = ""


# Before the schema had a column for it, the window wrote the evidence at the end of the
# description, after this mark, in the language of the moment: read back so that the next save
# moves it to its column.
_LEGACY_EVIDENCE_MARKS = ("\n\n— Preuve\u00a0: ", "\n\n— Preuve : ", "\n\n— Evidence: ")


def split_legacy_evidence(description: str) -> tuple[str, str]:
    """A description and the evidence once written after it; ``(description, "")`` without."""
    for mark in _LEGACY_EVIDENCE_MARKS:
        if mark in description:
            text, evidence = description.rsplit(mark, 1)
            return text, evidence.strip()
    return description, ""


def save_commitment(
    session: Session, draft: CommitmentDraft, today: dt.date | None = None
) -> CommitmentRecord:
    """Create or update a commitment; closing it records the day it was closed."""
    if draft.commune_id is None or session.get(models.Commune, draft.commune_id) is None:
        raise UserError(_("Commune: choose the commune this commitment is made to."), "commune")
    title = require_text(draft.title, "title", _("Commitment"))
    made_on = require_date(draft.made_on, "made_on", _("Made on"))
    due_date = parse_date(draft.due_date, "due_date", _("Due date"))
    if due_date is not None and due_date < made_on:
        raise UserError(
            _("Due date: the due date cannot come before the day the commitment was made."),
            "due_date",
        )
    status = parse_choice(draft.status, CommitmentStatus, "status", _("Status"))
    if draft.project_id is not None and session.get(models.Project, draft.project_id) is None:
        raise UserError(_("Project: the project chosen no longer exists."), "project")
    if draft.meeting_id is not None and session.get(models.Meeting, draft.meeting_id) is None:
        raise UserError(_("Meeting: the meeting chosen no longer exists."), "meeting")
    description = draft.description.strip()
    row = models.Commitment() if draft.id is None else session.get(models.Commitment, draft.id)
    if row is None:
        raise NotFound(_("No commitment has this identifier."))
    if status.is_closed and row.closed_on is None:
        row.closed_on = today or dt.date.today()
    elif not status.is_closed:
        row.closed_on = None
    row.commune_id, row.title, row.made_on, row.due_date = (
        draft.commune_id,
        title,
        made_on,
        due_date,
    )
    row.status, row.description = status.value, description
    # Evidence says how a commitment was kept: an open or abandoned one keeps none.
    row.evidence = draft.evidence.strip() if status is CommitmentStatus.KEPT else ""
    row.promised_by, row.responsible = draft.promised_by.strip(), draft.responsible.strip()
    row.meeting_id, row.project_id = draft.meeting_id, draft.project_id
    session.add(row)
    session.flush()
    session.refresh(row)
    return commitment_record(row)


def delete_commitment(session: Session, commitment_id: uuid.UUID) -> None:
    row = session.get(models.Commitment, commitment_id)
    if row is None:
        raise NotFound(_("No commitment has this identifier."))
    session.delete(row)
