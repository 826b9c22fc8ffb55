"""The routers' shared FastAPI dependencies: app state, signed-in user and role, CSRF, limits.

Also `render`, which every page goes through. Routes take the `State` (`AppState`), not a
`Workspace`: FastAPI resolves a sync dependency on another worker thread than the route's,
and each thread must use its own connection, so routes call ``state.workspace()`` themselves.

CSRF: a form's token is an HMAC, keyed by the workspace secret, of the session token, so
only this server can make it and only for that session; before sign-in there is no
session, so the token is a signed random nonce that must also match the ``cx_csrf``
cookie. The browser keeps the current token in that cookie (HttpOnly), but a planted
cookie proves nothing: a signed-in form is checked against the session alone.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import jinja2
from fastapi import Depends, Form, HTTPException, Request, Security
from fastapi.responses import HTMLResponse, Response
from fastapi.security import APIKeyHeader
from fastapi.templating import Jinja2Templates

from cxkit.store import WebSettings, workspace_secret
from cxkit.web._auth import User, api_key_scope, session_user
from cxkit.web._state import State

__all__ = [
    "CSRF_COOKIE",
    "NAV",
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
    "client_address",
    "csrf_key",
    "csrf_token",
    "current_user",
    "needs",
    "rate_limit",
    "render",
    "require_scope",
    "same_site",
    "set_csrf_cookie",
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


def csrf_key(workspace: str | Path) -> bytes:
    """Return the CSRF signing key of ``workspace``: derived from, never equal to, its secret."""
    return hmac.new(workspace_secret(workspace), b"cxkit web csrf", hashlib.sha256).digest()


def _sign(key: bytes, what: str) -> str:
    return hmac.new(key, what.encode(), hashlib.sha256).hexdigest()


def _signed_nonce(key: bytes, value: str) -> bool:
    nonce, _, signature = value.partition(".")
    return bool(nonce) and hmac.compare_digest(signature, _sign(key, f"nonce:{nonce}"))


def csrf_token(request: Request, session: str | None = None) -> str:
    """Return the CSRF token this request's forms carry.

    Signed in (or about to be, with ``session``): the HMAC of the session token. Before:
    the ``cx_csrf`` cookie's signed nonce when it is one, else a fresh one.
    """
    key: bytes = request.app.state.csrf_key
    session = session or request.cookies.get(SESSION_COOKIE)
    if session:
        return _sign(key, f"session:{session}")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if _signed_nonce(key, cookie):
        return cookie
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_sign(key, f'nonce:{nonce}')}"


def check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a form whose CSRF field is not this session's token (or the signed nonce cookie).

    The token is computed from the session cookie, so a ``cx_csrf`` cookie planted by
    another site (with a form field to match) does not pass.
    """
    key: bytes = request.app.state.csrf_key
    if request.cookies.get(SESSION_COOKIE):
        ok = hmac.compare_digest(csrf, csrf_token(request))
    else:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        ok = _signed_nonce(key, cookie) and hmac.compare_digest(csrf, cookie)
    if not ok:
        raise HTTPException(403, "the form expired or came from another site; reload and retry")


Csrf = Depends(check_csrf)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def set_csrf_cookie(request: Request, response: Response, token: str) -> None:
    """Keep ``token`` in the browser's ``cx_csrf`` cookie (unless it is there already)."""
    if request.cookies.get(CSRF_COOKIE) != token:
        secure = request.url.scheme == "https"
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure)


def same_site(headers: Mapping[str, str], scheme: str, settings: WebSettings) -> bool:
    """Whether a request's ``Origin`` (else ``Referer``) is this site, or it names none.

    This site is the configured base URL (``[web] base_url``; right behind a proxy that
    rewrites Host and terminates TLS) or the request's own scheme and Host (right when
    served directly). Host cannot be used against the user: a browser sends the real
    Host of the site it posts to, and the attacker's page as Origin. ``Origin: null``
    (sandboxed frames, opaque origins) is refused; this site's pages send their origin
    (Referrer-Policy ``same-origin``). Clients that send neither header (scripts, tests)
    pass; forms still need their CSRF token.
    """
    claimed = headers.get("origin")
    if claimed is None:
        referer = headers.get("referer")
        if referer is None:
            return True
        claimed = _origin(referer)
    ours = {_origin(settings.public_url), f"{scheme}://{headers.get('host', '')}".lower()}
    return claimed.strip().lower() in ours


@functools.lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for entry in entries:
        try:
            nets.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # not an address: matched as text by `_trusted`
    return nets


def _trusted(host: str, settings: WebSettings) -> bool:
    if host in settings.trusted_proxies:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in net for net in _networks(tuple(settings.trusted_proxies)))


def client_address(request: Request, settings: WebSettings) -> str:
    """Return the address a request comes from, for rate limits and logs.

    The connection's peer, unless that peer is one of ``[web] trusted_proxies``: then the
    right-most ``X-Forwarded-For`` entry not itself a trusted proxy (the entries further
    left are whatever the client sent, so they are never believed).
    """
    peer = request.client.host if request.client else "unknown"
    if not _trusted(peer, settings):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop, settings):
            return hop
    return peer


def rate_limit(what: str) -> Any:
    """Return a dependency refusing (429) a client over its rate for ``what``."""

    async def check(request: Request, state: AppState) -> None:
        client = client_address(request, state.settings)
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
    token = csrf_token(request)
    response = templates.TemplateResponse(
        request,
        template,
        {"user": user, "nav": NAV, "csrf": token, "path": request.url.path, **ctx},
        status_code=status,
    )
    set_csrf_cookie(request, response, token)
    return response
