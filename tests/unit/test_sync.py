"""The sync's guarantees, each against a shared SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from sitiv_desktop.services.commitments import CommitmentDraft, save_commitment
from sitiv_desktop.store import models
from sitiv_desktop.sync.conflicts import resolve_conflict
from sitiv_desktop.sync.rows import SYNCED_TABLES
from tests.sync_harness import Syndicate


@pytest.fixture(params=["sqlite", "postgresql"])
def syndicate(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Syndicate]:
    if request.param == "sqlite":
        url = f"sqlite+pysqlite:///{tmp_path / 'partagee.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    made = Syndicate(url, tmp_path)
    yield made
    made.close()


def test_a_first_sync_brings_only_the_granted_communes(syndicate: Syndicate) -> None:
    laptop = syndicate.laptop("alice", {"Vénissieux": "liaison", "Givors": "elu"})
    summary = laptop.sync()
    assert summary.full_refresh
    assert sorted(row["name"] for row in laptop.rows("communes").values()) == [
        "Givors",
        "Vénissieux",
    ]
    assert sorted(row["title"] for row in laptop.rows("commitments").values()) == [
        "Promesse à Givors",
        "Promesse à Vénissieux",
    ]
    from sitiv_desktop.services.search import search

    with laptop.database.read_session() as session:  # the search index was rebuilt
        assert [hit.title for hit in search(session, "promesse givors")] == ["Promesse à Givors"]


def test_an_offline_creation_reaches_the_other_laptops(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "elu"})
    alice.sync(), bob.sync()
    with alice.database.session() as session:
        commune = session.scalars(select(models.Commune)).one()
        save_commitment(
            session,
            CommitmentDraft(commune.id, "Câbler l’école Jean-Jaurès", "10/03/2026", "30/06/2026"),
        )
    sent = alice.sync()
    # Its own commitment comes back in the pull: that is not something it received.
    assert (sent.sent, sent.received) == (1, 0)
    assert bob.sync().received == 1
    titles = sorted(row["title"] for row in bob.rows("commitments").values())
    assert "Câbler l’école Jean-Jaurès" in titles
    assert alice.outbox() == 0


def test_edits_of_different_fields_merge(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "liaison"})
    alice.sync(), bob.sync()
    for laptop, field, value in ((alice, "title", "Fibre optique"), (bob, "progress", 60)):
        with laptop.database.session() as session:
            project = session.scalars(select(models.Project)).one()
            setattr(project, field, value)
    alice.sync(), bob.sync()
    # Bob's edit is news to Alice; her own title, coming back, is not.
    assert alice.sync().received == 1
    for rows in (alice.rows("projects"), bob.rows("projects"), syndicate.rows("projects")):
        (project,) = [row for row in rows.values() if row["code"] == "P-69259"]
        assert (project["title"], project["progress"]) == ("Fibre optique", 60)
    assert alice.conflicts() == [] and bob.conflicts() == []


def test_edits_of_the_same_field_make_a_conflict_that_a_person_resolves(
    syndicate: Syndicate,
) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "liaison"})
    alice.sync(), bob.sync()
    for laptop, title in ((alice, "Fibre d’Alice"), (bob, "Fibre de Bob")):
        with laptop.database.session() as session:
            session.scalars(select(models.Project)).one().title = title
    alice.sync()
    summary = bob.sync()
    assert summary.conflicts == 1
    (conflict,) = bob.conflicts()
    assert conflict.mine == {"title": "Fibre de Bob"}
    assert conflict.theirs == {"title": "Fibre d’Alice"}
    # Until someone chooses, the copy shows the shared value; nothing was overwritten.
    assert bob.project("P-69259")["title"] == "Fibre d’Alice"
    with bob.database.session() as session:
        resolve_conflict(session, conflict.id[:8], "mine")
    bob.sync(), alice.sync()
    assert alice.project("P-69259")["title"] == "Fibre de Bob"
    assert bob.conflicts() == []


def test_a_change_partly_in_conflict_is_told_as_sent_merged_and_in_conflict(
    syndicate: Syndicate,
) -> None:
    """Alice changes the progress; Bob the title and the progress. Bob's title is taken, his
    progress is a conflict: his sync says so, and his own title coming back is not news."""
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "liaison"})
    alice.sync(), bob.sync()
    with alice.database.session() as session:
        session.scalars(select(models.Project)).one().progress = 40
    with bob.database.session() as session:
        project = session.scalars(select(models.Project)).one()
        project.title, project.progress = "Wifi des écoles", 60
    alice.sync()
    summary = bob.sync()
    assert (summary.sent, summary.merged, summary.conflicts) == (1, 1, 1)
    assert summary.received == 1  # Alice's progress; Bob's own title is not counted
    (conflict,) = bob.conflicts()
    assert conflict.mine == {"progress": 60} and conflict.theirs == {"progress": 40}
    assert alice.sync().received == 1
    assert alice.project("P-69259")["title"] == "Wifi des écoles"


def test_deletions_propagate(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "elu"})
    alice.sync(), bob.sync()
    with alice.database.session() as session:
        session.delete(session.scalars(select(models.Commitment)).one())
    alice.sync(), bob.sync()
    assert (
        bob.rows("commitments")
        == {}
        == {k: v for k, v in syndicate.rows("commitments").items() if "Vénissieux" in v["title"]}
    )


def test_an_edit_against_a_deletion_is_a_conflict(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "liaison"})
    alice.sync(), bob.sync()
    with alice.database.session() as session:
        session.delete(session.scalars(select(models.Commitment)).one())
    with bob.database.session() as session:
        session.scalars(select(models.Commitment)).one().status = "kept"
    alice.sync()
    assert bob.sync().conflicts == 1
    (conflict,) = bob.conflicts()
    assert conflict.kind == "deleted" and conflict.mine["status"] == "kept"
    with bob.database.session() as session:
        resolve_conflict(session, conflict.id, "mine")
    bob.sync(), alice.sync()
    (kept,) = alice.rows("commitments").values()
    assert kept["status"] == "kept"


def test_a_sync_with_nothing_to_do_sends_and_receives_nothing(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison", "Givors": "liaison"})
    alice.sync()
    again = alice.sync()
    assert (again.sent, again.received, again.full_refresh) == (0, 0, False)


def test_a_refused_change_is_listed_and_the_row_goes_back(syndicate: Syndicate) -> None:
    from sitiv_desktop.sync.conflicts import list_refused

    reader = syndicate.laptop("elu", {"Vénissieux": "elu"})
    reader.sync()
    with reader.database.session() as session:
        session.scalars(select(models.Project)).one().title = "Titre interdit"
    summary = reader.sync()
    assert summary.refused == 1
    with reader.database.read_session() as session:
        (refused,) = list_refused(session)
    assert refused.change["fields"]["title"] == "Titre interdit"
    assert reader.project("P-69259")["title"] == "Fibre de Vénissieux"
    assert reader.outbox() == 0


def test_withdrawn_rights_refuse_pending_edits_then_the_rows_leave(syndicate: Syndicate) -> None:
    from sitiv_desktop.sync.service.admin import revoke

    alice = syndicate.laptop("alice", {"Vénissieux": "liaison", "Givors": "liaison"})
    alice.sync()
    with alice.database.session() as session:
        givors = session.scalars(
            select(models.Commune).where(models.Commune.name == "Givors")
        ).one()
        save_commitment(
            session, CommitmentDraft(givors.id, "Promesse tardive", dt.date(2026, 2, 1))
        )
        session.scalars(
            select(models.Project).where(models.Project.owner_commune_id == givors.id)
        ).one().progress = 90
        session.delete(
            session.scalars(
                select(models.Commitment).where(models.Commitment.title == "Promesse à Givors")
            ).one()
        )
    revoke(syndicate.owner_url, alice.user, "Givors")
    summary = alice.sync()
    # A creation, an edit and a deletion: each one is shown as refused, none is lost or faked.
    assert summary.refused == 3 and summary.conflicts == 0
    assert len(alice.refused()) == 3
    shared = {row["title"] for row in syndicate.rows("commitments").values()}
    assert "Promesse à Givors" in shared and "Promesse tardive" not in shared
    assert syndicate.project_row("P-69091")["progress"] == 0
    assert [row["name"] for row in alice.rows("communes").values()] == ["Vénissieux"]
    assert all("Givors" not in row["title"] for row in alice.rows("commitments").values())


def test_a_duplicate_delivery_changes_nothing_twice(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    alice.sync()
    with alice.database.session() as session:
        session.scalars(select(models.Project)).one().progress = 70
    sent: list[object] = []
    original = alice.service.push

    def push_twice(changes):  # type: ignore[no-untyped-def]
        original(changes)
        sent.extend(changes)
        return original(changes)

    alice.service.push = push_twice  # type: ignore[method-assign]
    summary = alice.sync()
    assert summary.sent == 1 and len(sent) == 1
    with syndicate.owner.read_session() as session:
        from sqlalchemy import text

        logged = session.execute(
            text("SELECT count(*) FROM sync_changes WHERE author = :a"), {"a": alice.user}
        ).scalar_one()
    assert logged == 1


STEPS = ("before-send", "after-server-commit", "after-settle", "after-push", "after-fetch",
         "after-page", "after-snapshot")  # fmt: skip


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("step", STEPS)
def test_a_sync_interrupted_at_any_step_completes_next_time(
    syndicate: Syndicate, step: str
) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "liaison"})
    alice.sync(), bob.sync()
    with alice.database.session() as session:
        session.scalars(select(models.Project)).one().progress = 55
        commune = session.scalars(select(models.Commune)).one()
        save_commitment(session, CommitmentDraft(commune.id, "Nouvelle promesse", "01/03/2026"))
    with bob.database.session() as session:
        session.scalars(select(models.Commitment)).one().responsible = "Le DSI"
    bob.sync()
    if step == "after-snapshot":
        from sitiv_desktop.sync.service.admin import grant

        grant(syndicate.owner_url, alice.user, "Givors", "elu")  # a new grant makes a full refresh

    def fail(at: str) -> None:
        if at == step:
            raise Interrupted(at)

    with contextlib.suppress(Interrupted):
        alice.sync(fault=fail)
    alice.sync()
    bob.sync()
    for rows in (alice.rows("commitments"), bob.rows("commitments")):
        mine = {r["title"]: r for r in rows.values() if r["commune_id"] == commune.id.hex}
        assert sorted(mine) == ["Nouvelle promesse", "Promesse à Vénissieux"]
        assert mine["Promesse à Vénissieux"]["responsible"] == "Le DSI"
    assert alice.project("P-69259")["progress"] == bob.project("P-69259")["progress"] == 55
    with syndicate.owner.read_session() as session:
        from sqlalchemy import text

        titles = session.execute(text("SELECT count(*) FROM commitments")).scalar_one()
    assert titles == 4  # three communes' promises and the new one: nothing twice
    assert alice.outbox() == 0 and alice.conflicts() == []


def test_an_edit_made_during_a_sync_is_not_allowed_to_overwrite_silently(
    syndicate: Syndicate,
) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "liaison"})
    alice.sync(), bob.sync()
    with bob.database.session() as session:
        session.scalars(select(models.Project)).one().title = "Titre de Bob"
    bob.sync()

    def edit_between_push_and_pull(step: str) -> None:
        if step == "after-push":
            with alice.database.session() as session:
                session.scalars(select(models.Project)).one().title = "Titre d’Alice"

    alice.sync(fault=edit_between_push_and_pull)
    assert alice.project("P-69259")["title"] == "Titre d’Alice"  # the local edit is kept
    summary = alice.sync()
    assert summary.conflicts == 1
    assert syndicate.rows("projects")  # and the shared value is still Bob's until someone chooses
    (shared,) = [r for r in syndicate.rows("projects").values() if r["code"] == "P-69259"]
    assert shared["title"] == "Titre de Bob"


def test_rows_that_arrive_before_the_rows_they_point_to_are_received(
    syndicate: Syndicate,
) -> None:
    """An agenda item carried from another that the server returns after it."""
    import datetime as dt_

    from sqlalchemy import update as sa_update

    from tests import builders

    with syndicate.owner.session() as session:
        commune = session.scalars(
            select(models.Commune).where(models.Commune.name == "Vénissieux")
        ).one()
        meeting = builders.meeting(session, "Rencontre", dt_.datetime(2026, 3, 2, 10), [commune])
        item = {"meeting_id": meeting.id, "outcome": "none", "outcome_text": ""}
        first = models.AgendaItem(position=0, title="Point reporté", **item)
        session.add(first)
        session.flush()
        later = models.AgendaItem(position=1, title="Report", carried_from_id=first.id, **item)
        session.add(later)
        session.flush()
        first_id = first.id
        # The item pointed to is removed and written again: it now comes after the one that
        # points to it in the server's natural order.
        session.delete(first)
        session.flush()
        session.add(models.AgendaItem(id=first_id, position=0, title="Point reporté", **item))
        session.flush()
        session.execute(
            sa_update(models.AgendaItem)
            .where(models.AgendaItem.id == later.id)
            .values(carried_from_id=first_id)
        )
    laptop = syndicate.laptop("alice", {"Vénissieux": "elu"})
    laptop.sync()
    items = {row["title"]: row for row in laptop.rows("agenda_items").values()}
    assert items["Report"]["carried_from_id"] == items["Point reporté"]["id"]


def test_records_typed_offline_before_the_first_connection_reach_the_service(
    syndicate: Syndicate, tmp_path: Path
) -> None:
    from sitiv_desktop.context import open_context
    from tests import builders
    from tests.sync_harness import Laptop

    folder = tmp_path / "nouveau-poste"
    offline = open_context(folder)
    with offline.database.session() as session:
        commune = builders.commune(session, "Vénissieux", "69259")
        save_commitment(
            session, CommitmentDraft(commune.id, "Promesse notée hors ligne", "02/03/2026")
        )
    offline.close()
    syndicate.laptop("carole", {"Vénissieux": "liaison"}).close()
    carole = Laptop(syndicate.service.address, "carole", "mot-de-passe-carole", folder)
    syndicate.laptops.append(carole)
    summary = carole.sync(backup=lambda: tmp_path / "copie.sqlite3")
    assert summary.refused == 0 and summary.backup == tmp_path / "copie.sqlite3"
    shared = {r["title"]: r for r in syndicate.rows("commitments").values()}
    venissieux = [i for i, r in syndicate.rows("communes").items() if r["insee_code"] == "69259"]
    assert shared["Promesse notée hors ligne"]["commune_id"] == venissieux[0]
    assert len(carole.rows("communes")) == 1


def test_a_refused_creation_is_told_in_words_and_retried_once_the_right_is_back(
    syndicate: Syndicate, capsys: pytest.CaptureFixture[str]
) -> None:
    from sitiv_desktop.cli import main
    from sitiv_desktop.sync.service.admin import grant, revoke

    alice = syndicate.laptop("alice", {"Vénissieux": "liaison", "Givors": "liaison"})
    alice.sync()
    with alice.database.session() as session:
        givors = session.scalars(
            select(models.Commune).where(models.Commune.name == "Givors")
        ).one()
        save_commitment(
            session, CommitmentDraft(givors.id, "Promesse tardive", dt.date(2026, 2, 1))
        )
    revoke(syndicate.owner_url, alice.user, "Givors")
    assert alice.sync().refused == 1
    folder = str(alice.context.paths.data_dir)
    capsys.readouterr()
    assert main(["--data-dir", folder, "conflicts"]) == 0
    listed = capsys.readouterr().out
    # The record by its title and the reason in French; never a table name or an id alone.
    assert "Promesse tardive" in listed and "commitments" not in listed
    refused_id = listed.split()[0]
    grant(syndicate.owner_url, alice.user, "Givors", "liaison")
    alice.sync()  # Givors comes back to the laptop
    assert main(["--data-dir", folder, "conflicts", "retry", refused_id]) == 0
    assert alice.refused() == []
    assert alice.sync().sent == 1
    shared = {row["title"] for row in syndicate.rows("commitments").values()}
    assert "Promesse tardive" in shared


def test_a_first_sync_in_many_small_pages_brings_every_row_once(
    syndicate: Syndicate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages sized by bytes, each asked for after the last id of the one before: with pages of
    a few rows, every table still arrives whole, its shadows with it."""
    from sitiv_desktop.sync import pull

    monkeypatch.setattr(pull, "FIRST_PAGE_ROWS", 2)
    monkeypatch.setattr(pull, "MIN_PAGE_ROWS", 1)
    monkeypatch.setattr(pull, "PAGE_BYTES", 600)
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison", "Givors": "liaison"})
    summary = alice.sync()
    for table in SYNCED_TABLES:
        assert set(alice.rows(table)) <= set(syndicate.rows(table)), table
    assert all(alice.rows(table) for table in ("communes", "projects", "commitments"))
    with alice.database.read_session() as session:
        shadows = session.execute(text("SELECT count(*) FROM sync_shadows")).scalar_one()
    held = sum(len(alice.rows(table)) for table in SYNCED_TABLES)
    assert shadows == held == summary.received
