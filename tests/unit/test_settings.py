"""Typed preferences, and the settings file upgraded from older layouts step by step."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from sitiv_desktop.services.roles import Role, role_in
from sitiv_desktop.settings import DECLARED, MIGRATIONS, SETTINGS_VERSION, Setting, Settings

VENISSIEUX = uuid.UUID("6f1c1a52-3e4b-4d5e-9f00-1a2b3c4d5e6f")


def written(path: Path) -> dict[str, object]:
    document = json.loads(path.read_text("utf-8"))
    assert isinstance(document, dict)
    return document


def test_a_preference_reads_as_its_type_and_saves_when_assigned(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(path)
    assert settings.backups_kept == 5 and settings.first_start_done is False
    settings.backups_kept = 8
    settings.author_name = "Marie Dupont"
    again = Settings(path)
    assert again.backups_kept == 8
    assert again.author_name == "Marie Dupont"
    assert written(path) == {
        "version": SETTINGS_VERSION,
        "values": {"backups_kept": 8, "author_name": "Marie Dupont"},
    }


def test_a_preference_of_the_wrong_type_is_refused_and_read_as_its_default(
    tmp_path: Path,
) -> None:
    settings = Settings(tmp_path / "settings.json")
    with pytest.raises(TypeError):
        settings.backups_kept = True  # a bool is not a count
    with pytest.raises(TypeError):
        settings.language = 3
    path = tmp_path / "edited.json"
    path.write_text(json.dumps({"version": 2, "values": {"backups_kept": "dix"}}), "utf-8")
    assert Settings(path).backups_kept == 5


def test_every_setting_is_declared_once_on_the_class() -> None:
    assert set(DECLARED) == {
        "language",
        "last_commune",
        "server_url",
        "server_user",
        "first_start_done",
        "backups_kept",
        "author_name",
        "commune_roles",
    }
    assert all(isinstance(getattr(Settings, key), Setting) for key in DECLARED)


def test_a_dict_read_is_a_copy(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    settings.commune_roles = {str(VENISSIEUX): "liaison"}
    roles = settings.commune_roles
    roles[str(VENISSIEUX)] = "admin"
    assert settings.commune_roles == {str(VENISSIEUX): "liaison"}


def test_roles_from_the_sync_are_found_by_the_window(tmp_path: Path) -> None:
    """The sync writes commune ids in hex; the window looks them up as ``str(uuid)``."""
    settings = Settings(tmp_path / "settings.json")
    settings.commune_roles = {VENISSIEUX.hex: "liaison", "not an id": "admin"}
    assert settings.commune_roles == {str(VENISSIEUX): "liaison"}
    assert role_in(settings.commune_roles, VENISSIEUX) is Role.LIAISON


def test_a_version_1_file_is_upgraded_and_its_original_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    original = {
        "version": 1,
        "values": {"language": "en", "commune_roles": {VENISSIEUX.hex: "liaison"}},
    }
    path.write_text(json.dumps(original), "utf-8")
    settings = Settings(path)
    assert settings.language == "en"
    assert role_in(settings.commune_roles, VENISSIEUX) is Role.LIAISON
    assert written(path) == {
        "version": SETTINGS_VERSION,
        "values": {"language": "en", "commune_roles": {str(VENISSIEUX): "liaison"}},
    }
    assert written(tmp_path / "settings.v1.json") == original
    # Opened again, it is not upgraded twice.
    (tmp_path / "settings.v1.json").unlink()
    assert Settings(path).commune_roles == {str(VENISSIEUX): "liaison"}
    assert not (tmp_path / "settings.v1.json").exists()


def test_a_file_without_a_version_is_taken_as_the_first(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"values": {"commune_roles": {VENISSIEUX.hex: "elu"}}}), "utf-8")
    assert Settings(path).commune_roles == {str(VENISSIEUX): "elu"}
    assert written(path)["version"] == SETTINGS_VERSION


def test_a_file_from_a_newer_version_keeps_what_it_does_not_know(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    newer = SETTINGS_VERSION + 1
    path.write_text(
        json.dumps({"version": newer, "values": {"language": "en", "theme": "dark"}}), "utf-8"
    )
    settings = Settings(path)
    assert settings.version == newer and settings.language == "en"
    settings.backups_kept = 3
    assert written(path) == {
        "version": newer,
        "values": {"language": "en", "theme": "dark", "backups_kept": 3},
    }


def test_every_older_version_has_its_step() -> None:
    assert sorted(MIGRATIONS) == list(range(1, SETTINGS_VERSION))


def test_a_file_that_cannot_be_rewritten_is_still_read_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"version": 1, "values": {"commune_roles": {VENISSIEUX.hex: "elu"}}})
    )
    (tmp_path / "settings.tmp").mkdir()  # where the new file would be written first
    settings = Settings(path)
    assert settings.commune_roles == {str(VENISSIEUX): "elu"}
    assert written(path)["version"] == 1  # upgraded again at the next start


def test_preferences_that_cannot_be_saved_say_why_in_french(tmp_path: Path) -> None:
    from sitiv_desktop.errors import ExternalError
    from sitiv_desktop.i18n import set_language

    set_language("fr")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", "utf-8")
    settings = Settings(blocker / "settings.json")
    with pytest.raises(ExternalError) as raised:
        settings.backups_kept = 3
    assert "un fichier porte déjà ce nom" in raised.value.message
    assert "File exists" not in raised.value.message
