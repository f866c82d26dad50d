"""The desk's application factory: state, security headers, error pages and the routers."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import secrets
import threading
import traceback
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from remiss.domain.calendar import stockholm_today
from remiss.errors import NotFoundError, RemissError, StoreError
from remiss.services.links import checked_base_url
from remiss.settings import Workspace, max_upload_bytes
from remiss.store.database import Database, open_database
from remiss.web import templating
from remiss.web.jobs import Jobs
from remiss.web.runner import PlainRunner, Runner
from remiss.web.security import CSP, Forbidden, LoginRequired, LoginThrottle, Viewer, current_session

STATIC = Path(__file__).with_name("static")
log = logging.getLogger("remiss.web")


@dataclass
class Desk:
    """What every request needs, made once per process."""

    workspace: Workspace
    db: Database
    work: Runner
    secure: bool  # Secure cookies (behind TLS)
    base_url: str
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    jobs: Jobs = field(default_factory=Jobs)
    max_upload_bytes: int = 0
    clock: Callable[[], dt.date] = stockholm_today  # the desk's "today" (tests replay a date)
    # Uploads collected at once (REMISS_DESK_INTAKE, default 2): each collection writes to the
    # store and waits for its lock, so twenty at once would only hold twenty connections waiting.
    intake: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(int(os.environ.get("REMISS_DESK_INTAKE") or 2))
    )

    def today(self) -> dt.date:
        return self.clock()


def create_app(
    workspace: Workspace | None = None,
    *,
    work: Runner | None = None,
    base_url: str | None = None,
    secure: bool | None = None,
    clock: Callable[[], dt.date] | None = None,
) -> FastAPI:
    """The desk for `workspace` (default: REMISS_HOME); `work` runs collects, annexes and chases."""
    workspace = workspace or Workspace.from_env()
    given = base_url or os.environ.get("REMISS_BASE_URL") or ""
    base = checked_base_url(given) if given.strip() else ""
    desk = Desk(
        workspace=workspace,
        db=open_database(workspace.database_url),
        work=work or PlainRunner(workspace),
        secure=base.startswith("https://") if secure is None else secure,
        base_url=base,
        clock=clock or stockholm_today,
        jobs=Jobs(workspace.home / "remiss-web.log", workspace.home / "bilagor"),
        max_upload_bytes=max_upload_bytes(),
    )
    app = FastAPI(
        title="remiss – API",
        description="Samma uppgifter som skrivbordet, som JSON (kräver inloggning).",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.state.desk = desk
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _routes(app)
    _handlers(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(UploadCap, limit=desk.max_upload_bytes)
    return app


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """What is loaded when the server starts (Prefect, the routers, the templates) lives as long
    as the process: frozen, the garbage collector stops walking it on every full collection.
    Measured: the 1,000-organisation board paid 100-130 ms every other request without this."""
    gc.freeze()
    yield


def routers() -> list[Any]:
    """Every router of the desk, in the order they are mounted (tests walk their routes)."""
    from remiss.web.routes import (
        annex,
        answer_links,
        api,
        auth,
        board,
        chase,
        create,
        lifecycle,
        log_page,
        organisation,
        quarantine,
        upload,
    )

    modules = (
        auth,
        create,
        board,
        organisation,
        lifecycle,
        upload,
        quarantine,
        chase,
        annex,
        log_page,
        api,
        answer_links,
    )
    return [module.router for module in modules]


def public_routers() -> list[Any]:
    """Routes without a login: a nämnd's own page, where its link is the capability."""
    from remiss.web.routes import answer

    return [answer.router]


def _routes(app: FastAPI) -> None:
    for router in routers() + public_routers():
        app.include_router(router)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "Logga in först."}, status_code=401)
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/"})
        return RedirectResponse("/", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return _error(request, exc.message, 403)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _error(request, str(exc), 404)

    @app.exception_handler(RemissError)
    async def _remiss(request: Request, exc: RemissError) -> Response:
        return _error(request, str(exc), 503 if isinstance(exc, StoreError) else 400)

    @app.exception_handler(UploadTooLarge)
    async def _too_big(request: Request, _exc: UploadTooLarge) -> Response:
        limit = request.app.state.desk.max_upload_bytes // (1024 * 1024)
        return _error(request, f"Uppladdningen är större än {limit} MB och togs inte emot.", 413)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log_file = request.app.state.desk.workspace.home / "remiss-web.log"
        try:
            with log_file.open("a", encoding="utf-8") as out:
                out.write("".join(traceback.format_exception(exc)))
        except OSError:
            log.exception("unexpected error")
        return _error(request, f"Något gick fel i remiss. Detaljer finns i {log_file.name} på servern.", 500)


def _error(request: Request, message: str, status: int) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    if request.headers.get("hx-request") or request.headers.get("x-remiss-upload"):  # desk.js shows it
        return HTMLResponse(
            templating.render_string("partials/error.html", message=message),
            status_code=status,
            headers={"HX-Retarget": "#meddelanden", "HX-Reswap": "innerHTML"},
        )
    try:
        found = current_session(request)
    except RemissError:  # the store is what failed (a database gone away): the page without a user
        found = None
    who = Viewer(found.identity, found.csrf) if found else None
    return templating.page(request, "error.html", who, status_code=status, message=message, title="Fel")


class SecurityHeaders:
    """CSP without inline scripts, no framing, no sniffing, no referrer outside the desk."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class UploadCap:
    """Refuse a request body over the limit while it streams in (413), never buffering it whole.

    The rest of a refused body is read and dropped (up to twice the limit in all) before the
    connection ends: a reverse proxy that buffered the upload is still sending it, and a
    connection closed under it turns remiss's Swedish 413 into the proxy's English 502.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _drain(receive, 2 * self.limit)
            await _too_large(send, self.limit)
            return
        seen = 0
        started = False
        read_all = False

        async def counted() -> Message:
            nonlocal seen, read_all
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                read_all = not message.get("more_body", False)
                if seen > self.limit:
                    raise UploadTooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking)
        except UploadTooLarge:
            if not read_all:
                await _drain(receive, 2 * self.limit - seen)
            if not started:
                await _too_large(send, self.limit)
            return
        if not read_all and seen > self.limit:  # refused inside the app (its handler answered)
            await _drain(receive, 2 * self.limit - seen)


async def _drain(receive: Receive, budget: int) -> None:
    """Read and drop what is left of a request body, at most `budget` bytes more."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class UploadTooLarge(Exception):
    """The request body passed the desk's upload limit while streaming."""


async def _too_large(send: Send, limit: int) -> None:
    body = f"Uppladdningen är större än {limit // (1024 * 1024)} MB och togs inte emot.".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
