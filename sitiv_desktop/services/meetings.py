"""Meetings with their agendas: lists, the agenda builder, outcomes and carrying items over."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.enums import MeetingKind, MeetingStatus, OutcomeKind
from sitiv_desktop.domain.records import AgendaItemRecord, CommitmentRecord, MeetingRecord
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.commitments import CommitmentDraft, save_commitment
from sitiv_desktop.services.conversions import agenda_item_record, meeting_record
from sitiv_desktop.services.links import set_links
from sitiv_desktop.services.validation import check_positive, parse_choice, require_text
from sitiv_desktop.store import models


def _with_communes() -> list[object]:
    return [selectinload(models.Meeting.communes).selectinload(models.MeetingCommune.commune)]


def meetings_query(
    commune_id: uuid.UUID | None, kind: MeetingKind | None
) -> Select[models.Meeting]:
    statement = select(models.Meeting)
    if commune_id is not None:
        statement = statement.where(
            models.Meeting.id.in_(
                select(models.MeetingCommune.meeting_id).where(
                    models.MeetingCommune.commune_id == commune_id
                )
            )
        )
    if kind is not None:
        statement = statement.where(models.Meeting.kind == kind.value)
    return statement


def count_meetings(session: Session, commune_id: uuid.UUID | None = None) -> int:
    return (
        session.scalar(
            meetings_query(commune_id, None).with_only_columns(
                func.count(), maintain_column_froms=True
            )
        )
        or 0
    )


def list_meetings(
    session: Session,
    commune_id: uuid.UUID | None = None,
    kind: MeetingKind | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[MeetingRecord]:
    """Meetings, the latest first."""
    statement = (
        meetings_query(commune_id, kind)
        .options(*_with_communes())  # type: ignore[arg-type]
        .order_by(models.Meeting.starts_at.desc(), models.Meeting.id)
        .offset(offset)
        .limit(limit)
    )
    return [meeting_record(row) for row in session.scalars(statement)]


def _meeting_row(session: Session, meeting_id: uuid.UUID) -> models.Meeting:
    row = session.get(
        models.Meeting,
        meeting_id,
        options=[
            *_with_communes(),  # type: ignore[list-item]
            selectinload(models.Meeting.agenda_items).selectinload(models.AgendaItem.project),
            selectinload(models.Meeting.agenda_items).selectinload(models.AgendaItem.commitment),
        ],
    )
    if row is None:
        raise NotFound(_("No meeting has this identifier."))
    return row


def get_meeting(session: Session, meeting_id: uuid.UUID) -> MeetingRecord:
    """One meeting with its communes and its agenda in order."""
    return meeting_record(_meeting_row(session, meeting_id), with_agenda=True)


def previous_meeting(
    session: Session, commune_id: uuid.UUID, before: dt.datetime
) -> MeetingRecord | None:
    """The last meeting held with a commune before a moment: « since the last meeting »."""
    row = session.scalars(
        meetings_query(commune_id, None)
        .where(
            models.Meeting.starts_at < before,
            models.Meeting.status != MeetingStatus.CANCELLED.value,
        )
        .order_by(models.Meeting.starts_at.desc())
        .limit(1)
    ).first()
    return meeting_record(row) if row is not None else None


@dataclass
class MeetingDraft:
    kind: str | MeetingKind
    title: str
    starts_at: dt.datetime
    duration_minutes: int
    place: str = ""
    status: str | MeetingStatus = MeetingStatus.PLANNED
    participants: str = ""
    minutes: str = ""
    commune_ids: Sequence[uuid.UUID] = field(default_factory=tuple)
    id: uuid.UUID | None = None
    # The president's own words (personal points, or the speech of the vœux); None keeps them.
    speaker_notes: str | None = None


def save_meeting(session: Session, draft: MeetingDraft) -> MeetingRecord:
    kind = parse_choice(draft.kind, MeetingKind, "kind", _("Kind"))
    status = parse_choice(draft.status, MeetingStatus, "status", _("Status"))
    title = require_text(draft.title, "title", _("Title"))
    if draft.duration_minutes <= 0:
        raise UserError(_("Duration: a meeting lasts at least one minute."), "duration_minutes")
    commune_ids = list(dict.fromkeys(draft.commune_ids))
    if not commune_ids:
        raise UserError(_("Communes: choose at least one commune."), "communes")
    if kind is MeetingKind.MAYOR_MEETING and len(commune_ids) != 1:
        raise UserError(
            _("Communes: a meeting with the mayor concerns exactly one commune."), "communes"
        )
    known = set(
        session.scalars(select(models.Commune.id).where(models.Commune.id.in_(commune_ids)))
    )
    if len(known) != len(commune_ids):
        raise UserError(_("Communes: one of the communes chosen no longer exists."), "communes")
    row = models.Meeting() if draft.id is None else session.get(models.Meeting, draft.id)
    if row is None:
        raise NotFound(_("No meeting has this identifier."))
    row.kind, row.status, row.title = kind.value, status.value, title
    row.starts_at, row.duration_minutes = draft.starts_at, draft.duration_minutes
    row.place, row.participants, row.minutes = (
        draft.place.strip(),
        draft.participants.strip(),
        draft.minutes,
    )
    if draft.speaker_notes is not None:
        row.speaker_notes = draft.speaker_notes.strip()
    set_links(
        row.communes,
        commune_ids,
        lambda link: link.commune_id,
        lambda commune_id: models.MeetingCommune(commune_id=commune_id),
    )
    session.add(row)
    session.flush()
    return get_meeting(session, row.id)


@dataclass
class AgendaItemDraft:
    title: str
    presenter: str = ""
    duration_minutes: int = 0
    project_id: uuid.UUID | None = None
    commitment_id: uuid.UUID | None = None
    id: uuid.UUID | None = None


def save_agenda_item(
    session: Session, meeting_id: uuid.UUID, draft: AgendaItemDraft
) -> AgendaItemRecord:
    """Add an item at the end of the agenda, or change an existing one."""
    meeting = _meeting_row(session, meeting_id)
    title = require_text(draft.title, "title", _("Item"))
    duration = check_positive(draft.duration_minutes, "duration_minutes", _("Duration"))
    if draft.id is None:
        row = models.AgendaItem(position=len(meeting.agenda_items))
        meeting.agenda_items.append(row)
    else:
        found = session.get(models.AgendaItem, draft.id)
        if found is None or found.meeting_id != meeting_id:
            raise NotFound(_("No agenda item has this identifier."))
        row = found
    row.title, row.presenter, row.duration_minutes = title, draft.presenter.strip(), duration
    row.project_id, row.commitment_id = draft.project_id, draft.commitment_id
    session.flush()
    session.refresh(row)
    return agenda_item_record(row)


def reorder_agenda(session: Session, meeting_id: uuid.UUID, item_ids: Sequence[uuid.UUID]) -> None:
    """Put the agenda in the given order (what a drag and drop produces)."""
    meeting = _meeting_row(session, meeting_id)
    current = {item.id: item for item in meeting.agenda_items}
    if set(item_ids) != set(current) or len(item_ids) != len(current):
        raise UserError(_("The new order must list every item of the agenda once."), "agenda")
    for position, item_id in enumerate(item_ids):
        current[item_id].position = position
    session.flush()


def remove_agenda_item(session: Session, item_id: uuid.UUID) -> None:
    row = session.get(models.AgendaItem, item_id)
    if row is None:
        raise NotFound(_("No agenda item has this identifier."))
    meeting_id = row.meeting_id
    session.delete(row)
    session.flush()
    remaining = session.scalars(
        select(models.AgendaItem)
        .where(models.AgendaItem.meeting_id == meeting_id)
        .order_by(models.AgendaItem.position)
    )
    for position, item in enumerate(remaining):
        item.position = position


def can_record_outcomes(meeting: MeetingRecord) -> bool:
    """« Noter la suite donnée » makes sense once a meeting has taken place."""
    return meeting.status in (MeetingStatus.HELD, MeetingStatus.IN_PROGRESS)


def record_outcome(
    session: Session,
    item_id: uuid.UUID,
    outcome: OutcomeKind,
    text: str,
    new_commitment: CommitmentDraft | None = None,
) -> AgendaItemRecord:
    """Record what came of an item; a new commitment is created and linked in the same step."""
    row = session.get(models.AgendaItem, item_id)
    if row is None:
        raise NotFound(_("No agenda item has this identifier."))
    if outcome is not OutcomeKind.NONE and row.meeting.status not in (
        MeetingStatus.HELD.value,
        MeetingStatus.IN_PROGRESS.value,
    ):
        raise UserError(
            _("Outcome: the meeting has not been held yet; record what came of it afterwards."),
            "outcome",
        )
    if outcome is OutcomeKind.COMMITMENT:
        if new_commitment is None:
            raise UserError(_("Outcome: describe the commitment made."), "outcome")
        new_commitment.meeting_id = row.meeting_id
        if new_commitment.project_id is None:
            new_commitment.project_id = row.project_id
        created: CommitmentRecord = save_commitment(session, new_commitment)
        row.commitment_id = created.id
    row.outcome, row.outcome_text = outcome.value, text.strip()
    session.flush()
    session.refresh(row)
    return agenda_item_record(row)


def carry_over_unhandled(session: Session, meeting_id: uuid.UUID) -> MeetingRecord:
    """Copy the items not dealt with to the next meeting of the same kind (and communes)."""
    meeting = _meeting_row(session, meeting_id)
    communes = {link.commune_id for link in meeting.communes}
    candidates = session.scalars(
        select(models.Meeting)
        .where(
            models.Meeting.kind == meeting.kind,
            models.Meeting.starts_at > meeting.starts_at,
            models.Meeting.status != MeetingStatus.CANCELLED.value,
        )
        .order_by(models.Meeting.starts_at)
    )
    target = next(
        (m for m in candidates if {link.commune_id for link in m.communes} == communes), None
    )
    if target is None:
        raise UserError(
            _("No later meeting of the same kind is planned: create it first."), "meeting"
        )
    already = {item.carried_from_id for item in target.agenda_items}
    for item in meeting.agenda_items:
        if item.outcome == OutcomeKind.NONE.value and item.id not in already:
            target.agenda_items.append(
                models.AgendaItem(
                    position=len(target.agenda_items),
                    title=item.title,
                    presenter=item.presenter,
                    duration_minutes=item.duration_minutes,
                    project_id=item.project_id,
                    commitment_id=item.commitment_id,
                    carried_from_id=item.id,
                    outcome=OutcomeKind.NONE.value,
                    outcome_text="",
                )
            )
    session.flush()
    return get_meeting(session, target.id)


def delete_meeting(session: Session, meeting_id: uuid.UUID) -> None:
    session.delete(_meeting_row(session, meeting_id))
