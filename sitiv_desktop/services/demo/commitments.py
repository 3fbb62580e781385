"""Commitments made to the communes: kept, late, abandoned or still open."""

from __future__ import annotations

import datetime as dt
import uuid

from sitiv_desktop.domain.enums import (
    CommitmentStatus,
)
from sitiv_desktop.i18n import de_commune
from sitiv_desktop.services.demo.maker import (
    DrawnCommitment,
    DrawnCommune,
    DrawnProject,
    Maker,
    Staff,
    french_date,
    projects_of,
)
from sitiv_desktop.services.demo.vocabulary import (
    COMMITMENT_TITLES,
    EVIDENCES,
)
from sitiv_desktop.store import models

COMMITMENTS_PER_COMMUNE = 10


def make_commitments(
    maker: Maker, communes: list[DrawnCommune], projects: list[DrawnProject], staff: Staff
) -> dict[uuid.UUID, list[DrawnCommitment]]:
    """The commitments made outside meetings; those made in meetings come with the meetings."""
    made: dict[uuid.UUID, list[DrawnCommitment]] = {}
    for commune in communes:
        mine = projects_of(commune, projects)
        made[commune.id] = []
        for number in range(COMMITMENTS_PER_COMMUNE):
            made_on = maker.days_from_today(-maker.rng.randint(10, 600))
            # Each commune gets one late and one due-soon commitment, whatever the seed.
            due = {
                0: maker.days_from_today(-maker.rng.randint(3, 45)),
                1: maker.days_from_today(maker.rng.randint(3, 40)),
            }.get(number, made_on + dt.timedelta(days=maker.rng.randint(30, 300)))
            made_on = min(made_on, due - dt.timedelta(days=20))
            commitment = make_commitment(
                maker,
                commune,
                maker.rng.choice(mine),
                staff,
                made_on,
                due,
                None,
                still_open=number < 2,
            )
            made[commune.id].append(commitment)
    return made


def make_commitment(
    maker: Maker,
    commune: DrawnCommune,
    project: DrawnProject,
    staff: Staff,
    made_on: dt.date,
    due: dt.date,
    meeting_id: uuid.UUID | None,
    still_open: bool = False,
) -> DrawnCommitment:
    status, closed_on = _commitment_state(maker, made_on, due, still_open)
    subject = project.subject
    title = maker.rng.choice(COMMITMENT_TITLES).format(the=subject.the, of_the=subject.of_the)
    promised_by = maker.rng.choice((staff.president, staff.vice_president, staff.dgs))
    responsible = maker.rng.choice((*staff.liaisons, staff.technical))
    where = "en rencontre avec le maire" if meeting_id else "lors d’un échange avec la commune"
    commitment_id = maker.add(
        models.Commitment,
        commune_id=commune.id,
        title=title,
        description=f"Engagement pris {where} {de_commune(commune.name)}, demandé par "
        f"{commune.general_director if maker.rng.random() < 0.5 else commune.mayor}.",
        promised_by=promised_by,
        responsible=responsible,
        made_on=made_on,
        due_date=due,
        status=status.value,
        closed_on=closed_on,
        meeting_id=meeting_id,
        project_id=project.id,
        evidence=_evidence(closed_on) if status is CommitmentStatus.KEPT else "",
    )
    return DrawnCommitment(commitment_id, commune, title, made_on, due, subject, closed_on)


# What shows a commitment was kept, on the day it was (chosen by the day, not drawn, so that


def _evidence(closed_on: dt.date | None) -> str:
    if closed_on is None:
        return ""
    return EVIDENCES[closed_on.toordinal() % len(EVIDENCES)].format(date=french_date(closed_on))


def _commitment_state(
    maker: Maker, made_on: dt.date, due: dt.date, still_open: bool
) -> tuple[CommitmentStatus, dt.date | None]:
    """Mostly kept once due, some late, a few abandoned; closing dates never after today."""
    draw = maker.rng.random()
    open_status = maker.rng.choice((CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS))
    if still_open:
        return open_status, None
    if due < maker.today:
        kept, late = 0.7, 0.92
    else:
        kept, late = 0.15, 0.95
    closed_on = maker.between(made_on, min(due, maker.today))
    if draw < kept:
        return CommitmentStatus.KEPT, closed_on
    if draw < late:
        return open_status, None
    return CommitmentStatus.ABANDONED, closed_on
