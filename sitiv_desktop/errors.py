"""The exceptions of the core: only ``ui`` and ``cli`` catch them.

``UserError`` is bad input and carries a French message (naming the field when there is one);
``ExternalError`` is the world failing (disk, network, keyring) and says what to do;
``Cancelled`` is the user stopping a long task and is never shown.
"""

from __future__ import annotations

import errno

from sitiv_desktop.i18n import _


class SitivError(Exception):
    """Base of every error the application raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UserError(SitivError):
    """The input is wrong; the message tells the user what to fix."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(UserError):
    """A record named by the user does not exist."""


class ExternalError(SitivError):
    """Something outside the program failed: a file, the network, the keyring."""


class Cancelled(SitivError):
    """The user stopped a long task; nothing to report."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in words of the current language (never the system's
    English): « it does not exist », « permission denied », « the disk is full » …"""
    number = error.errno
    if isinstance(error, FileNotFoundError) or number == errno.ENOENT:
        return _("it does not exist (check its name and its folder)")
    if isinstance(error, NotADirectoryError) or number == errno.ENOTDIR:
        return _("a file stands where its path needs a folder")
    if isinstance(error, FileExistsError) or number == errno.EEXIST:
        return _("a file of that name is already there")
    if isinstance(error, IsADirectoryError) or number == errno.EISDIR:
        return _("it is a folder, not a file")
    if isinstance(error, PermissionError) or number in (errno.EACCES, errno.EPERM):
        return _("permission denied (check the rights on the file and its folder)")
    if number in (errno.ENOSPC, errno.EDQUOT):
        return _("the disk is full (free some space, then try again)")
    if number == errno.EROFS:
        return _("the disk or the folder is read-only")
    if number == errno.ENAMETOOLONG:
        return _("its name is too long")
    if number == errno.EIO:
        return _("the disk failed while reading or writing it")
    if number == errno.EADDRINUSE:
        return _("another program already uses this port")
    if number == errno.EADDRNOTAVAIL:
        return _("this machine has no such address")
    code = errno.errorcode.get(number, type(error).__name__) if number else type(error).__name__
    return _("system error {code}").format(code=code)
