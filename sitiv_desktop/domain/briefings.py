"""What each briefing pack holds, gathered once by ``services.briefings``.

The PDF code reads these frozen records and runs no query of its own, so a pack can be built
in a worker thread and the same records always give the same file.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from sitiv_desktop.domain.records import (
    CommitmentRecord,
    CommuneRecord,
    ContactRecord,
    ExchangeRecord,
    MeetingRecord,
    PpiLineRecord,
    PpiTable,
    ProjectRecord,
    StakeRecord,
)
from sitiv_desktop.i18n import N_, _


class ChangeKind(StrEnum):
    """What kind of change « since the last meeting » reports."""

    COMMITMENT_MADE = "commitment_made"
    COMMITMENT_KEPT = "commitment_kept"
    COMMITMENT_ABANDONED = "commitment_abandoned"
    DUE_DATE_MOVED = "due_date_moved"
    COMMITMENT_REASSIGNED = "commitment_reassigned"
    PROJECT_CREATED = "project_created"
    PROJECT_DELIVERED = "project_delivered"
    PROJECT_STATUS = "project_status"
    PROJECT_PROGRESS = "project_progress"
    MILESTONE_REACHED = "milestone_reached"
    AP_VOTED = "ap_voted"
    EXCHANGE = "exchange"

    @property
    def label(self) -> str:
        labels = {
            "commitment_made": N_("New commitment"),
            "commitment_kept": N_("Commitment kept"),
            "commitment_abandoned": N_("Commitment abandoned"),
            "due_date_moved": N_("Due date moved"),
            "commitment_reassigned": N_("Commitment reassigned"),
            "project_created": N_("New project"),
            "project_delivered": N_("Project delivered"),
            "project_status": N_("Project status"),
            "project_progress": N_("Project progress"),
            "milestone_reached": N_("Milestone reached"),
            "ap_voted": N_("AP voted"),
            "exchange": N_("New exchange"),
        }
        return _(labels[self.value])


@dataclass(frozen=True)
class ChangeEntry:
    """One dated change for a commune: what happened, to what, with a detail already worded
    (« 30 juin 2026 → 15 septembre 2026 »), who made it and whether it is still to be synced.

    ``author`` is empty when the change is read from the dates a record carries rather than
    from the recorded history (data imported, or typed on a laptop that never synced).
    """

    day: dt.date
    kind: ChangeKind
    subject: str
    detail: str = ""
    author: str = ""
    pending: bool = False


class PointTopic(StrEnum):
    """The headings talking points and speaker's notes are grouped under, in reading order."""

    ADDRESS = "address"
    OBTAIN = "obtain"
    ANNOUNCE = "announce"
    CELEBRATE = "celebrate"

    @property
    def label(self) -> str:
        labels = {
            "address": N_("To address"),
            "obtain": N_("To obtain"),
            "announce": N_("To announce"),
            "celebrate": N_("To celebrate"),
        }
        return _(labels[self.value])


@dataclass(frozen=True)
class TalkingPoint:
    topic: PointTopic
    text: str


@dataclass(frozen=True)
class PpiShare:
    """A commune's share of the PPI: its AP and its CP per year, all lines together."""

    ap: Decimal
    cp_by_year: dict[int, Decimal]
    # Its share of what is left to program, line by line (negative when the CP exceed the AP);
    # an abandoned project's lines count for nothing (``services.ppi.left_to_program``).
    left_to_program: Decimal = Decimal(0)


