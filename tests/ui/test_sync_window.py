"""Syncing from the window through the real sync service on PostgreSQL, as a user would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import select

from sitiv_desktop import APP_ID
from sitiv_desktop.context import Context
from sitiv_desktop.store import models
from sitiv_desktop.sync.status import SyncStatus, status_text
from sitiv_desktop.ui.app import Application
from sitiv_desktop.ui.first_start import ConnectionDialog
from tests.sync_harness import Laptop, Syndicate


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything at the end of the test."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv("SITIV_PASSWORD", raising=False)
    previous = keyring.get_keyring()
    made = MemoryKeyring()
    keyring.set_keyring(made)
    yield made
    keyring.set_keyring(previous)


@pytest.fixture
def syndicate(postgres_url: str, tmp_path: Path) -> Iterator[Syndicate]:
    made = Syndicate(postgres_url, tmp_path / "shared")
    yield made
    made.close()


@pytest.fixture
def first_start(context: Context, qtbot: object) -> Iterator[Application]:
    """The window on an empty copy, showing the first-start choices."""
    application = Application(context, inline=True)
    application.start()
    yield application
    application.window.close()
    application.close()


def connect(application: Application, laptop: Laptop, password: str) -> ConnectionDialog:
    """Take « Se connecter » and type the service's address, the user and the password."""
    application.first_start_dialog.shared_button.click()
    dialog = application.window.sync.connection_dialog
    assert dialog.isVisible()
    dialog.url.setText(laptop.service.address)
    dialog.user.setText(laptop.user)
    dialog.password.setText(password)
    dialog.connect_button.click()
    return dialog


def commune_names(application: Application) -> list[str]:
    listing = application.window.commune_list
    return [listing.item(row).text() for row in range(listing.count())]


def test_connecting_keeps_the_password_and_brings_the_granted_communes(
    first_start: Application,
    syndicate: Syndicate,
    memory_keyring: MemoryKeyring,
    context: Context,
) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison", "Givors": "elu"})
    dialog = connect(first_start, alice, alice.password)

    assert not dialog.isVisible()
    assert context.settings.server_user == alice.user
    assert context.settings.server_url.startswith("http://127.0.0.1:")
    account = f"{alice.user}@{context.settings.server_url}"
    # The keyring keeps a session token, never the password.
    token = memory_keyring.passwords[(APP_ID, account)]
    assert token and token != alice.password
    window = first_start.window
    assert commune_names(first_start) == ["Toutes les communes", "Givors", "Vénissieux"]
    assert window.commitments.model.rowCount() == 2
    assert window.sync.label.text() == "Synchronisé à l’instant"
    message = window.statusBar().currentMessage()
    assert message.startswith("Synchronisé\u00a0: ") and "reçus" in message
    assert not window.sync.progress.isVisible()


def test_a_conflict_is_shown_side_by_side_and_the_choice_reaches_the_shared_database(
    first_start: Application,
    syndicate: Syndicate,
    memory_keyring: MemoryKeyring,
    context: Context,
) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "liaison"})
    connect(first_start, alice, alice.password)
    bob.sync()
    window = first_start.window
    with bob.database.session() as session:
        session.scalars(select(models.Project)).one().title = "Fibre de Bob"
    bob.sync()
    with context.database.session() as session:
        session.scalars(select(models.Project)).one().title = "Fibre d’Alice"
    first_start.window.notifier.notify("project")
    assert "1 modification en attente" in window.sync.label.text()

    window.sync.sync_action.trigger()
    assert "1 conflit," in window.statusBar().currentMessage()
    assert window.sync.issues_button.text() == "1 conflit"

    conflicts = window.sync.open_conflicts()
    assert conflicts.conflict_list.count() == 1
    assert conflicts.comparison_rows() == [("Titre", "Fibre d’Alice", "Fibre de Bob")]
    headers = (conflicts.comparison.horizontalHeaderItem(i) for i in (1, 2))
    assert [header.text() for header in headers if header] == ["Ma version", "Version partagée"]
    conflicts.keep_mine_button.click()
    assert conflicts.conflict_list.count() == 0

    window.sync_now()
    assert [row["title"] for row in syndicate.rows("projects").values()].count("Fibre d’Alice") == 1
    bob.sync()
    assert bob.project("P-69259")["title"] == "Fibre d’Alice"
    assert window.sync.issues_button.isHidden()
    conflicts.close()


def test_a_wrong_password_says_so_once_and_changes_nothing(
    first_start: Application,
    syndicate: Syndicate,
    memory_keyring: MemoryKeyring,
    context: Context,
    no_blocking_dialogs: list[str],
) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    dialog = connect(first_start, alice, "pas-le-bon")

    assert dialog.isVisible()
    assert dialog.error.text() == ("Le nom d’utilisateur ou le mot de passe est incorrect.")
    assert dialog.password.text() == "pas-le-bon"
    assert no_blocking_dialogs == []
    assert context.settings.server_url == ""
    assert memory_keyring.passwords == {}
    assert commune_names(first_start) == []
    assert first_start.window.sync.label.text() == "Hors ligne"
    dialog.reject()


@pytest.mark.parametrize(
    ("configured", "reachable", "status", "expected"),
    [
        (False, True, SyncStatus(None, 0, 0, 0), "Hors ligne"),
        (True, False, SyncStatus(dt.datetime(2026, 1, 5, 9, 0), 0, 0, 0), "Hors ligne"),
        (True, True, SyncStatus(None, 0, 0, 0), "Connecté"),
        (
            True,
            True,
            SyncStatus(dt.datetime(2026, 1, 5, 9, 0), 0, 0, 0),
            "Dernière synchronisation il y a 5\u00a0min",
        ),
        (
            True,
            True,
            SyncStatus(dt.datetime(2026, 1, 5, 9, 0), 3, 0, 0),
            "Dernière synchronisation il y a 5\u00a0min · 3 modifications en attente",
        ),
    ],
)
def test_the_status_says_where_the_copy_stands(
    configured: bool, reachable: bool, status: SyncStatus, expected: str
) -> None:
    now = dt.datetime(2026, 1, 5, 9, 5)
    assert status_text(configured, reachable, status, now) == expected
