"""The FastAPI application: pages, the JSON API, static files, errors and security headers.

Two pure ASGI middlewares wrap it: `SecurityHeaders` (outermost, so every answer has
them) and `RequestGuard`, which refuses what no route should see: oversized headers
(431), bodies (413, counted as they arrive) and text values (413), and state-changing
page requests sent from another site (403).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import cxkit
from cxkit.present import PLOTLY_JS, STATIC
from cxkit.web import _routes
from cxkit.web._deps import NAV, LoginRequired, csrf_key, render, same_site, templates
from cxkit.web._state import State

__all__ = ["create_app"]

#: Sent with every response. Scripts only from this site (no inline scripts: charts are
#: drawn by charts.js (from cxkit.present) from JSON in data attributes); Plotly sets inline styles.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        b"form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: with no-referrer browsers send ``Origin: null`` on this
    # site's own forms, and `same_site` could not tell them from a sandboxed attacker.
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI middleware adding `SECURITY_HEADERS` (and no-store on dynamic pages)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(("/static/", "/static-lib/"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


#: Methods that change nothing: no same-site check for them.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class RequestGuard:
    """Pure ASGI middleware enforcing ``[web]`` size limits and the same-site rule.

    The whole body is read here (refused as soon as it passes ``max_body_bytes``,
    whatever Content-Length said), checked for text values over ``max_field_chars``
    (form fields and every string of a JSON body), then handed to the app unchanged.
    """

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = self.state.settings
        headers = Headers(scope=scope)
        size = sum(len(k) + len(v) for k, v in scope["headers"])
        if size > settings.max_header_bytes:
            message = (
                f"the request's headers come to {size:,} bytes; at most "
                f"{settings.max_header_bytes:,} are accepted (max_header_bytes in [web])"
            )
            await _refuse(scope, send, 431, "Headers too large", message)
            return
        path: str = scope["path"]
        if (
            scope["method"] not in SAFE_METHODS
            and not path.startswith("/api/")
            and not same_site(headers, scope["scheme"], settings)
        ):
            message = "this form was sent from another site; open the page here and send it again"
            await _refuse(scope, send, 403, "Not allowed", message)
            return
        try:
            body = await _read_body(receive, headers, settings.max_body_bytes)
        except _Disconnected:
            return  # nobody is left to answer
        if body is None:
            message = (
                f"the request body is larger than {settings.max_body_bytes:,} bytes "
                "(max_body_bytes in [web]); send fewer records per request"
            )
            await _refuse(scope, send, 413, "Too large", message)
            return
        long = await _long_text(scope, headers, body, settings.max_field_chars)
        if long is not None:
            where, chars = long
            message = (
                f"{where} has {chars:,} characters; at most {settings.max_field_chars:,} "
                "are accepted in one text value (max_field_chars in [web])"
            )
            await _refuse(scope, send, 413, "Too large", message)
            return
        await self.app(scope, _replay(body, receive), send)


class _Disconnected(Exception):
    """The client went away while sending its body."""


async def _read_body(receive: Receive, headers: Headers, limit: int) -> bytes | None:
    """Return the whole request body, or None as soon as it is known to exceed ``limit``."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Return a ``receive`` that yields ``body`` once, then whatever the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _long_text(
    scope: Scope, headers: Headers, body: bytes, limit: int
) -> tuple[str, int] | None:
    """Return where a text value longer than ``limit`` characters is in ``body``, and its length.

    Forms are parsed as the app parses them (Starlette); JSON bodies as FastAPI does (also
    when no content type is sent). A body that does not parse is left to the app to refuse.
    """
    if len(body) <= limit:  # a value never has more characters than its encoding has bytes
        return None
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in _FORMS:
        try:
            form = await Request(scope, _replay(body, _no_more)).form()
        except Exception:  # malformed: the route's own parsing answers 400
            return None
        try:
            for name, value in form.multi_items():
                if isinstance(value, str) and len(value) > limit:
                    return f"the field {name!r}", len(value)
        finally:
            await form.close()
        return None
    if kind and not kind.endswith("json"):
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return _long_json(data, limit)


async def _no_more() -> Message:
    return {"type": "http.disconnect"}


def _long_json(data: Any, limit: int) -> tuple[str, int] | None:
    """Return the path (``records[3].text``) and length of the first string over ``limit``."""
    # Paths are kept as linked (parent, step) pairs and spelt out only for the culprit:
    # a 10,000-record batch has hundreds of thousands of values.
    stack: list[tuple[Any, Any]] = [(data, None)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if len(item) > limit:
                return _spell(where), len(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if len(key) > limit:
                    return f"a key in {_spell(where)}", len(key)
                stack.append((value, (where, f".{key}")))
        elif isinstance(item, list):
            stack.extend((value, (where, f"[{i}]")) for i, value in enumerate(item))
    return None


def _spell(where: Any) -> str:
    steps: list[str] = []
    while where is not None:
        where, step = where
        steps.append(step)
    return "".join(reversed(steps)).lstrip(".") or "the body"


async def _refuse(scope: Scope, send: Send, status: int, title: str, message: str) -> None:
    """Answer ``status`` before the app sees the request: JSON for the API, else a page."""
    # The body may not have been read: the connection cannot carry another request.
    headers = {"connection": "close"} if status == 413 else None
    response: Response
    if scope["path"].startswith("/api/"):
        response = JSONResponse({"detail": message}, status_code=status, headers=headers)
    else:
        page = templates.get_template("message.html").render(
            title=title, message=message, user=None, nav=NAV, path=scope["path"]
        )
        response = HTMLResponse(page, status_code=status, headers=headers)
    await response(scope, _no_more, send)


def create_app(
    workspace: str | Path, *, rate_limit: int = 60, base_url: str | None = None
) -> FastAPI:
    """Build the web app over the workspace folder ``workspace``.

    Parameters
    ----------
    rate_limit
        Requests per minute per client address on the public survey pages and sign-in
        (bursts of a fifth of it); 0 turns limiting off.
    base_url
        The public address survey links start with; default: ``[web] base_url`` of
        ``cx.toml`` (never the request's Host header, which a client chooses).
    """
    state = State(workspace, rate_limit=rate_limit, base_url=base_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="cxkit",
        version=cxkit.__version__,
        description="Push CX records into a cxkit workspace and read its metrics.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI would load its assets from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.cx = state
    app.state.csrf_key = csrf_key(state.path)
    app.add_middleware(RequestGuard, state=state)
    app.add_middleware(SecurityHeaders)  # added last: the outermost, around refusals too
    # The shared stylesheet and chart script, then this package's own files (the icon).
    static = StaticFiles(directory=STATIC, packages=[("cxkit.web", "static")])
    app.mount("/static", static, name="static")

    @app.get("/static-lib/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        """Serve Plotly's JavaScript from the installed plotly package (no CDN)."""
        return FileResponse(PLOTLY_JS, media_type="text/javascript", headers=_CACHE)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    app.include_router(_routes.API)
    for router in _routes.PAGES:
        app.include_router(router, include_in_schema=False)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    return app


_CACHE = {"cache-control": "public, max-age=86400"}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _login_required(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _is_api(request) or request.url.path == "/healthz":
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )
    title = {403: "Not allowed", 404: "Not found", 429: "Slow down"}.get(exc.status_code, "Error")
    return render(
        request, "message.html", status=exc.status_code, title=title, message=str(exc.detail)
    )


def _invalid(request: Request, exc: RequestValidationError) -> Response:
    if _is_api(request):
        return _routes.validation_error(request, exc)
    fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
    return render(
        request, "message.html", status=400, title="Check the form", message=f"Invalid: {fields}"
    )
