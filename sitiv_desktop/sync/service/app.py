"""The sync service's HTTP interface (FastAPI, served by uvicorn).

Every route but ``info`` and ``login`` needs a token; grants are read at each request. Request
bodies are bounded, pages are bounded, and what a client sends that the service cannot read is
refused with a reason in French. The service keeps nothing between requests but its database, so
several processes can serve one PostgreSQL.
"""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Connection
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from sitiv_desktop import __version__
from sitiv_desktop.errors import ExternalError
from sitiv_desktop.i18n import _
from sitiv_desktop.sync import protocol
from sitiv_desktop.sync.protocol import Change, Op
from sitiv_desktop.sync.rows import SYNCED_TABLES
from sitiv_desktop.sync.service import accounts, admin_api, feed, merge
from sitiv_desktop.sync.service.backend import CONCURRENT_REQUESTS, Backend
from sitiv_desktop.sync.service.live import Waiters
from sitiv_desktop.sync.service.scope import Rights

Fault = Callable[[str], None]


class LoginRequest(BaseModel):
    user: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class ChangeModel(BaseModel):
    change_id: str = Field(max_length=64)
    table: str = Field(max_length=64)
    row_id: str = Field(max_length=64)
    op: Literal["upsert", "delete"]
    fields: dict[str, Any] = Field(default_factory=dict)
    base: dict[str, Any] | None = None


class PushRequest(BaseModel):
    changes: list[ChangeModel] = Field(max_length=protocol.MAX_PUSH_CHANGES)


