"""What PostgreSQL itself guarantees: commune boundaries under the user's own role, and change
numbers that follow commit order even when writers race."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from sitiv_desktop.store import models
from sitiv_desktop.sync.server import Change
from tests.sync_harness import Syndicate


@pytest.fixture
def syndicate(postgres_url: str, tmp_path: Path) -> Iterator[Syndicate]:
    made = Syndicate(postgres_url, tmp_path)
    yield made
    made.close()


def as_user(syndicate: Syndicate, user: str, password: str) -> psycopg.Connection:
    """A plain connection, as the user would open with psql."""
    url = make_url(syndicate.url)
    return psycopg.connect(
        host=url.host,
        port=url.port,
        dbname=url.database,
        user=user,
        password=password,
        autocommit=True,
    )


def test_a_user_cannot_read_or_change_another_communes_rows_with_psql(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    with as_user(syndicate, alice.user, alice.password) as connection:
        names = [r[0] for r in connection.execute("SELECT name FROM communes ORDER BY name")]
        titles = [r[0] for r in connection.execute("SELECT title FROM commitments")]
        changed = connection.execute(
            "UPDATE commitments SET title = 'piraté' WHERE title = 'Promesse à Givors'"
        ).rowcount
        deleted = connection.execute("DELETE FROM projects WHERE code = 'P-69091'").rowcount
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("INSERT INTO sync_grants VALUES ('x', gen_random_uuid(), 'admin')")
    assert names == ["Vénissieux"]
    assert titles == ["Promesse à Vénissieux"]
    assert (changed, deleted) == (0, 0)
    assert syndicate.rows("projects")  # Givors' project is still there
    assert any(r["title"] == "Promesse à Givors" for r in syndicate.rows("commitments").values())


def test_a_reader_role_cannot_write_its_own_commune(syndicate: Syndicate) -> None:
    elu = syndicate.laptop("elu", {"Vénissieux": "elu"})
    with as_user(syndicate, elu.user, elu.password) as connection:
        changed = connection.execute("UPDATE projects SET progress = 99").rowcount
        seen = connection.execute("SELECT count(*) FROM projects").fetchone()
    assert changed == 0 and seen == (1,)


def test_users_own_no_table_and_every_table_forces_row_security(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    with as_user(syndicate, alice.user, alice.password) as connection:
        owned = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE tableowner = current_user"
        ).fetchone()
        unforced = connection.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r'"
            " AND relnamespace = 'public'::regnamespace AND relname != 'alembic_version'"
            " AND NOT (relrowsecurity AND relforcerowsecurity)"
        ).fetchall()
    assert owned == (0,)
    assert unforced == []


def test_a_late_commit_with_an_earlier_place_is_never_skipped(syndicate: Syndicate) -> None:
    """Writer A takes its place first and commits last; a reader syncing in between still
    receives A's change, because places are drawn in commit order."""
    writer_a = syndicate.laptop("a", {"Vénissieux": "liaison"})
    writer_b = syndicate.laptop("b", {"Vénissieux": "liaison"})
    reader = syndicate.laptop("reader", {"Vénissieux": "elu"})
    for laptop in (writer_a, writer_b, reader):
        laptop.sync()
    with writer_a.database.read_session() as session:
        commune_id = session.scalars(select(models.Commune.id)).one()

    def creation(title: str) -> Change:
        row_id = uuid.uuid4().hex
        return Change(uuid.uuid4().hex, "exchanges", row_id, "upsert", {
            "id": row_id, "commune_id": commune_id.hex, "occurred_on": "2026-03-01",
            "channel": "phone", "direction": "incoming", "subject": title, "summary": "",
            "follow_up": "", "author": "", "project_id": None, "commitment_id": None,
        })  # fmt: skip

    a_holds = threading.Event()
    release_a = threading.Event()

    def hold() -> None:
        a_holds.set()
        assert release_a.wait(30)

    thread_a = threading.Thread(target=lambda: writer_a.link.push([creation("A")], hold))
    thread_a.start()
    assert a_holds.wait(30)
    thread_b = threading.Thread(target=lambda: writer_b.link.push([creation("B")]))
    thread_b.start()
    thread_b.join(timeout=1.0)
    assert thread_b.is_alive()  # B waits for A: it cannot take a place and commit before A
    between = reader.sync()
    assert between.received == 0
    release_a.set()
    thread_a.join(30), thread_b.join(30)
    after = reader.sync()
    subjects = sorted(r["subject"] for r in reader.rows("exchanges").values())
    assert after.received == 2 and subjects == ["A", "B"]


def test_history_is_stamped_by_the_server_clock(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    alice.sync()
    with alice.database.session() as session:
        session.scalars(select(models.Project)).one().progress = 10
    alice.sync(), alice.sync()
    from sqlalchemy import text

    with syndicate.admin.read_session() as session:
        server_now = session.execute(text("SELECT now() AT TIME ZONE 'UTC'")).scalar_one()
    with alice.database.read_session() as session:
        (stamp, author) = session.execute(text("SELECT committed_at, author FROM history")).one()
    assert author == alice.user
    assert (
        abs(
            (server_now - __import__("datetime").datetime.fromisoformat(str(stamp))).total_seconds()
        )
        < 60
    )
