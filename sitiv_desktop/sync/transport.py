"""The laptop's line to the sync service: HTTP with httpx, a token, timeouts, French errors."""

from __future__ import annotations

import ipaddress
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from sitiv_desktop import __version__
from sitiv_desktop.errors import ExternalError, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.sync import protocol
from sitiv_desktop.sync.protocol import Change, Outcome, ServerChange

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class SessionEnded(ExternalError):
    """The token is no longer valid: the user must connect again."""


class TooOld(ExternalError):
    """The service no longer serves this version of the application."""


def checked_address(address: str) -> str:
    """The service's address as typed, or a French refusal naming what is wrong."""
    cleaned = address.strip().rstrip("/")
    try:
        parts = urlsplit(cleaned)
        port = parts.port
    except ValueError as error:
        raise UserError(
            _("Address: « {address} » is not a web address.").format(address=address), "address"
        ) from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            _(
                "Address: give the sync service's address, such as https://sync.sitiv.fr "
                "(« {address} » is not one)."
            ).format(address=address),
            "address",
        )
    del port
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        # The password and the session token would cross the network in clear.
        raise UserError(
            _(
                "Address: « {address} » is not encrypted (http://); give the service's https:// "
                "address. Plain http:// is accepted only for a service on this computer."
            ).format(address=address),
            "address",
        )
    return cleaned


def _is_loopback(hostname: str) -> bool:
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SnapshotPage:
    """One page of a table as the service sent it: ``body`` is its JSON text, whose ``rows``
    hold one array per row in the order of ``columns``."""

    columns: list[str]
    body: str
    count: int
    last_id: str | None
    complete: bool

    def rows(self) -> list[list[Any]]:
        return list(json.loads(self.body)["rows"])


