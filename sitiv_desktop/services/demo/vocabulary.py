"""The words of the demonstration data, read from ``resources/demo/*.json``.

The files hold the French text (people's names, kinds of project, wordings of commitments,
exchanges, mandate plans, agendas); this module gives them their types, with the enums the
files name by code. The order of each list is part of the data: a seed draws from it by index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sitiv_desktop.domain.enums import (
    ContactRole,
    ExchangeChannel,
    ExchangeDirection,
    MeetingKind,
    Metropole,
    OutcomeKind,
    ProjectDomain,
)


@cache
def _read(name: str) -> Any:
    data = resources.files("sitiv_desktop") / "resources" / "demo" / name
    return json.loads(data.read_text("utf-8"))


@dataclass(frozen=True)
class Subject:
    """A kind of project, and the words to speak of it: « le portail » / « du portail »."""

    domain: ProjectDomain
    title: str
    the: str
    of_the: str
    description: str


_people = _read("people.json")
# Invented people: first names split so that titles agree (« présidente », « chargé »).
FEMALE_NAMES: tuple[str, ...] = tuple(_people["female_names"])
MALE_NAMES: tuple[str, ...] = tuple(_people["male_names"])
LAST_NAMES: tuple[str, ...] = tuple(_people["last_names"])

_projects = _read("projects.json")
SUBJECTS: tuple[Subject, ...] = tuple(
    Subject(
        ProjectDomain(entry["domain"]),
        entry["title"],
        entry["the"],
        entry["of_the"],
        entry["description"],
    )
    for entry in _projects["subjects"]
)
# Plausible amounts of a programme authorisation, in euros, by domain.
AMOUNTS: dict[ProjectDomain, tuple[int, int]] = {
    ProjectDomain(domain): (low, high) for domain, (low, high) in _projects["amounts"].items()
}
PARTNERS: dict[ProjectDomain, tuple[str, ...]] = {
    ProjectDomain(domain): tuple(names) for domain, names in _projects["partners"].items()
}
MILESTONES: tuple[str, ...] = tuple(_projects["milestones"])
AP_REVISION_REASONS: tuple[str, ...] = tuple(_projects["ap_revision_reasons"])

_commitments = _read("commitments.json")
COMMITMENT_TITLES: tuple[str, ...] = tuple(_commitments["titles"])
# What shows a commitment was kept, on the day it was (chosen by the day, not drawn, so that
# the rest of the data stays as the seed made it).
EVIDENCES: tuple[str, ...] = tuple(_commitments["evidences"])

_exchanges = _read("exchanges.json")
# Subject, summary, who wrote to whom, and the ways it may have come.
EXCHANGES: tuple[tuple[str, str, ExchangeDirection, tuple[ExchangeChannel, ...]], ...] = tuple(
    (
        entry["subject"],
        entry["summary"],
        ExchangeDirection(entry["direction"]),
        tuple(ExchangeChannel(channel) for channel in entry["channels"]),
    )
    for entry in _exchanges["exchanges"]
)
FOLLOW_UPS: tuple[str, ...] = tuple(_exchanges["follow_ups"])

# Mandate plans, as they are written: axis → line → actions, each answered by some domains.
STAKES: tuple[tuple[str, str, str, tuple[ProjectDomain, ...]], ...] = tuple(
    (
        entry["axis"],
        entry["line"],
        entry["action"],
        tuple(ProjectDomain(domain) for domain in entry["domains"]),
    )
    for entry in _read("stakes.json")["stakes"]
)

_meetings = _read("meetings.json")
# The words users read, fixed in French: the data does not change with the interface language.
MEETING_NAMES: dict[MeetingKind, str] = {
    MeetingKind(kind): name for kind, name in _meetings["names"].items()
}
# Agenda items of collective meetings: title, presenter's role, minutes, about a project or not,
# and what such an item ends with once dealt with.
COLLECTIVE_AGENDAS: dict[MeetingKind, tuple[tuple[str, str, int, bool, OutcomeKind], ...]] = {
    MeetingKind(kind): tuple(
        (
            item["title"],
            item["presenter"],
            item["minutes"],
            item["about_project"],
            OutcomeKind(item["outcome"]),
        )
        for item in items
    )
    for kind, items in _meetings["agendas"].items()
}
OUTCOME_TEXTS: dict[OutcomeKind, tuple[str, ...]] = {
    OutcomeKind(kind): tuple(texts) for kind, texts in _meetings["outcome_texts"].items()
}
NOT_DEALT_WITH: str = _meetings["not_dealt_with"]

METROPOLE_NAMES = {
    Metropole.LYON: "Métropole de Lyon",
    Metropole.SAINT_ETIENNE: "Saint-Étienne Métropole",
}
# The title each contact is addressed by, masculine and feminine: « Directrice générale des
# services ».
CONTACT_TITLES: dict[ContactRole, dict[bool, str]] = {
    ContactRole.MAYOR: {False: "Maire", True: "Maire"},
    ContactRole.DEPUTY: {
        False: "Adjoint au maire chargé du numérique",
        True: "Adjointe au maire chargée du numérique",
    },
    ContactRole.GENERAL_DIRECTOR: {
        False: "Directeur général des services",
        True: "Directrice générale des services",
    },
    ContactRole.IT_DIRECTOR: {
        False: "Directeur des systèmes d’information",
        True: "Directrice des systèmes d’information",
    },
    ContactRole.REFERENT: {False: "Référent numérique", True: "Référente numérique"},
}
