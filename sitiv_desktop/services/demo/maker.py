"""Drawing the demonstration data: one seeded ``Maker`` and the records it draws."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel.dates import format_date as babel_format_date

from sitiv_desktop.domain.enums import (
    Metropole,
    ProjectStatus,
)
from sitiv_desktop.services.demo.vocabulary import (
    FEMALE_NAMES,
    LAST_NAMES,
    MALE_NAMES,
    Subject,
)
from sitiv_desktop.store import models

# The PPI runs from this many years before today's to this many after: the mandate begun
# in March 2026 (2026–2032) and the projects of the last one still being paid.
PPI_YEARS_BEFORE, PPI_YEARS_AFTER = 6, 3


@dataclass(frozen=True)
class DrawnCommune:
    id: uuid.UUID
    name: str
    prefix: str
    slug: str
    population: int
    metropole: Metropole
    mayor: str
    general_director: str


@dataclass(frozen=True)
class DrawnProject:
    id: uuid.UUID
    subject: Subject
    title: str
    status: ProjectStatus
    # The commune that owns it, or None for the syndicate; ``communes`` are all it concerns.
    owner: DrawnCommune | None
    communes: tuple[DrawnCommune, ...]


@dataclass(frozen=True)
class DrawnCommitment:
    id: uuid.UUID
    commune: DrawnCommune
    title: str
    made_on: dt.date
    due: dt.date
    subject: Subject
    # The day it was kept or abandoned, None while it is open.
    closed_on: dt.date | None = None

    def open_on(self, day: dt.date) -> bool:
        """Made before ``day`` and not closed by then: a meeting of that day may follow it up."""
        return self.made_on < day and (self.closed_on is None or self.closed_on > day)


@dataclass(frozen=True)
class Staff:
    """The syndicate's own people, invented: they promise, present and write."""

    president: str
    vice_president: str
    dgs: str
    technical: str
    liaisons: tuple[str, ...]
    # Each one's name with the title they sign with, by role: « Claire Dubois (présidente) ».
    titled: Mapping[str, str]
    titled_liaisons: tuple[str, ...]

    def by_role(self, role: str, rng: random.Random) -> str:
        return self.titled.get(role) or rng.choice(self.titled_liaisons)


def hire_staff(maker: Maker) -> Staff:
    def hire(title: str, feminine_title: str) -> tuple[str, str]:
        feminine = maker.rng.random() < 0.5
        name = maker.person(feminine)
        return name, f"{name} ({feminine_title if feminine else title})"

    president = hire("président du syndicat", "présidente du syndicat")
    vice_president = hire("vice-président du syndicat", "vice-présidente du syndicat")
    dgs = hire("DGS du syndicat", "DGS du syndicat")
    technical = hire("responsable technique", "responsable technique")
    liaisons = [hire("chargé de liaison", "chargée de liaison") for _ in range(4)]
    return Staff(
        president[0],
        vice_president[0],
        dgs[0],
        technical[0],
        tuple(name for name, _titled in liaisons),
        {
            "president": president[1],
            "vice_president": vice_president[1],
            "dgs": dgs[1],
            "technical": technical[1],
        },
        tuple(titled for _name, titled in liaisons),
    )


class Maker:
    """Draws everything from one seeded generator, so that a seed gives the same rows."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.rows: dict[type[models.Base], list[dict[str, Any]]] = {}
        self.ppi_years = range(today.year - PPI_YEARS_BEFORE, today.year + PPI_YEARS_AFTER + 1)
        self._people: set[str] = set()

    def id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model: type[models.Base], **values: Any) -> uuid.UUID:
        record_id = self.id()
        self.rows.setdefault(model, []).append({"id": record_id, **values})
        return record_id

    def person(self, feminine: bool | None = None) -> str:
        """A new person: one person, one role (a name never comes twice in one copy)."""
        if feminine is None:
            feminine = self.rng.random() < 0.5
        for _attempt in range(50):
            first = self.rng.choice(FEMALE_NAMES if feminine else MALE_NAMES)
            name = f"{first} {self.rng.choice(LAST_NAMES)}"
            if name not in self._people:
                break
        self._people.add(name)
        return name

    def days_from_today(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)

    def between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))


def projects_of(commune: DrawnCommune, projects: Iterable[DrawnProject]) -> list[DrawnProject]:
    return [p for p in projects if commune in p.communes]


@cache
def french_date(day: dt.date) -> str:
    """« 1er mars 2026 », « 12 mars 2026 »: French whatever the interface speaks (kept per day:
    Babel takes longer to format a date than the rest of a record takes to draw)."""
    written = babel_format_date(day, format="d MMMM y", locale="fr_FR")
    return f"1er{written[1:]}" if day.day == 1 else written


def weekday(day: dt.date) -> dt.date:
    """Meetings fall on working days: a Saturday or a Sunday moves to the Monday."""
    return day + dt.timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day
