"""The sync from the command line, as an administrator and two users would run it: the service
started with ``server run`` in a process of its own, laptops connecting and syncing, a laptop or
the service killed at each step of a sync, and bad days in one French line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sitiv_desktop.store.database import Database
from tests.e2e.conftest import Runner
from tests.sync_harness import ServiceProcess as Service
from tests.sync_harness import free_port

COMMUNES_FILE = Path(__file__).resolve().parent.parent / "data" / "communes.csv"


@pytest.fixture
def database(sitiv: Runner, tmp_path: Path) -> str:
    """The service's embedded database: the syndicate's communes, alice and bob on Vénissieux."""
    url = f"sqlite:///{tmp_path / 'service.sqlite3'}"
    steps = [
        ("server", "init", "--database", url),
        ("server", "import-communes", str(COMMUNES_FILE), "--database", url),
        ("server", "add-user", "alice", "--database", url),
        ("server", "add-user", "bob", "--database", url),
        ("server", "grant", "alice", "--commune", "69259", "--role", "liaison", "--database", url),
        (
            "server",
            "grant",
            "bob",
            "--commune",
            "Vénissieux",
            "--role",
            "liaison",
            "--database",
            url,
        ),
    ]
    for step in steps:
        done = sitiv(*step, SITIV_PASSWORD="mot-de-passe")
        assert done.returncode == 0, done.stderr
    return url


@pytest.fixture
def service(database: str) -> Iterator[Service]:
    running = Service(database)
    yield running
    running.stop()


def connected(sitiv: Runner, service: Service, who: str, folder: Path) -> None:
    done = sitiv(
        "connect", service.address, "--user", who, data=folder, SITIV_PASSWORD="mot-de-passe"
    )
    assert done.returncode == 0, done.stderr
    synced = sitiv("sync", data=folder, SITIV_PASSWORD="mot-de-passe")
    assert synced.returncode == 0, synced.stderr


def test_set_up_connect_sync_and_conflicts(sitiv: Runner, database: str, service: Service,
                                           tmp_path: Path) -> None:  # fmt: skip
    listed = sitiv("server", "users", "--database", database)
    assert listed.stdout.splitlines() == [
        "alice\u00a0: Vénissieux (chargé de liaison)",
        "bob\u00a0: Vénissieux (chargé de liaison)",
    ]
    alice = tmp_path / "alice"
    done = sitiv(
        "connect", service.address, "--user", "alice", data=alice, SITIV_PASSWORD="mot-de-passe"
    )
    assert (
        done.stdout.strip()
        == "Connecté\u00a0: 1 commune accordée. Lancez «\u00a0sitiv-desktop sync\u00a0»."
    )
    synced = sitiv("sync", data=alice, SITIV_PASSWORD="mot-de-passe")
    assert synced.returncode == 0 and synced.stdout.startswith("Synchronisé")
    communes = json.loads(sitiv("list", "communes", "--json", data=alice).stdout)
    assert [c["name"] for c in communes] == ["Vénissieux"]
    assert sitiv("conflicts", data=alice).stdout.strip() == "Aucun conflit."


def _set_responsible(folder: Path, responsible: str) -> None:
    """An edit as the window would make it, on the laptop's copy while no sync runs."""
    database = Database.open(f"sqlite+pysqlite:///{folder / 'sitiv.sqlite3'}")
    with database.session() as session:
        found = session.execute(text("SELECT count(*) FROM commitments")).scalar_one()
        if not found:
            from sitiv_desktop.services.commitments import CommitmentDraft, save_commitment
            from sitiv_desktop.store import models

            commune = session.query(models.Commune).one()
            save_commitment(session, CommitmentDraft(commune.id, "Câbler l’école", "01/03/2026"))
        session.execute(text("UPDATE commitments SET responsible = :r"), {"r": responsible})
    database.dispose()


def _server(database: str, query: str) -> list[tuple[object, ...]]:
    opened = Database.open(database.replace("sqlite:///", "sqlite+pysqlite:///"))
    with opened.read_session() as session:
        rows = [tuple(row) for row in session.execute(text(query)).all()]
    opened.dispose()
    return rows


STEPS = ("before-send", "after-server-commit", "after-settle", "after-push", "after-fetch",
         "after-page")  # fmt: skip


@pytest.mark.parametrize("step", STEPS)
def test_a_laptop_killed_at_any_step_loses_nothing_and_never_conflicts_with_itself(
    sitiv: Runner, database: str, service: Service, tmp_path: Path, step: str
) -> None:
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    connected(sitiv, service, "alice", alice)
    _set_responsible(alice, "")
    assert sitiv("sync", data=alice, SITIV_PASSWORD="mot-de-passe").returncode == 0
    _set_responsible(alice, "Première personne")
    killed = sitiv("sync", data=alice, SITIV_PASSWORD="mot-de-passe", SITIV_TEST_KILL_AT=step)
    assert killed.returncode == 9
    _set_responsible(alice, "Seconde personne")  # typed after the crash, on the same field
    for _again in range(2):
        synced = sitiv("sync", data=alice, SITIV_PASSWORD="mot-de-passe")
        assert synced.returncode == 0, synced.stderr
    assert json.loads(sitiv("conflicts", "--json", data=alice).stdout)["conflicts"] == []
    assert _server(database, "SELECT responsible FROM commitments") == [("Seconde personne",)]
    logged = _server(database, "SELECT count(*) FROM sync_changes WHERE author = 'alice'")
    assert logged[0][0] in (2, 3)  # the creation, then one or two edits: nothing twice
    connected(sitiv, service, "bob", bob)
    assert (
        json.loads(sitiv("list", "commitments", "--json", data=bob).stdout)[0]["responsible"]
        == "Seconde personne"
    )


