"""Convergence: laptops with partial, overlapping grants make random offline creations, edits and
deletions on their own communes, on a project shared between communes and on a syndicate-wide
meeting, and sync in random order. Every value typed ends in the shared data, in a conflict kept
on the laptop that typed it, or in a refusal it shows; and every laptop holds exactly its scope,
computed here from the shared rows by a rule written independently of the service's."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sitiv_desktop.store import models
from sitiv_desktop.sync.rows import SYNCED_TABLES
from tests.sync_harness import Laptop, Syndicate
from tests.unit.test_sync_attacks import _share

GRANTS = (
    {"Vénissieux": "liaison", "Givors": "liaison"},
    {"Givors": "liaison", "Corbas": "liaison"},
    {"Corbas": "liaison", "Vénissieux": "elu"},
)
EDITABLE = {
    "commitments": {
        "title": lambda r: f"Engagement {r.randint(1, 999)} — échéance",
        "status": lambda r: r.choice(["open", "in_progress", "kept", "abandoned"]),
        "responsible": lambda r: r.choice(["Le DSI", "La DGS", "Le président", ""]),
    },
    "projects": {
        "progress": lambda r: r.randint(0, 100),
        "title": lambda r: f"Projet {r.randint(1, 999)}",
    },
    "exchanges": {"subject": lambda r: f"Appel {r.randint(1, 999)}"},
    "meetings": {"place": lambda r: f"Salle {r.randint(1, 99)}"},
    "agenda_items": {"presenter": lambda r: f"Intervenant {r.randint(1, 99)}"},
}
MODELS: dict[str, Any] = {
    "commitments": models.Commitment,
    "projects": models.Project,
    "exchanges": models.Exchange,
    "meetings": models.Meeting,
    "agenda_items": models.AgendaItem,
}

Intent = tuple[str, str, str, Any]  # (table, row id, field or "delete", value)


def random_round(laptop: Laptop, rng: random.Random) -> list[Intent]:
    """A few offline edits on one laptop; returns the last intention per row and field."""
    intents: dict[tuple[str, str, str], Intent] = {}
    original: dict[tuple[str, str, str], Any] = {}
    with laptop.database.session() as session:
        communes = list(session.scalars(select(models.Commune)))
        for _step in range(rng.randint(1, 5)):
            action = rng.choice(["create", "edit", "edit", "edit", "delete"])
            if action == "create":
                row = models.Exchange(
                    id=uuid.UUID(int=rng.getrandbits(128)),
                    commune_id=rng.choice(communes).id,
                    occurred_on=dt.date(2026, 3, rng.randint(1, 28)),
                    channel="phone",
                    direction="incoming",
                    subject=f"Nouvel appel {rng.randint(1, 999)}",
                    summary="",
                    follow_up="",
                    author="",
                )
                session.add(row)
                session.flush()
                intents[("exchanges", row.id.hex, "subject")] = (
                    "exchanges",
                    row.id.hex,
                    "subject",
                    row.subject,
                )
                continue
            table = rng.choice(list(EDITABLE))
            rows = list(session.scalars(select(MODELS[table])))
            if not rows:
                continue
            target = rng.choice(rows)
            if action == "delete" and table in ("commitments", "exchanges"):
                for key in [k for k in intents if k[1] == target.id.hex]:
                    del intents[key]
                intents[(table, target.id.hex, "delete")] = (table, target.id.hex, "delete", None)
                session.delete(target)
                session.flush()
                continue
            field, make = rng.choice(list(EDITABLE[table].items()))
            value = make(rng)
            original.setdefault((table, target.id.hex, field), getattr(target, field))
            setattr(target, field, value)
            session.flush()
            intents[(table, target.id.hex, field)] = (table, target.id.hex, field, value)
    return [i for k, i in intents.items() if k not in original or original[k] != i[3]]


def unaccounted(syndicate: Syndicate, laptop: Laptop, intents: list[Intent]) -> list[str]:
    """Intentions neither in the shared data, nor in a kept conflict, nor in a shown refusal."""
    conflicts = laptop.conflicts()
    refused = laptop.refused()
    lost = []
    for table, row_id, field, value in intents:
        server_row = syndicate.rows(table).get(row_id)
        mine = [c for c in conflicts if c.row_id == row_id]
        if any(r.row_id == row_id for r in refused):
            continue
        if field == "delete":
            if server_row is None or any(c.kind == "edited" for c in mine):
                continue
        else:
            if server_row is not None and server_row[field] == value:
                continue
            if any(c.mine and c.mine.get(field) == value for c in mine):
                continue
        lost.append(f"{laptop.user}: {table} {row_id[:8]} {field}={value!r}")
    return lost


LINKS = {
    "commitments": {"meeting_id": "meetings", "project_id": "projects"},
    "agenda_items": {
        "project_id": "projects",
        "commitment_id": "commitments",
        "carried_from_id": "agenda_items",
    },
    "exchanges": {"project_id": "projects", "commitment_id": "commitments"},
}


def expected_scope(
    server: dict[str, dict[str, dict[str, Any]]], granted: set[str]
) -> dict[str, Any]:
    """What a user granted these communes must hold, from the shared rows."""
    projects = {
        pid for pid, p in server["projects"].items() if p["owner_commune_id"] in granted
    } | {x["project_id"] for x in server["participations"].values() if x["commune_id"] in granted}
    meetings = {
        m["meeting_id"] for m in server["meeting_communes"].values() if m["commune_id"] in granted
    }
    lines = {lid for lid, line in server["ppi_lines"].items() if line["project_id"] in projects}
    stakes = {sid for sid, s in server["mandate_stakes"].items() if s["commune_id"] in granted}
    communes = (
        set(granted)
        | {server["projects"][p]["owner_commune_id"] for p in projects}
        | {
            x["commune_id"]
            for x in server["participations"].values()
            if x["project_id"] in projects
        }
    )
    keep = {
        "communes": lambda r: r["id"] in communes,
        "projects": lambda r: r["id"] in projects,
        "participations": lambda r: r["project_id"] in projects,
        "milestones": lambda r: r["project_id"] in projects,
        "ppi_lines": lambda r: r["project_id"] in projects,
        "ap_revisions": lambda r: r["line_id"] in lines,
        "payment_credits": lambda r: r["line_id"] in lines,
        "meetings": lambda r: r["id"] in meetings,
        "agenda_items": lambda r: r["meeting_id"] in meetings,
        "stake_projects": lambda r: r["stake_id"] in stakes and r["project_id"] in projects,
    }
    scoped: dict[str, Any] = {}
    for table in SYNCED_TABLES:
        rule = keep.get(table, lambda r: r["commune_id"] in granted)
        scoped[table] = {i: dict(r) for i, r in server[table].items() if rule(r)}
    for table, links in LINKS.items():
        for row in scoped[table].values():
            for column, target in links.items():
                if row[column] is not None and row[column] not in scoped[target]:
                    row[column] = None
    return scoped


def run_scenario(syndicate: Syndicate, seed: int, rounds: int) -> None:
    rng = random.Random(seed)
    laptops = [syndicate.laptop(f"laptop-{index}", grants) for index, grants in enumerate(GRANTS)]
    communes = {r["name"]: i for i, r in syndicate.rows("communes").items()}
    for laptop in laptops:
        laptop.sync()
    for _round in range(rounds):
        intents = {laptop.user: random_round(laptop, rng) for laptop in laptops}
        for laptop in rng.sample(laptops, len(laptops)):
            laptop.sync()
        lost = [
            line
            for laptop in laptops
            for line in unaccounted(syndicate, laptop, intents[laptop.user])
        ]
        assert not lost, f"seed {seed}: edits lost:\n" + "\n".join(lost)
        for laptop in rng.sample(laptops, len(laptops)):
            laptop.sync()
    for laptop in laptops:
        laptop.sync()
    server = {table: syndicate.rows(table) for table in SYNCED_TABLES}
    for laptop, grants in zip(laptops, GRANTS, strict=True):
        scoped = expected_scope(server, {communes[name] for name in grants})
        for table in SYNCED_TABLES:
            assert laptop.rows(table) == scoped[table], f"seed {seed}: {laptop.user} on {table}"
        assert laptop.outbox() == 0
    for laptop in laptops:
        laptop.close()
        syndicate.laptops.remove(laptop)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Syndicate]:
    folder = tmp_path_factory.mktemp("convergence")
    made = Syndicate(f"sqlite+pysqlite:///{folder / 'service.sqlite3'}", folder)
    _share(made)
    yield made
    made.close()


@pytest.mark.parametrize("chunk", range(10))
def test_convergence_on_the_embedded_backend(embedded: Syndicate, chunk: int) -> None:
    for seed in range(chunk * 20, chunk * 20 + 20):
        run_scenario(embedded, seed, rounds=2)


@pytest.mark.parametrize("chunk", range(2))
def test_convergence_on_postgresql(postgres_url: str, tmp_path: Path, chunk: int) -> None:
    syndicate = Syndicate(postgres_url, tmp_path)
    _share(syndicate)
    try:
        for seed in range(chunk * 10, chunk * 10 + 10):
            run_scenario(syndicate, 1000 + seed, rounds=2)
    finally:
        syndicate.close()
