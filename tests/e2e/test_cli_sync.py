"""The sync from the command line: set-up, connection, sync, conflicts, and a crash mid-sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from sitiv_desktop.store.database import Database
from tests.e2e.conftest import Runner


@pytest.fixture
def shared(sitiv: Runner, tmp_path: Path) -> str:
    """A shared SQLite file with demo communes, and users alice and bob on Vénissieux."""
    url = f"sqlite+pysqlite:///{tmp_path / 'partagee.sqlite3'}"
    assert sitiv("server", "init", url).returncode == 0
    seeded = sitiv("demo", "--seed", "3", data=tmp_path / "seed")
    assert seeded.returncode == 0
    source = Database.open(f"sqlite+pysqlite:///{tmp_path / 'seed' / 'sitiv.sqlite3'}")
    target = Database.open(url)
    with source.read_session() as read, target.session() as write:
        communes = read.execute(text("SELECT * FROM communes")).mappings().all()
        for row in communes:
            write.execute(
                text(
                    "INSERT INTO communes VALUES (:id, :name, :insee_code, :population,"
                    " :departement, :metropole, :mayor, :joined_on, :note)"
                ),
                dict(row),
            )
    source.dispose(), target.dispose()
    for user in ("alice", "bob"):
        assert sitiv("server", "add-user", user, "--url", url).returncode == 0
        granted = sitiv(
            "server", "grant", user, "--commune", "69259", "--role", "liaison", "--url", url
        )
        assert granted.returncode == 0, granted.stderr
    return url


def test_connect_sync_and_conflicts(sitiv: Runner, shared: str, tmp_path: Path) -> None:
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    for who, folder in (("alice", alice), ("bob", bob)):
        connected = sitiv("connect", shared, "--user", who, data=folder, SITIV_PASSWORD="x")
        assert connected.returncode == 0, connected.stderr
        assert "1 communes" in connected.stdout
        synced = sitiv("sync", data=folder, SITIV_PASSWORD="x")
        assert synced.returncode == 0, synced.stderr
        assert synced.stdout.startswith("Synchronisé")
    communes = json.loads(sitiv("list", "communes", "--json", data=alice).stdout)
    assert [c["name"] for c in communes] == ["Vénissieux"]
    empty = sitiv("conflicts", data=alice)
    assert empty.stdout.strip() == "Aucun conflit."


def test_a_process_killed_mid_sync_completes_next_time(
    sitiv: Runner, shared: str, tmp_path: Path
) -> None:
    alice = tmp_path / "alice"
    sitiv("connect", shared, "--user", "alice", data=alice, SITIV_PASSWORD="x")
    sitiv("sync", data=alice, SITIV_PASSWORD="x")
    database = Database.open(f"sqlite+pysqlite:///{alice / 'sitiv.sqlite3'}")
    with database.session() as session:
        session.execute(text("UPDATE communes SET mayor = 'Nouvelle maire'"))
    database.dispose()
    killed = sitiv("sync", data=alice, SITIV_PASSWORD="x", SITIV_TEST_KILL_AT="after-server-commit")
    assert killed.returncode == 9
    again = sitiv("sync", data=alice, SITIV_PASSWORD="x")
    assert again.returncode == 0
    server = Database.open(shared)
    with server.read_session() as session:
        mayors = session.execute(
            text("SELECT mayor FROM communes WHERE insee_code = '69259'")
        ).all()
        logged = session.execute(text("SELECT count(*) FROM sync_changes")).scalar_one()
    server.dispose()
    assert mayors == [("Nouvelle maire",)]
    assert logged == 1  # the resent change was recognised, not applied twice


def test_a_wrong_password_is_one_french_line(
    sitiv: Runner, postgres_url: str, tmp_path: Path
) -> None:
    assert sitiv("server", "init", postgres_url).returncode == 0
    assert (
        sitiv(
            "server", "add-user", "carole", "--url", postgres_url, SITIV_PASSWORD="juste"
        ).returncode
        == 0
    )
    result = sitiv("connect", postgres_url, "--user", "carole", SITIV_PASSWORD="faux")
    assert result.returncode == 3
    assert result.stderr.strip() == (
        "Erreur\u00a0: La base partagée a refusé le nom d’utilisateur ou le mot de passe\u00a0; "
        "vérifiez-les et réessayez."
    )


def test_an_unreachable_server_leaves_the_copy_as_it_was(sitiv: Runner, tmp_path: Path) -> None:
    sitiv("demo", "--seed", "1")
    before = sitiv("list", "communes", "--json").stdout
    result = sitiv(
        "connect", "postgresql+psycopg://nobody@127.0.0.1:9/none", "--user", "x", SITIV_PASSWORD="x"
    )
    assert result.returncode == 3
    assert "injoignable" in result.stderr and "Traceback" not in result.stderr
    assert sitiv("list", "communes", "--json").stdout == before
