"""Exchanges with the communes and the stakes of their mandate plans."""

from __future__ import annotations

import datetime as dt
import uuid

from sitiv_desktop.domain.enums import (
    ExchangeChannel,
    ExchangeDirection,
    Priority,
    ProjectStatus,
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
    EXCHANGES,
    FOLLOW_UPS,
    STAKES,
)
from sitiv_desktop.store import models

IN, OUT = ExchangeDirection.INCOMING, ExchangeDirection.OUTGOING
PHONE, EMAIL, LETTER, VIDEO, MEETING = (
    ExchangeChannel.PHONE,
    ExchangeChannel.EMAIL,
    ExchangeChannel.LETTER,
    ExchangeChannel.VIDEO,
    ExchangeChannel.MEETING,
)


EXCHANGES_PER_COMMUNE = 40
STAKES_PER_COMMUNE = 5


def make_exchanges(
    maker: Maker,
    communes: list[DrawnCommune],
    projects: list[DrawnProject],
    commitments: dict[uuid.UUID, list[DrawnCommitment]],
    staff: Staff,
) -> None:
    for commune in communes:
        mine = projects_of(commune, projects)
        for _number in range(EXCHANGES_PER_COMMUNE):
            if maker.rng.random() < 0.25:
                commitment = maker.rng.choice(commitments[commune.id])
                day = min(maker.today, commitment.made_on + dt.timedelta(maker.rng.randint(0, 60)))
                subject_line = f"Suivi d’engagement : {commitment.title}"
                summary = (
                    f"Point fait avec {commune.name} sur cet engagement ; l’échéance du "
                    f"{french_date(commitment.due)} est rappelée."
                )
                project_id, commitment_id = None, commitment.id
                direction = maker.rng.choice(list(ExchangeDirection))
                channel = maker.rng.choice((PHONE, EMAIL, VIDEO))
            else:
                project = maker.rng.choice(mine)
                day = maker.days_from_today(-maker.rng.randint(1, 700))
                subject, summary, direction, channels = maker.rng.choice(EXCHANGES)
                channel = maker.rng.choice(channels)
                words = {"the": project.subject.the, "of_the": project.subject.of_the}
                subject_line = subject.format(**words)
                summary = summary.format(
                    commune=commune.name, of_commune=de_commune(commune.name), **words
                )
                project_id, commitment_id = project.id, None
            maker.add(
                models.Exchange,
                commune_id=commune.id,
                occurred_on=day,
                channel=channel.value,
                direction=direction.value,
                subject=subject_line,
                summary=summary,
                follow_up=maker.rng.choice(FOLLOW_UPS),
                author=maker.rng.choice(staff.liaisons),
                project_id=project_id,
                commitment_id=commitment_id,
            )


def make_stakes(maker: Maker, communes: list[DrawnCommune], projects: list[DrawnProject]) -> None:
    for commune in communes:
        mine = projects_of(commune, projects)
        for axis, line, action, domains in maker.rng.sample(STAKES, STAKES_PER_COMMUNE):
            answering = [p for p in mine if p.subject.domain in domains]
            answering = maker.rng.sample(answering, min(len(answering), maker.rng.randint(1, 2)))
            statuses = {p.status for p in answering}
            if ProjectStatus.DELIVERED in statuses:
                progress = 5 * maker.rng.randint(12, 20)
            elif ProjectStatus.IN_PROGRESS in statuses:
                progress = 5 * maker.rng.randint(4, 12)
            else:
                progress = 5 * maker.rng.randint(0, 2)
            stake_id = maker.add(
                models.MandateStake,
                commune_id=commune.id,
                axis=axis,
                line=line,
                action=action,
                priority=maker.rng.choice(list(Priority)).value,
                progress=progress,
            )
            for project in answering:
                maker.add(models.StakeProject, stake_id=stake_id, project_id=project.id)
