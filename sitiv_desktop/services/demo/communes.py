"""The member communes, from ``resources/demo/communes.csv``, and their contacts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from importlib import resources

from sitiv_desktop.domain.enums import (
    ContactRole,
    Metropole,
)
from sitiv_desktop.services.demo.maker import (
    DrawnCommune,
    Maker,
    french_date,
)
from sitiv_desktop.services.demo.vocabulary import (
    CONTACT_TITLES,
)
from sitiv_desktop.store import models


def _member_communes() -> list[dict[str, str]]:
    data = resources.files("sitiv_desktop") / "resources" / "demo" / "communes.csv"
    return list(csv.DictReader(io.StringIO(data.read_text("utf-8"))))


def _ascii(words: str) -> str:
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "-").replace("'", "").replace("’", "")


@dataclass(frozen=True)
class _Merger:
    name: str
    insee_code: str
    on: dt.date
    population: int
    prefix: str


# The mergers the register's notes tell, applied as ``server merge-communes`` applies them: the
# commune is renamed in place (its identifier, and so its records, carry over), takes
# the new INSEE code and keeps its former name and code in its note. The demonstration shows the
# syndicate of today, so no record is made for a commune that no longer exists. The population is
# both former communes' together, rounded, as the merger's ``--population`` gives it.
MERGERS = {
    "69152": _Merger("Oullins-Pierre-Bénite", "69149", dt.date(2024, 1, 1), 37_000, "OPB"),
}


# Project codes start with three letters per commune; the syndicate's own use SIT.
PREFIXES = {
    "69259": "VEN", "69256": "VAU", "69091": "GIV", "69096": "GRI",
    "69152": "PBE", "42186": "RDG", "69273": "COR", "42207": "SCH",
    **{merger.insee_code: merger.prefix for merger in MERGERS.values()},
}  # fmt: skip
SYNDICATE_PREFIX = "SIT"


def _phone(maker: Maker, mobile: bool = False) -> str:
    # Ranges the French regulator keeps for fiction, so that no real line ever rings.
    first = "06 39 98" if mobile else "04 65 71"
    return f"{first} {maker.rng.randint(10, 99)} {maker.rng.randint(10, 99)}"


def make_communes(maker: Maker) -> list[DrawnCommune]:
    made = []
    for register_row in _member_communes():
        row = _merged(register_row)
        metropole = Metropole.LYON if "Lyon" in row["intercommunalite"] else Metropole.SAINT_ETIENNE
        joined = _joined_on(register_row)
        # Drawn as ``person()`` draws them, so that a seed gives the same people as before.
        feminine: dict[ContactRole, bool] = {}
        people: dict[ContactRole, str] = {}
        for role in ContactRole:
            feminine[role] = maker.rng.random() < 0.5
            people[role] = maker.person(feminine[role])
        commune_id = maker.add(
            models.Commune,
            name=row["name"],
            insee_code=row["insee_code"],
            population=int(row["population_2018"]),
            departement=row["departement"],
            metropole=metropole.value,
            mayor=people[ContactRole.MAYOR],
            joined_on=joined,
            note=_commune_note(row["note"]),
        )
        slug = _ascii(row["name"])
        for role, person in people.items():
            elected = role in (ContactRole.MAYOR, ContactRole.DEPUTY)
            maker.add(
                models.Contact,
                commune_id=commune_id,
                full_name=person,
                title=CONTACT_TITLES[role][feminine[role]],
                role=role.value,
                email=f"{_ascii(person).replace('-', '.', 1)}@mairie-{slug}.fr",
                phone=_phone(maker, mobile=elected),
            )
        made.append(
            DrawnCommune(
                commune_id,
                row["name"],
                PREFIXES.get(row["insee_code"], slug[:3].upper()),
                slug,
                int(row["population_2018"]),
                metropole,
                people[ContactRole.MAYOR],
                people[ContactRole.GENERAL_DIRECTOR],
            )
        )
    return made


def _merged(row: dict[str, str]) -> dict[str, str]:
    """The register's row of a commune as it stands today, after its merger if it merged."""
    merger = MERGERS.get(row["insee_code"])
    if merger is None:
        return row
    kept = [part for part in row["note"].split(";") if merger.name not in part]
    # The sentence ``merge-communes`` writes, in French whatever the interface speaks.
    formerly = (
        f"{row['name']} (INSEE {row['insee_code']}) a fusionné dans {merger.name} "
        f"le {french_date(merger.on)}."
    )
    return {
        **row,
        "name": merger.name,
        "insee_code": merger.insee_code,
        "population_2018": str(merger.population),
        "note": ";".join([*kept, formerly]),
    }


def _joined_on(row: dict[str, str]) -> dt.date:
    """The day the commune became a member: the first of January of the register's year. A
    commune born of a merger continues the member it merged from, as ``server merge-communes``
    does (the commune is renamed in place, with its history and its membership)."""
    return dt.date(int(row["member_since"]), 1, 1)


def _commune_note(note: str) -> str:
    """The register's note, as a sentence: « Commune fondatrice. »"""
    sentences = [part.strip() for part in note.split(";") if part.strip()]
    return " ".join(
        f"{part[0].upper()}{part[1:]}{'' if part.endswith('.') else '.'}" for part in sentences
    )