def _french(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


class BoundedAndVersioned:
    """Refuses a body too large to read and a client too old to serve, before any route.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` would run every request and its
    response through streams of its own, a cost paid on every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.refusal(Headers(scope=scope), scope["path"])
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def refusal(headers: Headers, path: str) -> JSONResponse | None:
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > protocol.MAX_BODY_BYTES):
            return _french(413, _("The request is too large."))
        spoken = headers.get(protocol.API_HEADER)
        too_old = spoken is not None and (
            not spoken.isdigit() or int(spoken) < protocol.OLDEST_CLIENT_API
        )
        if path != f"{protocol.PREFIX}/info" and too_old:
            return _french(
                426, _("This version of SITIV Desktop is too old for the sync service: update it.")
            )
        return None


def create_app(url: str, fault: Fault = merge._no_fault) -> FastAPI:
    """The service over the database at ``url``."""
    backend = Backend(url)
    waiters = Waiters(backend)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The routes run in threads; no more at once than the pool holds connections.
        to_thread.current_default_thread_limiter().total_tokens = CONCURRENT_REQUESTS
        await waiters.start()
        try:
            yield
        finally:
            await waiters.stop()
            backend.dispose()

    app = FastAPI(title="SITIV sync", version=__version__, lifespan=lifespan)
    # Level 5: most of the size saved by 9, at a third of its CPU (snapshot pages are large).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.state.backend = backend

    app.add_middleware(BoundedAndVersioned)

    @app.exception_handler(RequestValidationError)
    async def malformed(_request: Request, error: RequestValidationError) -> JSONResponse:
        return _french(422, _("Malformed request: the sync service cannot read it."))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else ""
        if error.status_code == 404 and detail == "Not Found":
            detail = _("Unknown address on the sync service.")
        return _french(error.status_code, detail)

    @app.exception_handler(ExternalError)
    async def database_down(_request: Request, error: ExternalError) -> JSONResponse:
        return _french(503, error.message)

    # Async since it reads only a header: a sync dependency would cost a hop to a thread.
    async def bearer(authorization: Annotated[str | None, Header()] = None) -> str:
        scheme, _space, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, _("Not connected: connect to the sync service first."))
        return token

    def checked(connection: Connection, token: str) -> Rights:
        found = accounts.rights_of_token(connection, token)
        if found is None:
            raise HTTPException(401, _("Your session has ended or was revoked: connect again."))
        return found

    def rights(token: Annotated[str, Depends(bearer)]) -> Rights:
        with backend.transaction(None, all_rows=True) as connection:
            return checked(connection, token)

    @contextlib.contextmanager
    def served(token: str) -> Iterator[tuple[Connection, Rights]]:
        """One transaction for a read: the token checked, then narrowed to the user's rows
        (row-level security), so that a read costs one connection and one commit."""
        with backend.transaction(None, all_rows=True) as connection:
            user = checked(connection, token)
            backend.serve(connection, user.name)
            yield connection, user

    Token = Annotated[str, Depends(bearer)]  # noqa: N806
    User = Annotated[Rights, Depends(rights)]  # noqa: N806
    prefix = protocol.PREFIX

    @app.get(f"{prefix}/info")
    def info() -> dict[str, Any]:
        return {
            "service": "sitiv-sync",
            "version": __version__,
            "api": protocol.API_VERSION,
            "oldest_client_api": protocol.OLDEST_CLIENT_API,
        }

    @app.post(f"{prefix}/login")
    def login(request: LoginRequest) -> dict[str, Any]:
        with backend.transaction(None, all_rows=True, write=True) as connection:
            try:
                token = accounts.log_in(connection, request.user, request.password)
            except accounts.TooManyAttempts as waiting:
                raise HTTPException(
                    429, waiting.message, headers={"Retry-After": str(waiting.seconds)}
                ) from waiting
        if token is None:
            raise HTTPException(401, _("The user name or the password is wrong."))
        return {"token": token}

    @app.post(f"{prefix}/logout")
    def logout(authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        _scheme, _space, token = (authorization or "").partition(" ")
        with backend.transaction(None, all_rows=True, write=True) as connection:
            accounts.log_out(connection, token)
        return {}

    @app.get(f"{prefix}/me")
    def me(token: Token) -> JSONResponse:
        with backend.transaction(None, all_rows=True) as connection:
            user = checked(connection, token)
        return JSONResponse(
            {
                "user": user.name,
                "grants": [
                    {"commune_id": commune.hex, "role": role}
                    for commune, role in user.roles.items()
                ],
            }
        )

    @app.post(f"{prefix}/push")
    def push(request: PushRequest, user: User) -> JSONResponse:
        changes = [
            Change(c.change_id, c.table, c.row_id, Op(c.op), c.fields, c.base)
            for c in request.changes
        ]
        outcomes = merge.push(backend, user, changes, fault)
        return JSONResponse({"outcomes": [outcome.to_json() for outcome in outcomes]})

    @app.get(f"{prefix}/changes")
    def changes(
        token: Token,
        after: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=protocol.MAX_PAGE_ROWS)] = protocol.DEFAULT_PAGE_ROWS,
    ) -> JSONResponse:
        with served(token) as (connection, user):
            found, reached = feed.pull_in(connection, user, after, limit)
        return JSONResponse({"changes": [change.to_json() for change in found], "reached": reached})

    @app.get(f"{prefix}/changes/wait")
    async def wait(
        user: User,
        after: Annotated[int, Query(ge=0)] = 0,
        timeout: Annotated[float, Query(ge=0, le=protocol.MAX_WAIT_SECONDS)] = 25.0,
    ) -> dict[str, Any]:
        """Answers as soon as a change concerns the user (long poll), or after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            news = waiters.news()
            if await run_in_threadpool(feed.has_changes, backend, user, after):
                return {"available": True}
            remaining = deadline - loop.time()
            if remaining <= 0:
                return {"available": False}
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(news.wait(), remaining)

    @app.get(f"{prefix}/snapshot")
    def snapshot(token: Token) -> JSONResponse:
        with served(token) as (connection, _user):
            cursor = feed.committed(connection)
        return JSONResponse(
            {"cursor": cursor, "tables": list(SYNCED_TABLES), "page_rows": protocol.MAX_PAGE_ROWS}
        )

    @app.get(f"{prefix}/snapshot/{{table}}")
    def snapshot_page(
        table: str,
        token: Token,
        after: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")] = None,
        limit: Annotated[int, Query(ge=1, le=protocol.MAX_PAGE_ROWS)] = protocol.DEFAULT_PAGE_ROWS,
    ) -> Response:
        with served(token) as (connection, user):
            if table not in SYNCED_TABLES:
                raise HTTPException(404, _("Unknown kind of record."))
            page = feed.snapshot_page_in(connection, user, table, after, limit)
        complete = page.count < limit
        # The rows are sent as the database wrote them; the headers let a laptop hand the body
        # to its own database without reading it row by row.
        body = (
            f'{{"columns": {json.dumps(page.columns)}, "complete": {json.dumps(complete)}, '
            f'"rows": {page.rows_json}}}'
        )
        headers = {
            protocol.PAGE_COLUMNS_HEADER: ",".join(page.columns),
            protocol.PAGE_ROWS_HEADER: str(page.count),
            protocol.PAGE_COMPLETE_HEADER: "1" if complete else "0",
        }
        if page.last_id is not None:
            headers[protocol.PAGE_LAST_HEADER] = page.last_id
        return Response(body.encode(), media_type="application/json", headers=headers)

    admin_api.register(app, backend, rights)
    return app


DATABASE_VARIABLE = "SITIV_SERVICE_DATABASE"


def app_from_environment() -> FastAPI:
    """The application of one worker process when the service runs several (uvicorn's factory):
    each reads the database's address from the environment, since processes share nothing."""
    import os

    return create_app(os.environ[DATABASE_VARIABLE])
