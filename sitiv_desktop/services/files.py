"""Writing files people keep: whole or not at all, and disk failures said in words."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _

# progress(fraction from 0 to 1, what is being done). A window's callback stops the work by
# raising ``Cancelled``: the service's transaction then rolls back and nothing is written.
ProgressCallback = Callable[[float, str], None]


def no_progress(fraction: float, text: str) -> None:
    """The progress callback of callers that show none."""


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through a temporary file beside ``path``, then rename it: a crash or a full disk
    never leaves half a spreadsheet where the previous one was."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary_name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _write_failed(path, error) from error
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        temporary.replace(path)
    except OSError as error:
        raise _write_failed(path, error) from error
    finally:
        temporary.unlink(missing_ok=True)


def _write_failed(path: Path, error: OSError) -> ExternalError:
    return ExternalError(
        _(
            "The file {path} could not be written: {error}. Check the folder and the free space."
        ).format(path=path, error=error.strerror or error)
    )


def read_failed(path: Path, error: OSError) -> ExternalError:
    return ExternalError(
        _("The file {path} could not be read: {error}.").format(
            path=path, error=error.strerror or error
        )
    )
