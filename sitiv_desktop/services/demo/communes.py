"""The member communes, from ``resources/demo/communes.csv``, and their contacts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from importlib import resources

from sitiv_desktop.domain.enums import (
    ContactRole,
    Metropole,
)
from sitiv_desktop.services.demo.maker import (
    DrawnCommune,
    Maker,
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


# Project codes start with three letters per commune; the syndicate's own use SIT.
PREFIXES = {
    "69259": "VEN", "69256": "VAU", "69091": "GIV", "69096": "GRI",
    "69152": "PBE", "42186": "RDG", "69273": "COR", "42207": "SCH",
}  # fmt: skip
SYNDICATE_PREFIX = "SIT"


def _phone(maker: Maker, mobile: bool = False) -> str:
    # Ranges the French regulator keeps for fiction, so that no real line ever rings.
    first = "06 39 98" if mobile else "04 65 71"
    return f"{first} {maker.rng.randint(10, 99)} {maker.rng.randint(10, 99)}"


def make_communes(maker: Maker) -> list[DrawnCommune]:
    made = []
    for row in _member_communes():
        metropole = Metropole.LYON if "Lyon" in row["intercommunalite"] else Metropole.SAINT_ETIENNE
        joined = dt.date(int(row["member_since"]), 1, 1) if row["member_since"] else None
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


def _commune_note(note: str) -> str:
    """The register's note, as a sentence: « Commune fondatrice. »"""
    sentences = [part.strip() for part in note.split(";") if part.strip()]
    return " ".join(f"{part[0].upper()}{part[1:]}." for part in sentences)