@pytest.mark.parametrize("step", ("before-commit", "after-commit"))
def test_the_service_killed_mid_push_loses_nothing_and_applies_nothing_twice(
    sitiv: Runner, database: str, tmp_path: Path, step: str
) -> None:
    service = Service(database, SITIV_TEST_KILL_SERVICE_AT=step)
    alice = tmp_path / "alice"
    try:
        done = sitiv(
            "connect", service.address, "--user", "alice", data=alice, SITIV_PASSWORD="mot-de-passe"
        )
        assert done.returncode == 0
        assert sitiv("sync", data=alice, SITIV_PASSWORD="mot-de-passe").returncode == 0
        _set_responsible(alice, "Envoyé une fois")
        cut = sitiv("sync", data=alice, SITIV_PASSWORD="mot-de-passe")
        assert cut.returncode == 3 and "Traceback" not in cut.stderr
        assert "service de synchronisation" in cut.stderr
        service.process.wait(10)
        service.start()
        again = sitiv("sync", data=alice, SITIV_PASSWORD="mot-de-passe")
        assert again.returncode == 0, again.stderr
    finally:
        service.stop()
    responsible = _server(database, "SELECT responsible FROM commitments")
    logged = _server(database, "SELECT count(*) FROM sync_changes WHERE author = 'alice'")
    assert responsible == [("Envoyé une fois",)] and logged == [(1,)]


def test_bad_days_are_one_french_line(sitiv: Runner, service: Service, tmp_path: Path) -> None:
    sitiv("demo", "--seed", "1")
    before = sitiv("list", "communes", "--json").stdout
    wrong = sitiv("connect", service.address, "--user", "alice", SITIV_PASSWORD="faux-mot-de-passe")
    assert wrong.returncode == 2
    assert (
        wrong.stderr.strip()
        == "Erreur\u00a0: Le nom d’utilisateur ou le mot de passe est incorrect."
    )
    away = sitiv("connect", f"http://127.0.0.1:{free_port()}", "--user", "x", SITIV_PASSWORD="x")
    assert away.returncode == 3 and "injoignable" in away.stderr
    malformed = sitiv("connect", "htp:/serveur", "--user", "x", SITIV_PASSWORD="x")
    assert malformed.returncode == 2 and "adresse" in malformed.stderr.lower()
    unknown = sitiv("server", "grant", "personne", "--commune", "Givors", "--role", "elu",
                    "--database", service.database)  # fmt: skip
    assert unknown.returncode == 2
    assert (
        unknown.stderr.strip()
        == "Erreur\u00a0: Aucun utilisateur ne s’appelle «\u00a0personne\u00a0»."
    )
    for output in (wrong, away, malformed, unknown):
        assert "Traceback" not in output.stderr
    assert sitiv("list", "communes", "--json").stdout == before


def test_a_laptop_with_demonstration_data_keeps_a_copy_and_sends_nothing_of_it(
    sitiv: Runner, database: str, service: Service, tmp_path: Path
) -> None:
    laptop = tmp_path / "demo-laptop"
    assert sitiv("demo", "--seed", "2", data=laptop).returncode == 0
    # The service already holds a real project under a code the demonstration also uses.
    exported = tmp_path / "projets.csv"
    assert sitiv("export", "projects", "-o", str(exported), data=laptop).returncode == 0
    header, *rows = exported.read_text("utf-8-sig").splitlines()
    (clash,) = [row for row in rows if ";Vénissieux;" in row][:1]
    sheet = tmp_path / "vrai-projet.csv"
    sheet.write_text(header + "\n" + clash + "\n", "utf-8-sig")
    alice = tmp_path / "alice"
    connected(sitiv, service, "alice", alice)
    imported = sitiv("import", "projects", str(sheet), data=alice)
    assert imported.returncode == 0, imported.stderr
    assert sitiv("sync", data=alice, SITIV_PASSWORD="mot-de-passe").returncode == 0
    done = sitiv(
        "connect", service.address, "--user", "alice", data=laptop, SITIV_PASSWORD="mot-de-passe"
    )
    assert done.returncode == 0
    synced = sitiv("sync", data=laptop, SITIV_PASSWORD="mot-de-passe")
    assert synced.returncode == 0, synced.stderr
    assert "mises de côté" in synced.stdout or "conservées" in synced.stdout
    copies = list((laptop / "sauvegardes").glob("avant-premiere-synchronisation-*.sqlite3"))
    assert len(copies) == 1 and copies[0].stat().st_size > 100_000
    assert _server(database, "SELECT count(*) FROM projects") == [(1,)]  # alice's, not the demo's
    communes = json.loads(sitiv("list", "communes", "--json", data=laptop).stdout)
    assert [c["name"] for c in communes] == ["Vénissieux"]


def test_a_password_is_never_sent_in_clear_across_the_network(
    sitiv: Runner, tmp_path: Path
) -> None:
    """http:// is for a service on this computer; to any other host it would carry the password
    and the session token in clear, so the address is refused before anything is sent."""
    folder = tmp_path / "laptop"
    for address in ("http://192.0.2.2:18765", "http://sync.sitiv.fr"):
        done = sitiv("connect", address, "--user", "alice", data=folder, SITIV_PASSWORD="secret")
        assert done.returncode == 2, done.stderr
        assert "https://" in done.stderr and "n’est pas chiffrée" in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    settings = folder / "settings.json"
    assert not settings.exists() or "server_url" not in settings.read_text("utf-8")
