"""User preferences, declared once (key, type, default, label) and kept in a JSON file.

Each preference is a typed ``Setting[T]`` descriptor on ``Settings``: ``settings.backups_kept``
is an ``int``, and assigning it checks the type and saves the file. ``get(key)`` and
``set(key, value)`` stay for callers that name the key as text.

The file records the ``version`` of its layout. An older file is upgraded on opening, one
numbered step after another (``MIGRATIONS``), the original kept beside it; a file from a newer
version of the application is read as it is, and the preferences this version does not know are
written back untouched.

Passwords never come here: they live in the system keyring (``credentials``).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from sitiv_desktop.errors import ExternalError, os_reason
from sitiv_desktop.i18n import N_, _

SETTINGS_VERSION = 2

T = TypeVar("T")


def _roles_by_commune(roles: dict[str, Any]) -> dict[str, Any]:
    """Commune ids as ``str(uuid)`` (« 1b4e…-… »), however they were written."""
    cleaned: dict[str, Any] = {}
    for key, role in roles.items():
        try:
            cleaned[str(uuid.UUID(str(key)))] = role
        except ValueError:
            continue
    return cleaned


class Setting(Generic[T]):
    """One preference: read on a ``Settings`` as a ``T``, assigned with its type checked."""

    def __init__(
        self,
        key: str,
        type_: type[T],
        default: T,
        label: str,
        clean: Callable[[T], T] | None = None,
    ) -> None:
        self.key, self.type_, self.default, self.label = key, type_, default, label
        self.clean = clean

    def accepts(self, value: object) -> bool:
        # A bool is an int to Python, not to a preference that counts something.
        if self.type_ is not bool and isinstance(value, bool):
            return False
        return isinstance(value, self.type_)

    def read(self, values: dict[str, Any]) -> T:
        value = values.get(self.key, self.default)
        if not self.accepts(value):
            value = self.default
        # A copy, so that changing a dict read here does not change the preference unsaved.
        return deepcopy(value)  # type: ignore[no-any-return]

    @overload
    def __get__(self, settings: None, owner: type[Any]) -> Setting[T]: ...

    @overload
    def __get__(self, settings: Settings, owner: type[Any]) -> T: ...

    def __get__(self, settings: Settings | None, owner: type[Any]) -> Setting[T] | T:
        if settings is None:
            return self
        return self.read(settings._values)

    def __set__(self, settings: Settings, value: T) -> None:
        if not self.accepts(value):
            raise TypeError(f"{self.key} expects {self.type_.__name__}")
        settings._values[self.key] = self.clean(value) if self.clean else deepcopy(value)
        settings.save()


# Each step upgrades the values of the version it is numbered by to the next version.
Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_roles_keyed_by_commune_id(values: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept the roles the sync gave under hex ids, which the window never found."""
    roles = values.get("commune_roles")
    if isinstance(roles, dict):
        values = {**values, "commune_roles": _roles_by_commune(roles)}
    return values


MIGRATIONS: dict[int, Migration] = {
    1: _v1_roles_keyed_by_commune_id,
}


def upgrade(values: dict[str, Any], version: int) -> dict[str, Any]:
    """The values of a file of ``version`` as this version of the application lays them out."""
    for step in range(max(version, 1), SETTINGS_VERSION):
        values = MIGRATIONS[step](values)
    return values


class Settings:
    """Declared preferences read from and written to one JSON file."""

    language = Setting("language", str, "fr", N_("Language"))
    last_commune = Setting("last_commune", str, "", N_("Last commune opened"))
    server_url = Setting("server_url", str, "", N_("Shared database address"))
    server_user = Setting("server_user", str, "", N_("User name on the shared database"))
    first_start_done = Setting("first_start_done", bool, False, N_("First start done"))
    backups_kept = Setting("backups_kept", int, 5, N_("Automatic backups kept"))
    author_name = Setting("author_name", str, "", N_("Your name, written on exchanges and packs"))
    commune_roles: Setting[dict[str, str]] = Setting(
        "commune_roles",
        dict,
        {},
        N_("Your role in each commune (from the sync)"),
        clean=_roles_by_commune,
    )

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        self._version = SETTINGS_VERSION
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # A damaged preferences file must not stop the application: start from defaults.
            return
        if not isinstance(stored, dict) or not isinstance(stored.get("values", {}), dict):
            return
        version = stored.get("version", 1)
        version = version if isinstance(version, int) and not isinstance(version, bool) else 1
        self._values = upgrade(dict(stored.get("values", {})), version)
        self._version = max(version, SETTINGS_VERSION)
        if version < SETTINGS_VERSION:
            self._keep_upgraded(version)

    def _keep_upgraded(self, version: int) -> None:
        """Write the upgraded file, the original kept as ``settings.v1.json``; best effort."""
        try:
            shutil.copy2(self.path, self.path.with_suffix(f".v{version}{self.path.suffix}"))
            self.save()
        except (OSError, ExternalError):
            return  # read-only folder: the upgrade is redone at each start, nothing is lost

    @property
    def version(self) -> int:
        """The layout of the file as it is written: this version's, or a newer one's."""
        return self._version

    def save(self) -> None:
        document = {"version": self._version, "values": self._values}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False), "utf-8")
            temporary.replace(self.path)
        except OSError as error:
            raise ExternalError(
                _("Preferences could not be saved in {path}: {error}").format(
                    path=self.path, error=os_reason(error)
                )
            ) from error


DECLARED: dict[str, Setting[Any]] = {
    setting.key: setting for setting in vars(Settings).values() if isinstance(setting, Setting)
}