class ServiceClient:
    """The sync service as one laptop reaches it."""

    def __init__(self, address: str, token: str | None = None) -> None:
        self.address = checked_address(address)
        self.token = token
        self._http = httpx.Client(
            base_url=self.address + protocol.PREFIX,
            timeout=TIMEOUT,
            headers={
                protocol.API_HEADER: str(protocol.API_VERSION),
                "User-Agent": f"sitiv-desktop/{__version__}",
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- requests --

    def _request(self, method: str, path: str, admin: bool = False, **options: Any) -> Any:
        response = self._response(method, path, admin, **options)
        try:
            return response.json()
        except ValueError as error:
            raise self._not_a_service() from error

    def _response(
        self, method: str, path: str, admin: bool = False, **options: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self._http.request(method, path, headers=headers, **options)
        except httpx.TimeoutException as error:
            raise ExternalError(
                _(
                    "The sync service did not answer in time ({address}). Your local copy is "
                    "unchanged; try again later."
                ).format(address=self.address)
            ) from error
        except httpx.HTTPError as error:
            raise ExternalError(
                _(
                    "The sync service cannot be reached ({address}). Your local copy is "
                    "unchanged; try again when connected."
                ).format(address=self.address)
            ) from error
        if response.status_code >= 400:
            refusal = self._error(response)
            if admin and response.status_code == 404 and str(refusal):
                # The administration names what it did not find: a user or a commune.
                raise UserError(str(refusal))
            raise refusal
        return response

    def _not_a_service(self) -> ExternalError:
        return ExternalError(
            _("The address {address} does not answer as a sync service.").format(
                address=self.address
            )
        )

    def _error(self, response: httpx.Response) -> Exception:
        try:
            detail = str(response.json().get("detail") or "")
        except (ValueError, AttributeError):
            detail = ""
        status = response.status_code
        if status == 401:
            return SessionEnded(detail or _("Your session has ended: connect again."))
        if status == 426:
            return TooOld(
                detail
                or _("This version of SITIV Desktop is too old for the sync service: update it.")
            )
        if status in (403, 422, 429, 413):
            return UserError(detail or _("The sync service refused the request."))
        if status == 404 and not detail:
            return self._not_a_service()
        return ExternalError(
            detail
            or _("The sync service failed ({status}); try again later.").format(status=status)
        )

    # -- the service's verbs --

    def info(self) -> dict[str, Any]:
        found: dict[str, Any] = self._request("GET", "/info")
        if found.get("service") != "sitiv-sync":
            raise self._not_a_service()
        if int(found.get("oldest_client_api", 0)) > protocol.API_VERSION:
            raise TooOld(
                _("This version of SITIV Desktop is too old for the sync service: update it.")
            )
        return found

    def log_in(self, user: str, password: str) -> str:
        self.info()
        try:
            found = self._request("POST", "/login", json={"user": user, "password": password})
        except SessionEnded as error:
            raise UserError(str(error), "password") from error
        self.token = str(found["token"])
        return self.token

    def log_out(self) -> None:
        self._request("POST", "/logout")

    def grants(self) -> dict[uuid.UUID, str]:
        found = self._request("GET", "/me")
        return {uuid.UUID(grant["commune_id"]): str(grant["role"]) for grant in found["grants"]}

    def push(self, changes: list[Change]) -> list[Outcome]:
        found = self._request(
            "POST", "/push", json={"changes": [change.to_json() for change in changes]}
        )
        return [Outcome.from_json(outcome) for outcome in found["outcomes"]]

    def pull(self, cursor: int, limit: int) -> tuple[list[ServerChange], int]:
        found = self._request("GET", "/changes", params={"after": cursor, "limit": limit})
        return [ServerChange.from_json(change) for change in found["changes"]], int(
            found["reached"]
        )

    def wait(self, cursor: int, timeout: float = 25.0) -> bool:
        found = self._request(
            "GET",
            "/changes/wait",
            params={"after": cursor, "timeout": timeout},
            timeout=httpx.Timeout(timeout + 15.0, connect=10.0),
        )
        return bool(found["available"])

    def snapshot_start(self) -> tuple[int, int]:
        """Where the pull resumes after a snapshot, and the largest page the service sends
        (services that do not say send pages of the protocol's first size)."""
        found = self._request("GET", "/snapshot")
        return int(found["cursor"]), int(found.get("page_rows", protocol.DEFAULT_PAGE_ROWS))

    def snapshot_page(self, table: str, after: str | None, limit: int) -> SnapshotPage:
        params: dict[str, Any] = {"limit": limit}
        if after:
            params["after"] = after
        response = self._response("GET", f"/snapshot/{table}", params=params)
        headers = response.headers
        try:
            if protocol.PAGE_ROWS_HEADER in headers:
                return SnapshotPage(
                    columns=headers[protocol.PAGE_COLUMNS_HEADER].split(","),
                    body=response.text,
                    count=int(headers[protocol.PAGE_ROWS_HEADER]),
                    last_id=headers.get(protocol.PAGE_LAST_HEADER),
                    complete=headers[protocol.PAGE_COMPLETE_HEADER] == "1",
                )
            found = response.json()  # a service that does not describe its pages
            rows = list(found["rows"])
            return SnapshotPage(
                columns=list(found["columns"]),
                body=response.text,
                count=len(rows),
                last_id=rows[-1][0] if rows else None,
                complete=bool(found["complete"]),
            )
        except (KeyError, ValueError, TypeError, IndexError) as error:
            raise self._not_a_service() from error

    # -- administration (the role admin) --

    def admin_users(self) -> list[dict[str, Any]]:
        return list(self._request("GET", "/admin/users", admin=True)["users"])

    def admin_add_user(self, name: str, password: str) -> None:
        self._request("POST", "/admin/users", admin=True, json={"name": name, "password": password})

    def admin_set_password(self, name: str, password: str) -> None:
        self._request(
            "PUT", f"/admin/users/{quote(name)}/password", admin=True, json={"password": password}
        )

    def admin_disable(self, name: str) -> None:
        self._request("POST", f"/admin/users/{quote(name)}/disable", admin=True)

    def admin_grant(self, name: str, commune_id: uuid.UUID, role: str) -> str:
        found = self._request(
            "PUT",
            f"/admin/users/{quote(name)}/grants/{commune_id.hex}",
            admin=True,
            json={"role": role},
        )
        return str(found["commune"])

    def admin_revoke(self, name: str, commune_id: uuid.UUID) -> str:
        found = self._request(
            "DELETE", f"/admin/users/{quote(name)}/grants/{commune_id.hex}", admin=True
        )
        return str(found["commune"])

    def admin_communes(self) -> list[dict[str, Any]]:
        return list(self._request("GET", "/admin/communes", admin=True)["communes"])

    def admin_add_commune(self, fields: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = self._request("POST", "/admin/communes", admin=True, json=fields)
        return found

    def admin_edit_commune(self, commune_id: uuid.UUID, fields: dict[str, Any]) -> str:
        found = self._request("PATCH", f"/admin/communes/{commune_id.hex}", admin=True, json=fields)
        return str(found["name"])
