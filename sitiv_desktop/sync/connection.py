"""A laptop's connection to the sync service: the address and user in the settings, the session
token in the system keyring (never in a file), and one sync with its safety copy."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitiv_desktop.context import Context
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.progress import Progress
from sitiv_desktop.services.roles import granted_roles
from sitiv_desktop.sync.client import synchronise
from sitiv_desktop.sync.summary import Fault, SyncSummary
from sitiv_desktop.sync.transport import ServiceClient, SessionEnded, checked_address

AskPassword = Callable[[str], str]


@dataclass(frozen=True)
class Connected:
    grants: dict[uuid.UUID, str]
    kept_in_keyring: bool


def connect(context: Context, address: str, user: str, password: str) -> Connected:
    """Exchange the password for a session token, and remember where and who."""
    address = checked_address(address)
    with ServiceClient(address) as service:
        token = service.log_in(user, password)
        grants = service.grants()
    context.settings.server_url = address
    context.settings.server_user = user
    kept = context.credentials.store(address, user, token)
    return Connected(grants, kept)


def open_service(context: Context, ask_password: AskPassword | None = None) -> ServiceClient:
    """The service this laptop is connected to, with its session; asks the password again
    (and logs in) when no keyring kept the session."""
    address = context.settings.server_url
    user = context.settings.server_user
    if not address or not user:
        raise UserError(
            _(
                "Not connected to a sync service yet: connect first "
                "(« sitiv-desktop connect ADDRESS --user NAME », or Synchronisation › Connexion)."
            )
        )
    credentials = context.credentials
    token = credentials.token(str(address), str(user))
    service = ServiceClient(str(address), token)
    if token is None:
        if ask_password is None:
            service.close()
            raise SessionEnded(_("Your session has ended: connect again."))
        token = service.log_in(str(user), ask_password(str(user)))
        credentials.store(str(address), str(user), token)
    return service


def sync_now(
    context: Context,
    service: ServiceClient,
    progress: Progress | None = None,
    fault: Fault | None = None,
    is_cancelled: Callable[[], bool] = lambda: False,
) -> SyncSummary:
    def keep_copy() -> Path:
        from sitiv_desktop.services.backups import backup

        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = context.paths.backups / f"avant-premiere-synchronisation-{stamp}.sqlite3"
        return backup(context.paths.database, target)

    options: dict[str, object] = {}
    if progress is not None:
        options["progress"] = progress
    if fault is not None:
        options["fault"] = fault
    try:
        summary = synchronise(
            context.database,
            service,
            is_cancelled=is_cancelled,
            backup=keep_copy,
            **options,  # type: ignore[arg-type]
        )
    except SessionEnded:
        context.credentials.forget(service.address, context.settings.server_user)
        raise
    # The window keeps read-only what the service would refuse.
    with context.database.read_session() as session:
        granted = granted_roles(session)
    context.settings.commune_roles = {str(commune): role for commune, role in granted.items()}
    return summary