@dataclass(frozen=True)
class MeetingPackData:
    """Everything the mayor meeting pack shows, for one meeting with one commune.

    The lists are selections, the most relevant first and capped, so that the pack stays a
    briefing at any size; each ``*_count`` field counts the whole list, for the key figures
    and for the sentence that says how many entries the pack does not detail.
    """

    syndicate: str
    meeting: MeetingRecord
    commune: CommuneRecord
    as_of: dt.date
    # The last mayor meeting held with the commune before this one, the reference of
    # « what changed »; None when there was none.
    previous_meeting: MeetingRecord | None
    changes_since: dt.date
    changes: tuple[ChangeEntry, ...]
    # How many changes of each kind the period holds, all of them (``changes`` is capped), in
    # the order of ``ChangeKind``: the sentence that sums up the table.
    change_counts: tuple[tuple[ChangeKind, int], ...]
    contacts: tuple[ContactRecord, ...]
    projects: tuple[ProjectRecord, ...]
    late: tuple[CommitmentRecord, ...]
    due_soon: tuple[CommitmentRecord, ...]
    kept_since: tuple[CommitmentRecord, ...]
    open_commitments: int
    exchanges: tuple[ExchangeRecord, ...]
    stakes: tuple[StakeRecord, ...]
    ppi_lines: tuple[PpiLineRecord, ...]
    ppi_share: PpiShare
    talking_points: tuple[TalkingPoint, ...]
    # Per PPI line shown: what remains to be programmed, and the CP beyond the AP in force.
    ppi_remaining: dict[uuid.UUID, Decimal] = field(default_factory=dict)
    ppi_overrun: dict[uuid.UUID, Decimal] = field(default_factory=dict)
    change_count: int = 0
    project_count: int = 0
    projects_under_way: int = 0
    late_count: int = 0
    due_soon_count: int = 0
    kept_since_count: int = 0
    stake_count: int = 0
    ppi_line_count: int = 0


@dataclass(frozen=True)
class YearFigures:
    """The year in figures across the syndicate."""

    communes: int
    projects_delivered: int
    projects_in_progress: int
    commitments_made: int
    commitments_kept: int
    exchanges: int
    meetings_held: int
    cp_year: Decimal
    cp_next_year: Decimal


@dataclass(frozen=True)
class CommuneYear:
    """One commune's year, for its page of the New Year address pack.

    Its lists are capped selections; the ``*_count`` fields count them whole.
    """

    commune: CommuneRecord
    projects_delivered: tuple[ProjectRecord, ...]
    projects_in_progress: int
    commitments_made: int
    commitments_kept: tuple[CommitmentRecord, ...]
    commitments_late: tuple[CommitmentRecord, ...]
    exchanges: int
    meetings_held: int
    cp_next_year: Decimal
    delivered_count: int = 0
    kept_count: int = 0
    late_count: int = 0


@dataclass(frozen=True)
class VoeuxPackData:
    """Everything the New Year address pack shows: ``year`` is the year under review.

    ``delivered`` and ``next_ppi_lines`` are capped selections, counted whole by
    ``figures.projects_delivered`` and ``next_ppi_line_count``.
    """

    syndicate: str
    year: int
    as_of: dt.date
    figures: YearFigures
    delivered: tuple[ProjectRecord, ...]
    communes: tuple[CommuneYear, ...]
    next_ppi: PpiTable
    next_ppi_lines: tuple[PpiLineRecord, ...]
    speaker_notes: tuple[TalkingPoint, ...]
    next_ppi_line_count: int = 0
    # The New Year address meeting of ``next_year`` (None when none is recorded), whose
    # speaker's notes are the president's own words for the speech.
    address_meeting: MeetingRecord | None = None
    # True when the projects in progress are counted on the day the pack is built, not at
    # ``as_of``: a project's status at a past day is not known.
    in_progress_today: bool = False

    @property
    def speech_notes(self) -> str:
        return self.address_meeting.speaker_notes if self.address_meeting is not None else ""

    @property
    def next_year(self) -> int:
        return self.year + 1

    @property
    def year_closed(self) -> bool:
        """False when the pack is built before the year ends: its figures stand at ``as_of``."""
        return self.as_of >= dt.date(self.year, 12, 31)


@dataclass(frozen=True)
class AgendaPackData:
    syndicate: str
    meeting: MeetingRecord
