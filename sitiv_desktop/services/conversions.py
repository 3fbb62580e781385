"""Rows turned into frozen domain records, at the boundary of the store."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sitiv_desktop.domain.enums import (
    CommitmentStatus,
    ContactRole,
    ExchangeChannel,
    ExchangeDirection,
    MeetingKind,
    MeetingStatus,
    Metropole,
    OutcomeKind,
    Priority,
    ProjectDomain,
    ProjectStatus,
)
from sitiv_desktop.domain.records import (
    AgendaItemRecord,
    CommitmentRecord,
    CommuneRecord,
    ContactRecord,
    ExchangeRecord,
    MeetingRecord,
    MilestoneRecord,
    ParticipationRecord,
    ProjectRecord,
    StakeRecord,
)
from sitiv_desktop.i18n import _
from sitiv_desktop.store import models


def syndicate_name() -> str:
    return _("The syndicate")


def commune_record(row: models.Commune) -> CommuneRecord:
    return CommuneRecord(
        id=row.id,
        name=row.name,
        insee_code=row.insee_code,
        population=row.population,
        departement=row.departement,
        metropole=Metropole(row.metropole),
        mayor=mayor_of(row),
        joined_on=row.joined_on,
        note=row.note,
        left_on=row.left_on,
    )


def mayor_of(row: models.Commune) -> str:
    """The mayor is the commune's contact with the role mayor (``communes.mayor`` is no longer
    read: it could disagree with the list of contacts)."""
    return ", ".join(
        contact.full_name for contact in row.contacts if contact.role == ContactRole.MAYOR.value
    )


def contact_record(row: models.Contact) -> ContactRecord:
    return ContactRecord(
        id=row.id,
        commune_id=row.commune_id,
        full_name=row.full_name,
        role=ContactRole(row.role),
        email=row.email,
        phone=row.phone,
        title=row.title,
    )


def project_record(
    row: models.Project,
    budget: Decimal | None = None,
    detailed: bool = False,
    owner_name: str | None = None,
) -> ProjectRecord:
    """A project as the window shows it; its owner's name is read from its relation unless
    given (read beforehand as a plain row, for a page)."""
    if owner_name is None:
        owner_name = row.owner.name if row.owner is not None else syndicate_name()
    participations: tuple[ParticipationRecord, ...] = ()
    milestones: tuple[MilestoneRecord, ...] = ()
    if detailed:
        participations = tuple(
            ParticipationRecord(p.commune_id, p.commune.name, p.cost_share)
            for p in sorted(row.participations, key=lambda p: p.commune.name)
        )
        milestones = tuple(
            MilestoneRecord(m.id, m.title, m.due_date, m.done_on) for m in row.milestones
        )
    return ProjectRecord(
        id=row.id,
        code=row.code,
        title=row.title,
        description=row.description,
        domain=ProjectDomain(row.domain),
        status=ProjectStatus(row.status),
        owner_commune_id=row.owner_commune_id,
        owner_name=owner_name,
        partners=row.partners,
        start_date=row.start_date,
        end_date=row.end_date,
        progress=row.progress,
        budget=budget,
        participations=participations,
        milestones=milestones,
    )


def commitment_record(
    row: models.Commitment,
    commune_name: str | None = None,
    project_title: str | None = None,
) -> CommitmentRecord:
    """A commitment as the window shows it; its commune's name and its project's title are
    read from its relations unless given (read beforehand as plain rows, for a page)."""
    if project_title is None:
        project_title = row.project.title if row.project is not None else ""
    return CommitmentRecord(
        id=row.id,
        commune_id=row.commune_id,
        commune_name=row.commune.name if commune_name is None else commune_name,
        title=row.title,
        description=row.description,
        promised_by=row.promised_by,
        responsible=row.responsible,
        made_on=row.made_on,
        due_date=row.due_date,
        status=CommitmentStatus(row.status),
        closed_on=row.closed_on,
        meeting_id=row.meeting_id,
        project_id=row.project_id,
        project_title=project_title,
        evidence=row.evidence,
    )


def agenda_item_record(row: models.AgendaItem) -> AgendaItemRecord:
    linked = ""
    if row.project is not None:
        linked = f"{row.project.code} — {row.project.title}"
    elif row.commitment is not None:
        linked = row.commitment.title
    return AgendaItemRecord(
        id=row.id,
        meeting_id=row.meeting_id,
        position=row.position,
        title=row.title,
        presenter=row.presenter,
        duration_minutes=row.duration_minutes,
        project_id=row.project_id,
        commitment_id=row.commitment_id,
        outcome=OutcomeKind(row.outcome),
        outcome_text=row.outcome_text,
        carried_from_id=row.carried_from_id,
        linked_label=linked,
    )


def meeting_record(
    row: models.Meeting,
    with_agenda: bool = False,
    communes: Sequence[tuple[uuid.UUID, str]] | None = None,
) -> MeetingRecord:
    """A meeting as the window shows it. ``communes`` are its communes' ids and names when
    they were read beforehand as plain rows (a page of a list), in any order."""
    if communes is None:
        communes = [(link.commune_id, link.commune.name) for link in row.communes]
    communes = sorted(communes, key=lambda link: link[1])
    return MeetingRecord(
        id=row.id,
        kind=MeetingKind(row.kind),
        title=row.title,
        starts_at=row.starts_at,
        duration_minutes=row.duration_minutes,
        place=row.place,
        status=MeetingStatus(row.status),
        participants=row.participants,
        minutes=row.minutes,
        speaker_notes=row.speaker_notes,
        commune_ids=tuple(commune_id for commune_id, _name in communes),
        commune_names=tuple(name for _id, name in communes),
        agenda=tuple(agenda_item_record(item) for item in row.agenda_items) if with_agenda else (),
    )


def exchange_record(row: models.Exchange, commune_name: str | None = None) -> ExchangeRecord:
    """An exchange as the window shows it; its commune's name read from its relation unless
    given."""
    return ExchangeRecord(
        id=row.id,
        commune_id=row.commune_id,
        commune_name=row.commune.name if commune_name is None else commune_name,
        occurred_on=row.occurred_on,
        channel=ExchangeChannel(row.channel),
        direction=ExchangeDirection(row.direction),
        subject=row.subject,
        summary=row.summary,
        follow_up=row.follow_up,
        author=row.author,
        project_id=row.project_id,
        commitment_id=row.commitment_id,
    )


def stake_record(row: models.MandateStake) -> StakeRecord:
    answers = sorted(row.answers, key=lambda answer: answer.project.code)
    return StakeRecord(
        id=row.id,
        commune_id=row.commune_id,
        axis=row.axis,
        line=row.line,
        action=row.action,
        priority=Priority(row.priority),
        progress=row.progress,
        project_titles=tuple(answer.project.title for answer in answers),
        project_ids=tuple(answer.project_id for answer in answers),
        commune_name=row.commune.name,
        project_progress=tuple(answer.project.progress for answer in answers),
    )


def from_cents_or_none(cents: int | None) -> Decimal | None:
    if cents is None:
        return None
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))
