"""The domain as SQLAlchemy 2 typed models: one table per entity of DESIGN.md.

The database holds every rule it can (NOT NULL, CHECK, foreign keys, uniqueness); the services
check the same rules first so that users get a French message naming the field. Amounts are
whole cents, so SQLite and PostgreSQL agree to the cent.

One module for every table on purpose: the relations between the models are read in one place, and
Alembic's autogenerate sees one metadata.
"""

from __future__ import annotations

import uuid

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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
from sitiv_desktop.store.types import (
    Cents,
    Day,
    LongText,
    Moment,
    RecordId,
    ShortText,
    code_check,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Commune(Base):
    __tablename__ = "communes"
    __table_args__ = (
        CheckConstraint("length(insee_code) = 5", name="insee_code_length"),
        CheckConstraint("population >= 0", name="population_positive"),
        CheckConstraint(code_check("metropole", Metropole), name="metropole_code"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    id: Mapped[RecordId]
    name: Mapped[ShortText]
    insee_code: Mapped[str] = mapped_column(String(5), unique=True)
    population: Mapped[int]
    departement: Mapped[ShortText] = mapped_column(default="")
    metropole: Mapped[str] = mapped_column(String(20))
    mayor: Mapped[ShortText] = mapped_column(default="")
    joined_on: Mapped[Day | None]
    # The day membership ended; the commune's records and history stay.
    left_on: Mapped[Day | None]
    note: Mapped[LongText]

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="commune", cascade="all, delete-orphan", order_by="Contact.full_name"
    )


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint(code_check("role", ContactRole), name="role_code"),
        CheckConstraint("length(full_name) > 0", name="full_name_not_empty"),
    )

    id: Mapped[RecordId]
    commune_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    full_name: Mapped[ShortText]
    # The job title as the person is addressed (« Directrice générale des services »).
    title: Mapped[ShortText] = mapped_column(default="")
    role: Mapped[str] = mapped_column(String(20))
    email: Mapped[ShortText] = mapped_column(default="")
    phone: Mapped[ShortText] = mapped_column(default="")

    commune: Mapped[Commune] = relationship(back_populates="contacts")


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(code_check("domain", ProjectDomain), name="domain_code"),
        CheckConstraint(code_check("status", ProjectStatus), name="status_code"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="end_after_start",
        ),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
    )

    id: Mapped[RecordId]
    code: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[ShortText]
    description: Mapped[LongText]
    domain: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)
    # NULL owner: the syndicate itself is maître d'ouvrage.
    owner_commune_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("communes.id", ondelete="RESTRICT"), index=True
    )
    partners: Mapped[LongText]
    start_date: Mapped[Day | None]
    end_date: Mapped[Day | None]
    progress: Mapped[int] = mapped_column(default=0)

    owner: Mapped[Commune | None] = relationship()
    participations: Mapped[list[Participation]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Milestone.due_date"
    )


class Participation(Base):
    """A commune taking part in a project, with its share of the cost."""

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("project_id", "commune_id", name="project_commune"),
        CheckConstraint("cost_share BETWEEN 0 AND 100", name="cost_share_percent"),
    )

    id: Mapped[RecordId]
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    commune_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    # Percent of the project's cost borne by the commune.
    cost_share: Mapped[int]

    project: Mapped[Project] = relationship(back_populates="participations")
    commune: Mapped[Commune] = relationship()


class Milestone(Base):
    __tablename__ = "milestones"
    __table_args__ = (CheckConstraint("length(title) > 0", name="title_not_empty"),)

    id: Mapped[RecordId]
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[ShortText]
    due_date: Mapped[Day]
    done_on: Mapped[Day | None]

    project: Mapped[Project] = relationship(back_populates="milestones")


class PpiLine(Base):
    """A project's line in the multi-year investment plan; it may precede any voted AP."""

    __tablename__ = "ppi_lines"

    id: Mapped[RecordId]
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), unique=True
    )
    note: Mapped[LongText]

    project: Mapped[Project] = relationship()
    revisions: Mapped[list[ApRevision]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="ApRevision.voted_on"
    )
    payment_credits: Mapped[list[PaymentCredit]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="PaymentCredit.year"
    )


class ApRevision(Base):
    """One vote of the programme authorisation (AP); the latest vote is the AP in force."""

    __tablename__ = "ap_revisions"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[RecordId]
    line_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ppi_lines.id", ondelete="CASCADE"), index=True
    )
    voted_on: Mapped[Day]
    amount_cents: Mapped[Cents]
    note: Mapped[LongText]

    line: Mapped[PpiLine] = relationship(back_populates="revisions")


