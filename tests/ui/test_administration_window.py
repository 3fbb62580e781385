"""The « Administration » screen against the real sync service: shown only to administrators,
users, grants and communes changed through the service, refusals in French."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitiv_desktop.context import Context
from sitiv_desktop.ui.administration import AdministrationDialog
from sitiv_desktop.ui.app import Application
from tests.sync_harness import Syndicate
from tests.ui.conftest import Town


@pytest.fixture
def syndicate(tmp_path: Path) -> Iterator[Syndicate]:
    made = Syndicate(f"sqlite+pysqlite:///{tmp_path / 'partagee.sqlite3'}", tmp_path / "shared")
    yield made
    made.close()


def test_the_menu_entry_shows_only_to_an_administrator(
    started: Application, context: Context, town: Town
) -> None:
    window = started.window
    assert window.administration_action.isVisible() is False
    context.settings.commune_roles = {str(town.venissieux): "liaison"}
    window.notifier.notify("all")
    assert not window.administration_action.isVisible()
    context.settings.commune_roles = {str(town.venissieux): "admin"}
    window.notifier.notify("all")
    assert window.administration_action.isVisible()


def row_texts(table: object) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]  # type: ignore[attr-defined]
        for r in range(table.rowCount())  # type: ignore[attr-defined]
    ]


def test_an_administrator_runs_the_syndicate_from_the_window(
    started: Application, syndicate: Syndicate, qtbot: object
) -> None:
    service = syndicate.administrator.service
    assert service.token
    dialog = AdministrationDialog(service.address, service.token, started.runner, started.window)
    users = [row[0] for row in row_texts(dialog.user_table)]
    assert users == ["admin"]
    assert [row[0] for row in row_texts(dialog.commune_table)] == [
        "Corbas",
        "Givors",
        "Vénissieux",
    ]

    dialog.user_name.setText("ines")
    dialog.user_password.setText("un-long-mot-de-passe")
    dialog.add_user_button.click()
    assert dialog.done_label.text() == "L’utilisateur ines peut maintenant se connecter."
    dialog.grant_commune.setCurrentIndex(dialog.grant_commune.findText("Givors"))
    dialog.grant_role.setCurrentIndex(dialog.grant_role.findData("liaison"))
    dialog.grant_button.click()
    assert "ines a maintenant Givors" in dialog.done_label.text()
    ines = [row for row in row_texts(dialog.user_table) if row[0] == "ines"]
    assert ines and "Givors" in ines[0][2]

    # A duplicate INSEE code is refused in one French sentence, nothing added.
    dialog.tabs.setCurrentIndex(1)
    dialog.commune_name.setText("Double")
    dialog.commune_insee.setText("69259")
    dialog.add_commune_button.click()
    assert "Vénissieux a déjà le code 69259" in dialog.error.text().replace("\u00a0", " ")
    dialog.commune_name.setText("Grigny")
    dialog.commune_insee.setText("69096")
    dialog.commune_population.setValue(9675)
    dialog.add_commune_button.click()
    assert dialog.error.isHidden()
    assert "Grigny" in [row[0] for row in row_texts(dialog.commune_table)]

    dialog.commune_table.selectRow([r[0] for r in row_texts(dialog.commune_table)].index("Givors"))
    dialog.commune_population.setValue(20500)
    dialog.edit_commune_button.click()
    givors = [r for r in syndicate.rows("communes").values() if r["name"] == "Givors"]
    assert givors[0]["population"] == 20500
    dialog.close()


def test_a_non_administrator_reads_the_refusal(started: Application, syndicate: Syndicate) -> None:
    liaison = syndicate.laptop("jules", {"Givors": "liaison"}).service
    assert liaison.token
    dialog = AdministrationDialog(liaison.address, liaison.token, started.runner, started.window)
    assert dialog.error.text() == "Seul un administrateur peut faire cela."
    assert dialog.user_table.rowCount() == 0
    dialog.close()
