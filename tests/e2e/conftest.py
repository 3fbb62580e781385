"""Run the command line as a user would: a subprocess with its own data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def sitiv(tmp_path: Path) -> Runner:
    data_dir = tmp_path / "data"

    def run(
        *arguments: str, data: Path | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "SITIV_DATA_DIR": "", **env}
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "sitiv_desktop",
                "--data-dir",
                str(data or data_dir),
                *arguments,
            ],
            capture_output=True,
            text=True,
            env=environment,
            timeout=300,
            check=False,
        )

    return run
