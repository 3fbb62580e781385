"""The exceptions of the core: only ``ui`` and ``cli`` catch them.

``UserError`` is bad input and carries a French message (naming the field when there is one);
``ExternalError`` is the world failing (disk, network, keyring) and says what to do;
``Cancelled`` is the user stopping a long task and is never shown.
"""

from __future__ import annotations


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
