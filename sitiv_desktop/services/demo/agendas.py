"""The calendar of one copy: meetings written with their communes, agendas with the items
a meeting did not deal with carried to the next of its series."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sitiv_desktop.domain.enums import (
    MeetingKind,
    MeetingStatus,
    OutcomeKind,
)
from sitiv_desktop.services.demo.maker import (
    DrawnCommitment,
    DrawnCommune,
    Maker,
    Staff,
    french_date,
)
from sitiv_desktop.services.demo.vocabulary import (
    NOT_DEALT_WITH,
    OUTCOME_TEXTS,
)
from sitiv_desktop.store import models


@dataclass(frozen=True)
class Item:
    """An agenda item to write: what ``Calendar.item`` needs besides its meeting."""

    title: str
    presenter: str
    minutes: int
    outcome: OutcomeKind = OutcomeKind.INFORMATION
    project_id: uuid.UUID | None = None
    commitment: DrawnCommitment | None = None
    carried_from: uuid.UUID | None = None


@dataclass
class Calendar:
    """The meetings of one copy; a series is one kind of meeting with the same communes."""

    maker: Maker
    staff: Staff
    # Items the last meeting of each series did not deal with, to carry to its next meeting.
    pending: dict[str, list[Item]] = field(default_factory=dict)
    # Each meeting's day, by its identifier.
    days: dict[uuid.UUID, dt.date] = field(default_factory=dict)

    def meeting(
        self,
        kind: MeetingKind,
        title: str,
        at: dt.datetime,
        duration: int,
        place: str,
        communes: Sequence[DrawnCommune],
        participants: str,
        speaker_notes: str = "",
    ) -> tuple[uuid.UUID, MeetingStatus]:
        maker = self.maker
        status = MeetingStatus.HELD if at.date() < maker.today else MeetingStatus.PLANNED
        if status is MeetingStatus.HELD and maker.rng.random() < 0.04:
            status = MeetingStatus.CANCELLED
        minutes = {
            MeetingStatus.HELD: "Relevé de décisions diffusé aux participants le "
            f"{french_date(at.date() + dt.timedelta(days=3))}.",
            MeetingStatus.CANCELLED: "Séance annulée ; une nouvelle date sera proposée.",
        }.get(status, "")
        meeting_id = maker.add(
            models.Meeting,
            kind=kind.value,
            title=title,
            starts_at=at,
            duration_minutes=duration,
            place=place,
            status=status.value,
            participants=participants,
            minutes=minutes,
            speaker_notes=speaker_notes if status is not MeetingStatus.CANCELLED else "",
        )
        self.days[meeting_id] = at.date()
        for commune in communes:
            maker.add(models.MeetingCommune, meeting_id=meeting_id, commune_id=commune.id)
        return meeting_id, status

    def agenda(
        self,
        series: str,
        meeting_id: uuid.UUID,
        status: MeetingStatus,
        items: Iterable[Item],
        may_slip: bool = True,
    ) -> None:
        """The items carried over from the series' last meeting first, then ``items``.

        In a held meeting, an item may slip (not dealt with) and wait for the next one,
        unless ``may_slip`` is false (a ceremony, a seminar).
        """
        # A follow-up carried over is dropped once its commitment was closed in between.
        day = self.days[meeting_id]
        carried = [
            item
            for item in self.pending.pop(series, [])
            if item.commitment is None or item.commitment.open_on(day)
        ]
        titles = {item.title for item in carried}
        fresh = [item for item in items if item.title not in titles]
        for position, item in enumerate([*carried, *fresh]):
            slipped = (
                may_slip
                and status is MeetingStatus.HELD
                and item.outcome is not OutcomeKind.COMMITMENT
                and self.maker.rng.random() < 0.08
            )
            item_id = self._write(meeting_id, status, position, item, slipped)
            if slipped:
                self.pending.setdefault(series, []).append(
                    Item(
                        item.title,
                        item.presenter,
                        item.minutes,
                        item.outcome,
                        item.project_id,
                        item.commitment,
                        carried_from=item_id,
                    )
                )

    def _write(
        self,
        meeting_id: uuid.UUID,
        status: MeetingStatus,
        position: int,
        item: Item,
        slipped: bool,
    ) -> uuid.UUID:
        outcome, outcome_text = OutcomeKind.NONE, ""
        if slipped:
            outcome_text = NOT_DEALT_WITH
        elif status is MeetingStatus.HELD and item.outcome is OutcomeKind.COMMITMENT:
            title = item.commitment.title if item.commitment else item.title
            outcome, outcome_text = item.outcome, f"Engagement pris : {title}."
        elif status is MeetingStatus.HELD:
            outcome = item.outcome
            outcome_text = self.maker.rng.choice(OUTCOME_TEXTS[outcome])
        return self.maker.add(
            models.AgendaItem,
            meeting_id=meeting_id,
            position=position,
            title=item.title,
            presenter=item.presenter,
            duration_minutes=item.minutes,
            project_id=item.project_id,
            commitment_id=item.commitment.id if item.commitment else None,
            outcome=outcome.value,
            outcome_text=outcome_text,
            carried_from_id=item.carried_from,
        )
