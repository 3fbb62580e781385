"""Passwords in the system keyring, never in a file; without a keyring, asked for each time.

``SITIV_PASSWORD`` answers for automation. Tests install an in-memory keyring with
``keyring.set_keyring``.
"""

from __future__ import annotations

import contextlib
import os

import keyring
from keyring.errors import KeyringError

from sitiv_desktop import APP_ID

PASSWORD_VARIABLE = "SITIV_PASSWORD"


class Credentials:
    """Where the password of a profile (server address + user) is kept."""

    def __init__(self) -> None:
        # Without a keyring, the password lives for this session only, in memory.
        self._session_only: dict[str, str] = {}
        self.keyring_available = True

    @staticmethod
    def _account(url: str, user: str) -> str:
        return f"{user}@{url}"

    def store(self, url: str, user: str, password: str) -> bool:
        """Keep a password; False when no keyring could take it (it is then kept in memory)."""
        account = self._account(url, user)
        self._session_only[account] = password
        try:
            keyring.set_password(APP_ID, account, password)
        except KeyringError:
            self.keyring_available = False
            return False
        return True

    def password(self, url: str, user: str) -> str | None:
        from_environment = os.environ.get(PASSWORD_VARIABLE)
        if from_environment:
            return from_environment
        account = self._account(url, user)
        stored = self._from_keyring(account)
        return stored if stored is not None else self._session_only.get(account)

    def token(self, url: str, user: str) -> str | None:
        """The session token kept for this profile (the environment holds passwords only)."""
        account = self._account(url, user)
        stored = self._from_keyring(account)
        return stored if stored else self._session_only.get(account)

    def _from_keyring(self, account: str) -> str | None:
        """What the keyring holds for ``account``; ``None`` when it holds nothing or fails."""
        try:
            return keyring.get_password(APP_ID, account)
        except KeyringError:
            self.keyring_available = False
            return None

    def forget(self, url: str, user: str) -> None:
        account = self._account(url, user)
        self._session_only.pop(account, None)
        with contextlib.suppress(KeyringError):
            keyring.delete_password(APP_ID, account)
