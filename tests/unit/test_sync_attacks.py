"""A member attacks through the sync service, as with crafted HTTP requests of its own: it cannot
read, write, move or learn of another commune's rows, forge a change, a number or an author,
block others' syncs, or crash another laptop's sync. Each against both backends."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from sitiv_desktop.store import models
from sitiv_desktop.sync import protocol
from sitiv_desktop.sync.service.admin import revoke, set_disabled
from tests import builders
from tests.sync_harness import Laptop, Syndicate


@pytest.fixture(params=["sqlite", "postgresql"])
def syndicate(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Syndicate]:
    if request.param == "sqlite":
        url = f"sqlite+pysqlite:///{tmp_path / 'service.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    made = Syndicate(url, tmp_path)
    _share(made)
    yield made
    made.close()


def _share(syndicate: Syndicate) -> None:
    """Givors' project shared with Corbas; a Givors-only meeting; a syndicate-wide comité with
    an item about Givors' project and one about nobody's."""
    with syndicate.administrator.database.session() as session:
        communes = {c.name: c for c in session.scalars(select(models.Commune))}
        givors, corbas = communes["Givors"], communes["Corbas"]
        project = session.scalars(
            select(models.Project).where(models.Project.code == "P-69091")
        ).one()
        session.add(
            models.Participation(project_id=project.id, commune_id=givors.id, cost_share=70)
        )
        session.add(
            models.Participation(project_id=project.id, commune_id=corbas.id, cost_share=30)
        )
        builders.meeting(
            session, "Rencontre avec le maire de Givors", dt.datetime(2026, 3, 2, 10), [givors]
        )
        comite = builders.meeting(
            session,
            "Comité syndical",
            dt.datetime(2026, 3, 9, 18),
            list(communes.values()),
            kind="syndicate_committee",
        )
        secret = builders.project(
            session, "P-SECRET", "Projet réservé à Vénissieux", communes["Vénissieux"]
        )
        for position, (title, linked) in enumerate(
            (("Budget du syndicat", None), ("Point Vénissieux", secret.id))
        ):
            session.add(
                models.AgendaItem(
                    meeting_id=comite.id,
                    position=position,
                    title=title,
                    project_id=linked,
                    outcome="none",
                    outcome_text="",
                )
            )
    syndicate.administrator.sync()


def raw(laptop: Laptop) -> httpx.Client:
    """The member's own HTTP client with its own token: nothing of the laptop's code."""
    return httpx.Client(
        base_url=laptop.service.address + protocol.PREFIX,
        headers={
            "Authorization": f"Bearer {laptop.service.token}",
            protocol.API_HEADER: str(protocol.API_VERSION),
        },
    )


def push(laptop: Laptop, *changes: dict[str, Any]) -> list[dict[str, Any]]:
    with raw(laptop) as client:
        response = client.post("/push", json={"changes": list(changes)})
    assert response.status_code == 200, response.text
    outcomes: list[dict[str, Any]] = response.json()["outcomes"]
    return outcomes


def change(table: str, row_id: str, fields: dict[str, Any], base: dict[str, Any] | None = None,
           op: str = "upsert") -> dict[str, Any]:  # fmt: skip
    return {"change_id": uuid.uuid4().hex, "table": table, "row_id": row_id, "op": op,
            "fields": fields, "base": base}  # fmt: skip


def ids(syndicate: Syndicate, table: str, **where: Any) -> list[str]:
    return [
        row_id
        for row_id, row in syndicate.rows(table).items()
        if all(row[name] == value for name, value in where.items())
    ]


def commune_id(syndicate: Syndicate, name: str) -> str:
    (found,) = ids(syndicate, "communes", name=name)
    return found


@pytest.fixture
def corbas(syndicate: Syndicate) -> Laptop:
    laptop = syndicate.laptop("liaison-corbas", {"Corbas": "liaison"})
    laptop.sync()
    return laptop


def test_a_partial_grant_receives_exactly_its_scope_whole(
    syndicate: Syndicate, corbas: Laptop
) -> None:
    assert sorted(r["name"] for r in corbas.rows("communes").values()) == ["Corbas", "Givors"]
    projects = {r["code"]: r for r in corbas.rows("projects").values()}
    assert sorted(projects) == ["P-69091", "P-69273"]  # its own, and the one shared with it
    assert {r["title"] for r in corbas.rows("commitments").values()} == {"Promesse à Corbas"}
    meetings = {r["title"] for r in corbas.rows("meetings").values()}
    assert meetings == {"Comité syndical"}
    items = {r["title"]: r for r in corbas.rows("agenda_items").values()}
    # The item about Vénissieux' project arrives, its link masked: never a broken copy.
    assert set(items) == {"Budget du syndicat", "Point Vénissieux"}
    assert items["Point Vénissieux"]["project_id"] is None
    assert len(corbas.rows("meeting_communes")) == 1
    assert len(corbas.rows("participations")) == 2


def test_cross_commune_writes_are_refused(syndicate: Syndicate, corbas: Laptop) -> None:
    givors = commune_id(syndicate, "Givors")
    corbas_id = commune_id(syndicate, "Corbas")
    (own,) = ids(syndicate, "projects", code="P-69273")
    (shared,) = ids(syndicate, "projects", code="P-69091")
    (givors_share,) = ids(syndicate, "participations", commune_id=givors)
    (givors_meeting,) = ids(syndicate, "meetings", title="Rencontre avec le maire de Givors")
    (givors_promise,) = ids(syndicate, "commitments", title="Promesse à Givors")
    watched = ("projects", "participations", "meetings", "meeting_communes", "commitments")
    before = {table: syndicate.rows(table) for table in watched}
    attacks = [
        change("projects", own, {"owner_commune_id": givors}, {"owner_commune_id": corbas_id}),
        change("participations", givors_share, {"cost_share": 0}, {"cost_share": 70}),
        change("projects", shared, {"owner_commune_id": corbas_id}, {"owner_commune_id": givors}),
        change("participations", givors_share, {}, {}, op="delete"),
        change(
            "meeting_communes",
            uuid.uuid4().hex,
            {"meeting_id": givors_meeting, "commune_id": corbas_id},
        ),
        change("meetings", givors_meeting, {}, {}, op="delete"),
        change("commitments", givors_promise, {"title": "piraté"}, {"title": "Promesse à Givors"}),
        change(
            "commitments",
            uuid.uuid4().hex,
            {
                "commune_id": givors,
                "title": "Fausse promesse",
                "description": "",
                "status": "open",
                "made_on": "2026-01-01",
                "responsible": "",
                "promised_by": "",
                "evidence": "",
            },
        ),
    ]
    outcomes = push(corbas, *attacks)
    assert [o["status"] for o in outcomes] == ["refused"] * len(attacks)
    assert all(o["reason"] for o in outcomes)
    for table, rows in before.items():
        assert syndicate.rows(table) == rows, table


def test_a_reader_cannot_write_its_own_commune(syndicate: Syndicate) -> None:
    elu = syndicate.laptop("elu-givors", {"Givors": "elu"})
    elu.sync()
    (project,) = ids(syndicate, "projects", code="P-69091")
    (outcome,) = push(elu, change("projects", project, {"progress": 99}, {"progress": 0}))
    assert outcome["status"] == "refused"
    assert syndicate.project_row("P-69091")["progress"] == 0


def test_no_row_outside_the_scope_can_be_read(syndicate: Syndicate, corbas: Laptop) -> None:
    granted_rows = 0
    with raw(corbas) as client:
        for table in ("commitments", "exchanges", "contacts", "mandate_stakes", "meetings"):
            page = client.get(f"/snapshot/{table}").json()
            granted_rows += len(page["rows"])
            names = page["columns"]
            for row in page["rows"]:
                values = dict(zip(names, row, strict=True))
                if "commune_id" in values:
                    assert values["commune_id"] == commune_id(syndicate, "Corbas")
        for private in ("sync_users", "sync_grants", "sync_tokens", "sync_changes", "../communes"):
            assert client.get(f"/snapshot/{private}").status_code == 404
        changes = client.get("/changes", params={"after": 0}).json()["changes"]
    assert granted_rows >= 2
    titles = {c["data"].get("title") for c in changes}
    assert "Promesse à Givors" not in titles and "Projet réservé à Vénissieux" not in titles


def test_malformed_changes_are_refused_one_by_one(syndicate: Syndicate, corbas: Laptop) -> None:
    (own,) = ids(syndicate, "projects", code="P-69273")
    outcomes = push(
        corbas,
        change("sync_changes", uuid.uuid4().hex, {"seq": 10**15}),
        change("projects", "pas-un-uuid", {"progress": 1}),
        change("projects", own, {"nonexistent": 1}),
        change("projects", own, {"start_date": "le 5 février"}, {"start_date": None}),
        change("projects", own, {"progress": 1000}, {"progress": 0}),
        {**change("projects", own, {"progress": 1}), "change_id": "1' OR '1'='1"},
        change("projects", own, {"progress": 42}, {"progress": 0}),
    )
    assert [o["status"] for o in outcomes] == ["refused"] * 6 + ["applied"]
    assert syndicate.project_row("P-69273")["progress"] == 42
    # Nobody else's sync is stopped by any of it.
    givors = syndicate.laptop("liaison-givors", {"Givors": "liaison"})
    givors.sync()
    assert givors.sync().received == 0


def test_the_log_is_written_by_the_service_alone(syndicate: Syndicate, corbas: Laptop) -> None:
    (own,) = ids(syndicate, "projects", code="P-69273")
    sent = change("projects", own, {"progress": 5}, {"progress": 0})
    sent["author"], sent["seq"] = "président", 10**15  # ignored: not part of an intention
    push(corbas, sent)
    with syndicate.owner.read_session() as session:
        seq, author = session.execute(
            text("SELECT seq, author FROM sync_changes WHERE change_id = :c"),
            {"c": sent["change_id"]},
        ).one()
        top = session.execute(text("SELECT max(seq) FROM sync_changes")).scalar_one()
    assert author == corbas.user and seq == top < 10**6


def test_a_forged_cursor_gives_nothing_and_harms_nobody(
    syndicate: Syndicate, corbas: Laptop
) -> None:
    with raw(corbas) as client:
        forged = client.get("/changes", params={"after": 10**15}).json()
        negative = client.get("/changes", params={"after": -1})
    assert forged["changes"] == [] and negative.status_code == 422
    (own,) = ids(syndicate, "projects", code="P-69273")
    push(corbas, change("projects", own, {"progress": 7}, {"progress": 0}))
    assert corbas.sync().received == 1  # its own laptop's cursor was never moved


def test_tokens_grants_and_passwords_are_checked_at_each_request(
    syndicate: Syndicate, corbas: Laptop
) -> None:
    with httpx.Client(base_url=corbas.service.address + protocol.PREFIX) as anonymous:
        assert anonymous.get("/me").status_code == 401
        assert anonymous.get("/me", headers={"Authorization": "Bearer faux"}).status_code == 401
        statuses = [
            anonymous.post("/login", json={"user": corbas.user, "password": "faux"}).status_code
            for _attempt in range(5)
        ]
        assert statuses[:3] == [401, 401, 401] and statuses[-1] == 429
        too_old = anonymous.get("/me", headers={protocol.API_HEADER: "0"})
        assert too_old.status_code == 426 and "trop ancienne" in too_old.json()["detail"]
        huge = anonymous.post("/push", content=b"x" * (protocol.MAX_BODY_BYTES + 1))
        assert huge.status_code == 413
    revoke(syndicate.owner_url, corbas.user, "Corbas")
    with raw(corbas) as client:
        assert client.get("/me").json()["grants"] == []
        assert client.get("/snapshot/commitments").json()["rows"] == []
    set_disabled(syndicate.owner_url, corbas.user)
    with raw(corbas) as client:
        assert client.get("/me").status_code == 401


def test_an_edit_of_a_shared_meeting_reaches_every_commune(syndicate: Syndicate) -> None:
    givors = syndicate.laptop("liaison-givors", {"Givors": "liaison"})
    corbas = syndicate.laptop("elu-corbas", {"Corbas": "elu"})
    givors.sync(), corbas.sync()
    with syndicate.administrator.database.session() as session:
        comite = session.scalars(
            select(models.Meeting).where(models.Meeting.title == "Comité syndical")
        ).one()
        comite.place = "Salle du conseil, Givors"
    syndicate.administrator.sync()
    givors.sync(), corbas.sync()
    for laptop in (givors, corbas):
        (place,) = [
            r["place"] for r in laptop.rows("meetings").values() if r["title"] == "Comité syndical"
        ]
        assert place == "Salle du conseil, Givors"


def test_rows_no_longer_shared_leave_the_laptop(syndicate: Syndicate, corbas: Laptop) -> None:
    with syndicate.administrator.database.session() as session:
        corbas_id = uuid.UUID(commune_id(syndicate, "Corbas"))
        share = session.scalars(
            select(models.Participation).where(models.Participation.commune_id == corbas_id)
        ).one()
        session.delete(share)
    syndicate.administrator.sync()
    corbas.sync()
    assert sorted(r["code"] for r in corbas.rows("projects").values()) == ["P-69273"]
    assert sorted(r["name"] for r in corbas.rows("communes").values()) == ["Corbas"]