class PaymentCredit(Base):
    """The payment credits (CP) of a PPI line for one year."""

    __tablename__ = "payment_credits"
    __table_args__ = (
        UniqueConstraint("line_id", "year", name="line_year"),
        CheckConstraint("amount_cents >= 0", name="amount_positive"),
        CheckConstraint("year BETWEEN 1972 AND 2100", name="year_range"),
    )

    id: Mapped[RecordId]
    line_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ppi_lines.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int]
    amount_cents: Mapped[Cents]

    line: Mapped[PpiLine] = relationship(back_populates="payment_credits")


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(code_check("kind", MeetingKind), name="kind_code"),
        CheckConstraint(code_check("status", MeetingStatus), name="status_code"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
    )

    id: Mapped[RecordId]
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[ShortText]
    starts_at: Mapped[Moment] = mapped_column(index=True)
    duration_minutes: Mapped[int]
    place: Mapped[ShortText] = mapped_column(default="")
    status: Mapped[str] = mapped_column(String(20))
    participants: Mapped[LongText]
    minutes: Mapped[LongText]
    # The president's own words for this meeting (« points personnels », the vœux speech).
    speaker_notes: Mapped[LongText]

    communes: Mapped[list[MeetingCommune]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="AgendaItem.position",
        foreign_keys="AgendaItem.meeting_id",
    )


class MeetingCommune(Base):
    __tablename__ = "meeting_communes"
    __table_args__ = (UniqueConstraint("meeting_id", "commune_id", name="meeting_commune"),)

    id: Mapped[RecordId]
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    commune_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )

    meeting: Mapped[Meeting] = relationship(back_populates="communes")
    commune: Mapped[Commune] = relationship()


class Commitment(Base):
    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint(code_check("status", CommitmentStatus), name="status_code"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("due_date IS NULL OR due_date >= made_on", name="due_after_made"),
    )

    id: Mapped[RecordId]
    commune_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[ShortText]
    description: Mapped[LongText]
    promised_by: Mapped[ShortText] = mapped_column(default="")
    responsible: Mapped[ShortText] = mapped_column(default="")
    made_on: Mapped[Day]
    due_date: Mapped[Day | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    closed_on: Mapped[Day | None]
    evidence: Mapped[LongText]
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )

    commune: Mapped[Commune] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    project: Mapped[Project | None] = relationship()


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint(code_check("outcome", OutcomeKind), name="outcome_code"),
        CheckConstraint("duration_minutes >= 0", name="duration_positive"),
        CheckConstraint("position >= 0", name="position_positive"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
    )

    id: Mapped[RecordId]
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[ShortText]
    presenter: Mapped[ShortText] = mapped_column(default="")
    duration_minutes: Mapped[int] = mapped_column(default=0)
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL")
    )
    commitment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commitments.id", ondelete="SET NULL")
    )
    outcome: Mapped[str] = mapped_column(String(20), default=OutcomeKind.NONE.value)
    outcome_text: Mapped[LongText]
    # The item of an earlier meeting that this one carries over.
    carried_from_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )

    meeting: Mapped[Meeting] = relationship(
        back_populates="agenda_items", foreign_keys=[meeting_id]
    )
    project: Mapped[Project | None] = relationship()
    commitment: Mapped[Commitment | None] = relationship(foreign_keys=[commitment_id])


class Exchange(Base):
    __tablename__ = "exchanges"
    __table_args__ = (
        CheckConstraint(code_check("channel", ExchangeChannel), name="channel_code"),
        CheckConstraint(code_check("direction", ExchangeDirection), name="direction_code"),
        CheckConstraint("length(subject) > 0", name="subject_not_empty"),
        Index("ix_exchanges_commune_date", "commune_id", "occurred_on"),
    )

    id: Mapped[RecordId]
    commune_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    occurred_on: Mapped[Day]
    channel: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(20))
    subject: Mapped[ShortText]
    summary: Mapped[LongText]
    follow_up: Mapped[LongText]
    author: Mapped[ShortText] = mapped_column(default="")
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL")
    )
    commitment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commitments.id", ondelete="SET NULL")
    )

    commune: Mapped[Commune] = relationship()
    project: Mapped[Project | None] = relationship()
    commitment: Mapped[Commitment | None] = relationship()


class MandateStake(Base):
    """What a commune's mandate plan asks of digital services: axis → line → action."""

    __tablename__ = "mandate_stakes"
    __table_args__ = (
        CheckConstraint(code_check("priority", Priority), name="priority_code"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        CheckConstraint("length(action) > 0", name="action_not_empty"),
    )

    id: Mapped[RecordId]
    commune_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    axis: Mapped[ShortText]
    line: Mapped[ShortText]
    action: Mapped[ShortText]
    priority: Mapped[str] = mapped_column(String(10))
    progress: Mapped[int] = mapped_column(default=0)

    commune: Mapped[Commune] = relationship()
    answers: Mapped[list[StakeProject]] = relationship(
        back_populates="stake", cascade="all, delete-orphan"
    )


class StakeProject(Base):
    """A project that answers a mandate stake."""

    __tablename__ = "stake_projects"
    __table_args__ = (UniqueConstraint("stake_id", "project_id", name="stake_project"),)

    id: Mapped[RecordId]
    stake_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mandate_stakes.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )

    stake: Mapped[MandateStake] = relationship(back_populates="answers")
    project: Mapped[Project] = relationship()


def all_record_tables() -> list[str]:
    """Every table holding domain records, parents before children."""
    return [table.name for table in Base.metadata.sorted_tables]
