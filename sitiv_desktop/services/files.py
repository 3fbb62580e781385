"""Writing files people keep: whole or not at all, and disk failures said in words."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sitiv_desktop.errors import ExternalError, UserError, os_reason
from sitiv_desktop.i18n import _

# progress(fraction from 0 to 1, what is being done). A window's callback stops the work by
# raising ``Cancelled``: the service's transaction then rolls back and nothing is written.


def write_atomically(
    path: Path, write: Callable[[BinaryIO], None], temporary_prefix: str = "."
) -> None:
    """Write through a temporary file beside ``path``, then rename it: a crash or a full disk
    never leaves half a spreadsheet where the previous one was.

    The folder must exist: a mistyped folder is said, not made (``check_target``)."""
    check_target(path)
    try:
        handle, temporary_name = tempfile.mkstemp(
            prefix=temporary_prefix, suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise _write_failed(path, error) from error
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        # mkstemp makes the file private; an export or a pack is a document like any other.
        temporary.chmod(0o644)
        temporary.replace(path)
    except OSError as error:
        raise _write_failed(path, error) from error
    finally:
        temporary.unlink(missing_ok=True)


def check_target(path: Path) -> None:
    """Refuse, before any work, a file to write that is a folder or whose folder is missing
    (it is not made: a mistyped folder would silently become a tree of new folders)."""
    folder = path.parent
    if not path.name or path.is_dir():
        raise UserError(_("{path} is a folder; give a file name.").format(path=path), "file")
    if not folder.exists():
        raise UserError(
            _("The folder {folder} does not exist; create it or choose another.").format(
                folder=folder
            ),
            "file",
        )
    if not folder.is_dir():
        raise UserError(
            _("{folder} is a file, not a folder; choose another folder.").format(folder=folder),
            "file",
        )


# The reasons a file operation fails that a person can act on. A missing file, a folder given
# for a file or a name too long is the person's mistake (``UserError``, exit code 2); the rest
# is the disk or the system (``ExternalError``, exit code 3).
_MISTAKES = (errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG)


def is_mistake(error: OSError) -> bool:
    """Whether the failure is the path the person gave rather than the disk or the system."""
    return isinstance(error, (FileNotFoundError, IsADirectoryError)) or error.errno in _MISTAKES


def _classed(error: OSError, message: str) -> UserError | ExternalError:
    if is_mistake(error):
        return UserError(message, "file")
    return ExternalError(message)


def _write_failed(path: Path, error: OSError) -> UserError | ExternalError:
    # Missing while being made: its folder (checked to exist) takes no new file (/proc).
    missing = isinstance(error, FileNotFoundError) or error.errno == errno.ENOENT
    reason = _("its folder takes no new file") if missing else os_reason(error)
    return _classed(
        error,
        _("The file {path} could not be written: {reason}.").format(path=path, reason=reason),
    )


def read_failed(path: Path, error: OSError) -> UserError | ExternalError:
    """A file that could not be read, said in words, classed as the person's mistake or the
    world's failure."""
    return _classed(
        error,
        _("The file {path} could not be read: {reason}.").format(
            path=path, reason=os_reason(error)
        ),
    )
