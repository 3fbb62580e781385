"""Where files live: ``--data-dir`` or ``SITIV_DATA_DIR``, else the user's data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from sitiv_desktop import APP_ID

DATA_DIR_VARIABLE = "SITIV_DATA_DIR"


@dataclass(frozen=True)
class Paths:
    """Every path the application writes to, derived from one data directory."""

    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "sitiv.sqlite3"

    @property
    def backups(self) -> Path:
        return self.data_dir / "sauvegardes"

    @property
    def settings(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def packs(self) -> Path:
        return self.data_dir / "dossiers"

    @property
    def log(self) -> Path:
        return self.data_dir / "sitiv.log"

    def ensure(self) -> Paths:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False))


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """The explicit directory wins, then the environment variable, then platformdirs."""
    if data_dir is not None:
        return Paths(Path(data_dir).expanduser().resolve())
    from_environment = os.environ.get(DATA_DIR_VARIABLE)
    if from_environment:
        return Paths(Path(from_environment).expanduser().resolve())
    return Paths(default_data_dir())
