"""Convergence: three laptops make random offline creations, edits and deletions and sync in
random order; every copy ends equal to the shared database, and every edit is either in it or
in a conflict kept on the laptop that made it."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sitiv_desktop.store import models
from sitiv_desktop.sync.rows import SYNCED_TABLES
from tests.sync_harness import Laptop, Syndicate

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
                commune = rng.choice(communes)
                row = models.Exchange(
                    id=uuid.UUID(int=rng.getrandbits(128)), commune_id=commune.id,
                    occurred_on=dt.date(2026, 3, rng.randint(1, 28)), channel="phone",
                    direction="incoming", subject=f"Nouvel appel {rng.randint(1, 999)}",
                    summary="", follow_up="", author="",
                )  # fmt: skip
                session.add(row)
                session.flush()
                intents[("exchanges", row.id.hex, "subject")] = (
                    "exchanges", row.id.hex, "subject", row.subject,
                )  # fmt: skip
                continue
            table = rng.choice(list(EDITABLE))
            model = {"commitments": models.Commitment, "projects": models.Project,
                     "exchanges": models.Exchange}[table]  # fmt: skip
            rows = list(session.scalars(select(model)))
            if not rows:
                continue
            target = rng.choice(rows)
            if action == "delete" and table != "projects":
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
    # Setting a field back to what it was is no edit at all.
    return [i for k, i in intents.items() if k not in original or original[k] != i[3]]


def accounted(syndicate: Syndicate, laptop: Laptop, intents: list[Intent]) -> list[str]:
    """The intentions of a laptop that are neither on the server nor in one of its conflicts."""
    conflicts = laptop.conflicts()
    lost = []
    for table, row_id, field, value in intents:
        server_row = syndicate.rows(table).get(row_id)
        mine = [c for c in conflicts if c.row_id == row_id]
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


def run_scenario(syndicate: Syndicate, seed: int, rounds: int) -> None:
    rng = random.Random(seed)
    grants = {"Vénissieux": "liaison", "Givors": "liaison", "Corbas": "liaison"}
    laptops = [syndicate.laptop(f"l{index}", grants) for index in range(3)]
    for laptop in laptops:
        laptop.sync()
    for _round in range(rounds):
        intents = {laptop.user: random_round(laptop, rng) for laptop in laptops}
        for laptop in rng.sample(laptops, len(laptops)):
            laptop.sync()
        lost = [
            line
            for laptop in laptops
            for line in accounted(syndicate, laptop, intents[laptop.user])
        ]
        assert not lost, f"seed {seed}: edits lost:\n" + "\n".join(lost)
        for laptop in rng.sample(laptops, len(laptops)):
            laptop.sync()
    for laptop in laptops:
        laptop.sync()
    for table in SYNCED_TABLES:
        server = syndicate.rows(table)
        for laptop in laptops:
            assert laptop.rows(table) == server, f"seed {seed}: {laptop.user} differs on {table}"
        assert all(laptop.outbox() == 0 for laptop in laptops)


@pytest.mark.parametrize("seed", range(12))
def test_convergence_on_a_shared_sqlite_file(tmp_path: Path, seed: int) -> None:
    syndicate = Syndicate(f"sqlite+pysqlite:///{tmp_path / 'partagee.sqlite3'}", tmp_path)
    try:
        run_scenario(syndicate, seed, rounds=5)
    finally:
        syndicate.close()


@pytest.mark.parametrize("seed", range(5))
def test_convergence_on_postgresql(postgres_url: str, tmp_path: Path, seed: int) -> None:
    syndicate = Syndicate(postgres_url, tmp_path)
    try:
        run_scenario(syndicate, seed, rounds=5)
    finally:
        syndicate.close()
