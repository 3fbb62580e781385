"""Frozen records that services return: safe to hand to another thread, a PDF or a widget."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
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
from sitiv_desktop.domain.kinds import kind_label


@dataclass(frozen=True)
class CommuneRecord:
    id: uuid.UUID
    name: str
    insee_code: str
    population: int
    departement: str
    metropole: Metropole
    mayor: str
    joined_on: dt.date | None
    note: str
    # The day membership ended, or None for a member.
    left_on: dt.date | None = None


@dataclass(frozen=True)
class ContactRecord:
    id: uuid.UUID
    commune_id: uuid.UUID
    full_name: str
    role: ContactRole
    email: str
    phone: str
    # The job title as the person is addressed (« Directrice générale des services »); empty
    # when only the role is known.
    title: str = ""

    @property
    def addressed_as(self) -> str:
        """The title when there is one, else the role's label."""
        return self.title or self.role.label


@dataclass(frozen=True)
class ParticipationRecord:
    commune_id: uuid.UUID
    commune_name: str
    cost_share: int


@dataclass(frozen=True)
class MilestoneRecord:
    id: uuid.UUID
    title: str
    due_date: dt.date
    done_on: dt.date | None


@dataclass(frozen=True)
class ProjectRecord:
    id: uuid.UUID
    code: str
    title: str
    description: str
    domain: ProjectDomain
    status: ProjectStatus
    owner_commune_id: uuid.UUID | None
    owner_name: str
    partners: str
    start_date: dt.date | None
    end_date: dt.date | None
    progress: int
    # The AP in force (latest vote), or None when no AP has been voted yet.
    budget: Decimal | None = None
    participations: tuple[ParticipationRecord, ...] = ()
    milestones: tuple[MilestoneRecord, ...] = ()


@dataclass(frozen=True)
class CommitmentRecord:
    id: uuid.UUID
    commune_id: uuid.UUID
    commune_name: str
    title: str
    description: str
    promised_by: str
    responsible: str
    made_on: dt.date
    due_date: dt.date | None
    status: CommitmentStatus
    closed_on: dt.date | None
    meeting_id: uuid.UUID | None
    project_id: uuid.UUID | None
    project_title: str = ""
    # What shows the commitment was kept (a delivery note, a decision, a date).
    evidence: str = ""

    def is_late(self, today: dt.date) -> bool:
        return not self.status.is_closed and self.due_date is not None and self.due_date < today


@dataclass(frozen=True)
class AgendaItemRecord:
    id: uuid.UUID
    meeting_id: uuid.UUID
    position: int
    title: str
    presenter: str
    duration_minutes: int
    project_id: uuid.UUID | None
    commitment_id: uuid.UUID | None
    outcome: OutcomeKind
    outcome_text: str
    carried_from_id: uuid.UUID | None
    linked_label: str = ""


@dataclass(frozen=True)
class MeetingRecord:
    id: uuid.UUID
    kind: MeetingKind
    title: str
    starts_at: dt.datetime
    duration_minutes: int
    place: str
    status: MeetingStatus
    participants: str
    minutes: str
    commune_ids: tuple[uuid.UUID, ...] = ()
    # The president's own words: personal points for a meeting, the speech for the vœux.
    speaker_notes: str = ""
    commune_names: tuple[str, ...] = ()
    agenda: tuple[AgendaItemRecord, ...] = ()

    @property
    def agenda_minutes(self) -> int:
        return sum(item.duration_minutes for item in self.agenda)

    @property
    def overruns(self) -> bool:
        """The agenda asks more time than the meeting has."""
        return self.agenda_minutes > self.duration_minutes


@dataclass(frozen=True)
class ExchangeRecord:
    id: uuid.UUID
    commune_id: uuid.UUID
    commune_name: str
    occurred_on: dt.date
    channel: ExchangeChannel
    direction: ExchangeDirection
    subject: str
    summary: str
    follow_up: str
    author: str
    project_id: uuid.UUID | None
    commitment_id: uuid.UUID | None


@dataclass(frozen=True)
class StakeRecord:
    id: uuid.UUID
    commune_id: uuid.UUID
    axis: str
    line: str
    action: str
    priority: Priority
    progress: int
    project_titles: tuple[str, ...] = ()
    project_ids: tuple[uuid.UUID, ...] = ()
    commune_name: str = ""
    project_progress: tuple[int, ...] = ()

    @property
    def rolled_up_progress(self) -> int | None:
        """The mean progress of the projects that answer the stake (None without any)."""
        if not self.project_progress:
            return None
        return round(sum(self.project_progress) / len(self.project_progress))


@dataclass(frozen=True)
class PpiCell:
    ap: Decimal
    cp_by_year: dict[int, Decimal]


@dataclass(frozen=True)
class PpiRow:
    """One row of the PPI table: a commune (or the syndicate) and its AP and CP by year."""

    commune_id: uuid.UUID | None
    commune_name: str
    ap: Decimal
    cp_by_year: dict[int, Decimal]

    @property
    def cp_total(self) -> Decimal:
        return sum(self.cp_by_year.values(), Decimal(0))


@dataclass(frozen=True)
class PpiTable:
    years: tuple[int, ...]
    rows: tuple[PpiRow, ...]

    def total_ap(self) -> Decimal:
        return sum((row.ap for row in self.rows), Decimal(0))

    def total_cp(self, year: int) -> Decimal:
        return sum((row.cp_by_year.get(year, Decimal(0)) for row in self.rows), Decimal(0))


@dataclass(frozen=True)
class PpiLineRecord:
    """One project's PPI line: AP revisions and CP per year, before any commune split."""

    id: uuid.UUID
    project_id: uuid.UUID
    project_code: str
    project_title: str
    owner_name: str
    ap: Decimal | None
    ap_history: tuple[tuple[dt.date, Decimal], ...]
    cp_by_year: dict[int, Decimal]
    note: str
    # The project's status: an abandoned project has nothing left to program.
    project_status: ProjectStatus | None = None


@dataclass(frozen=True)
class CommuneOverview:
    commune: CommuneRecord
    contacts: tuple[ContactRecord, ...]
    projects_by_status: dict[ProjectStatus, int]
    late_commitments: tuple[CommitmentRecord, ...]
    due_soon_commitments: tuple[CommitmentRecord, ...]
    next_meeting: MeetingRecord | None
    last_exchanges: tuple[ExchangeRecord, ...]
    open_commitments: int = 0
    # How many are late and due soon: the tuples above hold only the first of them.
    late_count: int = 0
    due_soon_count: int = 0


@dataclass(frozen=True)
class SearchHit:
    kind: str
    record_id: uuid.UUID
    title: str
    snippet: str
    commune_names: tuple[str, ...] = field(default_factory=tuple)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)
