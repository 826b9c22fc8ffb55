"""The routers' shared FastAPI dependencies: app state, signed-in user and role, CSRF, limits.

Also `render`, which every page goes through. Routes take the `State` (`AppState`), not a
`Workspace`: FastAPI resolves a sync dependency on another worker thread than the route's,
and each thread must use its own connection, so routes call ``state.workspace()`` themselves.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Form, HTTPException, Request, Security
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyHeader
from fastapi.templating import Jinja2Templates

from cxkit.web._auth import User, api_key_scope, session_user
from cxkit.web._state import State

__all__ = [
    "CSRF_COOKIE",
    "PUBLIC_PATHS",
    "SESSION_COOKIE",
    "Admin",
    "Analyst",
    "AppState",
    "Csrf",
    "LoginRequired",
    "Viewer",
    "app_state",
    "check_csrf",
    "current_user",
    "needs",
    "rate_limit",
    "render",
    "require_scope",
    "state_of",
    "templates",
]

SESSION_COOKIE = "cx_session"
CSRF_COOKIE = "cx_csrf"
#: Paths anyone may open; everything else needs a session or an API key.
PUBLIC_PATHS = ("/login", "/s/", "/static/", "/healthz", "/api/v1/openapi.json")

templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
    )
)

NAV = (
    ("/", "Overview"),
    ("/metrics", "Metrics"),
    ("/journeys", "Journeys"),
    ("/voice", "Voice"),
    ("/customers", "Customers"),
    ("/segments", "Segments"),
    ("/team", "Team"),
    ("/surveys", "Surveys"),
    ("/strategy", "Strategy"),
)


class LoginRequired(Exception):
    """Raised by page dependencies when no live session comes with the request."""


def state_of(request: Request) -> State:
    """Return what the app shares: workspaces per thread, the write lock, links, caches."""
    state: State = request.app.state.cx
    return state


async def app_state(request: Request) -> State:
    """Return `state_of` the request (async: no worker thread needed to look it up)."""
    return state_of(request)


AppState = Annotated[State, Depends(app_state)]


def current_user(request: Request, state: AppState) -> User:
    """Return the signed-in user, or redirect to the sign-in page."""
    token = request.cookies.get(SESSION_COOKIE)
    user = session_user(state.workspace(), token) if token else None
    if user is None:
        raise LoginRequired()
    return user


def needs(role: str) -> Any:
    """Return a dependency admitting signed-in users with ``role`` or more."""

    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if not user.can(role):
            raise HTTPException(403, f"this needs the {role} role")
        return user

    return Depends(check)


Viewer = Annotated[User, needs("viewer")]
Analyst = Annotated[User, needs("analyst")]
Admin = Annotated[User, needs("admin")]


def check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a form whose CSRF field does not match the browser's CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf):
        raise HTTPException(403, "the form expired or came from another site; reload and retry")


Csrf = Depends(check_csrf)


def rate_limit(what: str) -> Any:
    """Return a dependency refusing (429) a client over its rate for ``what``."""

    async def check(request: Request, state: AppState) -> None:
        client = request.client.host if request.client else "unknown"
        if not state.rate_limiter.allow(f"{what}:{client}"):
            raise HTTPException(429, "too many requests; wait a minute and try again")

    return Depends(check)


_KEY = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key from `cx keys add`."
)


def require_scope(scope: str) -> Callable[..., None]:
    """Return a dependency that admits requests carrying an API key with ``scope``."""

    def check(state: AppState, key: Annotated[str | None, Security(_KEY)] = None) -> None:
        if not key:
            raise HTTPException(401, "an API key is required (header X-API-Key)")
        found = api_key_scope(state.workspace(), key)
        if found is None:
            raise HTTPException(401, "this API key is not valid")
        if found != scope:
            raise HTTPException(403, f"this API key has scope {found!r}, not {scope!r}")

    return check


def render(
    request: Request, template: str, user: User | None = None, status: int = 200, **ctx: Any
) -> HTMLResponse:
    """Render a page; hand out the CSRF cookie its forms need."""
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        template,
        {"user": user, "nav": NAV, "csrf": token, "path": request.url.path, **ctx},
        status_code=status,
    )
    if request.cookies.get(CSRF_COOKIE) != token:
        secure = request.url.scheme == "https"
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure)
    return response
