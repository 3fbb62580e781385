"""Projects, their milestones, their PPI lines with AP votes and payment credits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sitiv_desktop.domain.enums import (
    ProjectStatus,
)
from sitiv_desktop.i18n import de_commune
from sitiv_desktop.services.demo.communes import SYNDICATE_PREFIX
from sitiv_desktop.services.demo.maker import (
    PPI_YEARS_BEFORE,
    DrawnCommune,
    DrawnProject,
    Maker,
    weekday,
)
from sitiv_desktop.services.demo.vocabulary import (
    AMOUNTS,
    AP_REVISION_REASONS,
    METROPOLE_NAMES,
    MILESTONES,
    PARTNERS,
    SUBJECTS,
    Subject,
)
from sitiv_desktop.store import models

STATUS_WEIGHTS = {
    ProjectStatus.IDEA: 1,
    ProjectStatus.STUDY: 2,
    ProjectStatus.IN_PROGRESS: 4,
    ProjectStatus.DELIVERED: 4,
    ProjectStatus.SUSPENDED: 1,
    ProjectStatus.ABANDONED: 1,
}
PROJECTS_PER_COMMUNE = 5
SYNDICATE_PROJECTS = 6


@dataclass
class Counters:
    """Kept across the copies of a larger scale, so that codes stay unique."""

    # Per owner's prefix and subject: the phase of the project.
    phases: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Per owner's prefix and year: the number in the project's code.
    numbers: Counter[tuple[str, int]] = field(default_factory=Counter)


def make_projects(
    maker: Maker, communes: list[DrawnCommune], counters: Counters
) -> list[DrawnProject]:
    owners: list[DrawnCommune | None] = [c for c in communes for _ in range(PROJECTS_PER_COMMUNE)]
    owners += [None] * SYNDICATE_PROJECTS
    made = []
    for owner in owners:
        subject = maker.rng.choice(SUBJECTS)
        status = maker.rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        start, end, progress = _project_dates(maker, status)
        if owner is None:
            concerned = tuple(
                sorted(
                    maker.rng.sample(communes, maker.rng.randint(2, len(communes))),
                    key=communes.index,
                )
            )
        else:
            concerned = (owner,)
        prefix = owner.prefix if owner else SYNDICATE_PREFIX
        # A subject that comes back for the same owner is the next phase of its project.
        counters.phases[(prefix, subject.title)] += 1
        phase = counters.phases[(prefix, subject.title)]
        title = subject.title if phase == 1 else f"{subject.title} — phase {phase}"
        code_year = start.year if start else maker.today.year
        counters.numbers[(prefix, code_year)] += 1
        project_id = maker.add(
            models.Project,
            code=f"{prefix}-{code_year}-{counters.numbers[(prefix, code_year)]:02d}",
            title=title,
            description=_project_description(subject, owner, concerned),
            domain=subject.domain.value,
            status=status.value,
            owner_commune_id=owner.id if owner else None,
            partners=_partners(maker, subject, concerned),
            start_date=start,
            end_date=end,
            progress=progress,
        )
        if owner is None:
            _participations(maker, project_id, concerned)
        if start and end:
            _milestones(maker, project_id, status, start, end)
        if maker.rng.random() < 0.85:
            _ppi_line(maker, project_id, subject, status, start, end)
        made.append(DrawnProject(project_id, subject, title, status, owner, concerned))
    return made


def _project_dates(
    maker: Maker, status: ProjectStatus
) -> tuple[dt.date | None, dt.date | None, int]:
    """Start, end and progress: the PPI years for the start, today for what is still running."""
    if status is ProjectStatus.IDEA:
        return None, None, 0
    this_year = maker.today.year
    # Work delivered lately, so that each New Year address has deliveries to show.
    back = {
        ProjectStatus.STUDY: 1,
        ProjectStatus.IN_PROGRESS: 3,
        ProjectStatus.DELIVERED: 3,
    }.get(status, PPI_YEARS_BEFORE)
    start = dt.date(maker.rng.randint(this_year - back, this_year - 1), maker.rng.randint(1, 12), 1)
    yesterday = maker.days_from_today(-1)
    if status in (ProjectStatus.DELIVERED, ProjectStatus.ABANDONED):
        end = start + dt.timedelta(days=maker.rng.randint(180, 1000))
        end = max(start, min(end, yesterday))
        progress = 100 if status is ProjectStatus.DELIVERED else 5 * maker.rng.randint(0, 8)
        return start, end, progress
    later = (60, 540) if status is ProjectStatus.IN_PROGRESS else (120, 720)
    end = max(start, maker.days_from_today(maker.rng.randint(*later)))
    elapsed = (maker.today - start).days / max(1, (end - start).days)
    progress = {
        ProjectStatus.STUDY: 5 * maker.rng.randint(1, 4),
        ProjectStatus.SUSPENDED: 5 * maker.rng.randint(4, 12),
    }.get(status, 5 * round(min(95, max(10, 100 * elapsed)) / 5))
    return start, end, progress


def _project_description(
    subject: Subject, owner: DrawnCommune | None, concerned: Sequence[DrawnCommune]
) -> str:
    if owner is not None:
        return (
            f"{subject.description} Maîtrise d’ouvrage : la commune {de_commune(owner.name)} ; "
            "le syndicat l’accompagne et suit l’échéancier."
        )
    names = ", ".join(c.name for c in concerned[:-1]) + f" et {concerned[-1].name}"
    return (
        f"{subject.description} Projet porté par le syndicat pour {names}, qui en partagent "
        "le coût au prorata de leur population."
    )


def _partners(maker: Maker, subject: Subject, concerned: Sequence[DrawnCommune]) -> str:
    chosen = maker.rng.choice(PARTNERS[subject.domain])
    return chosen.format(metropole=METROPOLE_NAMES[concerned[0].metropole])


def _participations(maker: Maker, project_id: uuid.UUID, concerned: Sequence[DrawnCommune]) -> None:
    """Cost shares in proportion to population, in whole percents that add up to 100."""
    population = sum(c.population for c in concerned)
    percents = [c.population * 100 // population for c in concerned]
    largest = max(range(len(concerned)), key=lambda index: concerned[index].population)
    percents[largest] += 100 - sum(percents)
    for commune, percent in zip(concerned, percents, strict=True):
        maker.add(
            models.Participation, project_id=project_id, commune_id=commune.id, cost_share=percent
        )


def _milestones(
    maker: Maker, project_id: uuid.UUID, status: ProjectStatus, start: dt.date, end: dt.date
) -> None:
    steps = sorted(maker.rng.sample(range(len(MILESTONES) - 1), maker.rng.randint(2, 4)))
    steps.append(len(MILESTONES) - 1)
    span = (end - start).days
    for rank, step in enumerate(steps, start=1):
        due = start + dt.timedelta(days=span * rank // len(steps))
        done_on: dt.date | None = None
        if status is ProjectStatus.DELIVERED or (
            due < maker.today
            and status is not ProjectStatus.ABANDONED
            and maker.rng.random() < 0.85  # the others are late
        ):
            done_on = min(due + dt.timedelta(days=maker.rng.randint(-10, 20)), maker.today)
        elif status is ProjectStatus.ABANDONED and rank <= len(steps) // 2:
            done_on = due
        maker.add(
            models.Milestone,
            project_id=project_id,
            title=MILESTONES[step],
            due_date=due,
            done_on=done_on,
        )


def _ppi_line(
    maker: Maker,
    project_id: uuid.UUID,
    subject: Subject,
    status: ProjectStatus,
    start: dt.date | None,
    end: dt.date | None,
) -> None:
    """A PPI line, its AP votes (none yet for ideas and some studies) and its CP per year."""
    low, high = AMOUNTS[subject.domain]
    amount = maker.rng.randint(low // 1000, high // 1000) * 1000_00  # cents, whole thousands
    voted = status is not ProjectStatus.IDEA and maker.rng.random() < (
        0.5 if status is ProjectStatus.STUDY else 0.92
    )
    line_id = maker.add(
        models.PpiLine,
        project_id=project_id,
        note="" if voted else "Ligne inscrite au PPI ; autorisation de programme à voter.",
    )
    if not voted or start is None:
        return  # no payment credit is programmed before its AP is voted
    amount = _ap_votes(maker, line_id, amount, start)
    ppi_years = maker.ppi_years
    this_year = maker.today.year
    first_year = start.year if start else this_year + 1
    # Credits run to the end of the work: the year it ends, or stopped; open-ended work (ideas,
    # studies) is planned over the two coming years.
    last_year = end.year if end is not None else this_year + 2
    if status is ProjectStatus.ABANDONED and end is not None:
        # An abandoned project spent part of its AP, until the year it stopped.
        amount = amount * maker.rng.randint(20, 60) // 100
    elif status in (ProjectStatus.IN_PROGRESS, ProjectStatus.STUDY):
        last_year = max(last_year, this_year + 1)
    first_year = max(first_year, ppi_years[0])
    years = [year for year in ppi_years if first_year <= year <= last_year] or [first_year]
    for year, credit in zip(years, _split(maker, amount, len(years)), strict=True):
        maker.add(models.PaymentCredit, line_id=line_id, year=year, amount_cents=credit)


def _ap_votes(maker: Maker, line_id: uuid.UUID, amount: int, start: dt.date) -> int:
    """The first vote before the project starts, sometimes a revision; the AP in force."""
    first_day = dt.date(maker.ppi_years[0] - 1, 1, 15)
    vote = weekday(max(first_day, start - dt.timedelta(days=maker.rng.randint(30, 300))))
    maker.add(
        models.ApRevision,
        line_id=line_id,
        voted_on=vote,
        amount_cents=amount,
        note="Vote initial de l’autorisation de programme en comité syndical.",
    )
    revised_on = weekday(vote + dt.timedelta(days=maker.rng.randint(300, 500)))
    if maker.rng.random() < 0.3 and revised_on < maker.today:
        amount = int(amount * maker.rng.uniform(1.05, 1.35)) // 1000_00 * 1000_00
        maker.add(
            models.ApRevision,
            line_id=line_id,
            voted_on=revised_on,
            amount_cents=amount,
            note=f"Révision votée en comité syndical : {maker.rng.choice(AP_REVISION_REASONS)}.",
        )
    return amount


def _split(maker: Maker, amount_cents: int, parts: int) -> list[int]:
    """The AP spread over ``parts`` years, in whole hundreds of euros, adding up to the AP."""
    weights = [maker.rng.randint(1, 4) for _ in range(parts)]
    credits = [amount_cents * w // sum(weights) // 100_00 * 100_00 for w in weights]
    credits[-1] += amount_cents - sum(credits)
    return credits
