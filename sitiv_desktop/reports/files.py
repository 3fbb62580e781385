"""Writing a pack to a file: all or nothing, so a failed or cancelled build leaves no half PDF."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _


def save_pdf(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then put it in place."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".pack-", suffix=".pdf", dir=folder)
    except OSError as error:
        raise ExternalError(
            _("The pack cannot be written in {folder}: {error}. Choose another file.").format(
                folder=folder, error=error.strerror or error
            )
        ) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        # mkstemp makes the file private; a pack is a document like any other.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        raise ExternalError(
            _("The pack cannot be written to {path}: {error}. Choose another file.").format(
                path=path, error=error.strerror or error
            )
        ) from error
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
