"""User preferences, declared once (key, type, default, label) and kept in a JSON file.

Passwords never come here: they live in the system keyring (``credentials``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import N_, _

SETTINGS_VERSION = 1


@dataclass(frozen=True)
class Setting:
    key: str
    type_: type
    default: Any
    label: str


DECLARED = {
    setting.key: setting
    for setting in (
        Setting("language", str, "fr", N_("Language")),
        Setting("last_commune", str, "", N_("Last commune opened")),
        Setting("server_url", str, "", N_("Shared database address")),
        Setting("server_user", str, "", N_("User name on the shared database")),
        Setting("first_start_done", bool, False, N_("First start done")),
        Setting("backups_kept", int, 5, N_("Automatic backups kept")),
        Setting("author_name", str, "", N_("Your name, written on exchanges and packs")),
        Setting("commune_roles", dict, {}, N_("Your role in each commune (from the sync)")),
    )
}


class Settings:
    """Declared preferences read from and written to one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # A damaged preferences file must not stop the application: start from defaults.
            return
        if isinstance(stored, dict):
            values = stored.get("values", {})
            self._values = {key: value for key, value in values.items() if key in DECLARED}

    def get(self, key: str) -> Any:
        setting = DECLARED[key]
        value = self._values.get(key, setting.default)
        return value if isinstance(value, setting.type_) else setting.default

    def set(self, key: str, value: Any) -> None:
        setting = DECLARED[key]
        if not isinstance(value, setting.type_):
            raise TypeError(f"{key} expects {setting.type_.__name__}")
        self._values[key] = value
        self.save()

    def save(self) -> None:
        document = {"version": SETTINGS_VERSION, "values": self._values}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False), "utf-8")
            temporary.replace(self.path)
        except OSError as error:
            raise ExternalError(
                _("Preferences could not be saved in {path}: {error}").format(
                    path=self.path, error=error.strerror
                )
            ) from error
