"""The FastAPI application: pages, the JSON API, static files, errors and security headers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import cxkit
from cxkit.present import PLOTLY_JS, STATIC
from cxkit.web import _routes
from cxkit.web._deps import LoginRequired, render
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
    (b"referrer-policy", b"no-referrer"),
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
    app.add_middleware(SecurityHeaders)
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
