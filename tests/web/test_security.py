"""Across routers: every route walked for auth, CSRF, roles, hashing, escaping, headers."""

from __future__ import annotations

import re

import httpx2 as httpx
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from starlette.routing import Mount

from cxkit.store import WebSettings
from cxkit.surveys import invite
from cxkit.web import create_app
from cxkit.web._deps import client_address
from cxkit.web._state import RateLimiter
from tests.web.conftest import PASSWORD, login, serving

PUBLIC = {"/login", "/s/thanks", "/s/{token}", "/healthz", "/api/v1/openapi.json"}


def _routes(routes, prefix=""):
    """Every route with its full path, through included routers."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes, prefix + route.include_context.prefix)
        elif not isinstance(route, Mount):  # static files
            yield prefix + route.path, route


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_non_public_route_requires_auth(app, client):
    walked = 0
    paths = []
    for path, route in _routes(app.routes):
        paths.append(re.sub(r":\w+}", "}", path))  # a converter (`{id:path}`) is still that route
        if path in PUBLIC or path.startswith("/static-lib/"):
            continue
        for method in getattr(route, "methods", None) or ():
            if method == "HEAD":
                continue
            r = client.request(method, _concrete(path), follow_redirects=False)
            walked += 1
            if path.startswith("/api/"):
                assert r.status_code == 401, (method, path, r.status_code)
            elif method == "GET":
                assert r.status_code == 303, (method, path, r.status_code)
                assert r.headers["location"].startswith("/login?next=")
            else:  # forms: refused without a session (and without a CSRF token)
                assert r.status_code in (303, 403), (method, path, r.status_code)
    assert walked >= 25
    assert {"/api/v1/events", "/customers/{customer_id}", "/admin/keys"} <= set(paths)


def test_forms_need_the_csrf_token(client):
    login(client, "analyst")
    r = client.post("/surveys", data={"name": "x", "kind": "nps", "csrf": "forged"})
    assert r.status_code == 403
    r = client.post("/surveys", data={"name": "x", "kind": "nps"})
    assert r.status_code == 403


def test_roles(client):
    login(client, "viewer")
    token = client.cookies["cx_csrf"]
    assert client.get("/admin").status_code == 403
    r = client.post("/surveys", data={"name": "x", "kind": "nps", "csrf": token})
    assert r.status_code == 403
    # Viewers do not see personal data.
    page = client.get("/customers/C0000005").text
    assert "(hidden)" in page and "@example.com" not in page
    login(client, "analyst")
    assert "@example.com" in client.get("/customers/C0000005").text
    assert client.get("/admin").status_code == 403
    login(client, "admin")
    assert client.get("/admin").status_code == 200


def test_passwords_and_keys_are_stored_hashed(site, app):
    ws = app.state.cx.workspace()
    users = ws.to_pandas("users")
    assert users.password_hash.str.startswith("$argon2id$").all()
    assert not (users.password_hash == PASSWORD).any()
    _, keys = site
    stored = set(ws.to_pandas("api_keys").key_hash)
    assert not stored & set(keys.values())
    assert all(len(h) == 64 for h in stored)


def test_customer_text_is_escaped_everywhere(client, app):
    state = app.state.cx
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with state.writing() as ws:
        (inv,) = invite(ws, state.links, "nps-relationship", ["C0000005"])
    r = client.post(f"/s/{inv.token}", data={"score": "2", "comment": evil})
    assert r.status_code == 200 and "Thank you" in r.text
    login(client, "admin")
    for page in ("/surveys/nps-relationship", "/customers/C0000005"):
        html = client.get(page).text
        assert "&lt;script&gt;alert(" in html, page
        assert "<script>alert" not in html and "<img src=x" not in html, page
    # A survey name typed by an analyst is escaped too.
    token = client.cookies["cx_csrf"]
    client.post("/surveys", data={"name": evil, "kind": "ces", "csrf": token})
    html = client.get("/surveys").text
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_security_headers(client):
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert "<script>" not in r.text  # no inline scripts at all
    js = client.get("/static-lib/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000


def _post_with_cookies(client, path: str, cookies: dict[str, str], data: dict[str, str]):
    """POST with exactly ``cookies`` (the client's own jar emptied first)."""
    client.cookies.clear()
    header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return client.post(path, data=data, headers={"cookie": header}, follow_redirects=False)


def test_a_planted_csrf_cookie_does_not_pass(client, app):
    login(client, "analyst")
    session, token = client.cookies["cx_session"], client.cookies["cx_csrf"]
    form = {"name": "planted", "kind": "nps"}
    # Another site plants cx_csrf (a sibling subdomain can) and posts a field to match.
    r = _post_with_cookies(
        client, "/surveys", {"cx_session": session, "cx_csrf": "x"}, {**form, "csrf": "x"}
    )
    assert r.status_code == 403 and "another site" in r.text
    # A token is good for its own session only.
    other = TestClient(app)
    login(other, "analyst")
    r = _post_with_cookies(
        client,
        "/surveys",
        {"cx_session": session, "cx_csrf": other.cookies["cx_csrf"]},
        {**form, "csrf": other.cookies["cx_csrf"]},
    )
    assert r.status_code == 403
    # Before sign-in the cookie must be a nonce this server signed.
    login_form = {"username": "analyst", "password": PASSWORD, "csrf": "x", "next": "/"}
    assert _post_with_cookies(client, "/login", {"cx_csrf": "x"}, login_form).status_code == 403
    # The session's own token passes (and is what the page's forms carry).
    r = _post_with_cookies(
        client, "/surveys", {"cx_session": session, "cx_csrf": token}, {**form, "csrf": token}
    )
    assert r.status_code in (200, 303), r.text[:300]


def test_forms_sent_from_another_site_are_refused(client, app, monkeypatch):
    login(client, "admin")
    token = client.cookies["cx_csrf"]
    harmless = {"csrf": token, "username": "x", "password": "short"}  # refused as too short

    def post(headers):
        return client.post("/admin/users", data=harmless, headers=headers)

    for headers in (
        {"origin": "https://evil.example"},
        {"origin": "null"},  # a sandboxed frame
        {"origin": "http://testserver.evil.example"},
        {"referer": "https://evil.example/page"},  # no Origin: the Referer decides
    ):
        r = post(headers)
        assert r.status_code == 403 and "sent from another site" in r.text, headers
    # This site: the request's own host, or the configured base URL (behind a proxy).
    monkeypatch.setattr(app.state.cx.settings, "base_url", "https://cx.example.com")
    for headers in (
        {},
        {"origin": "http://testserver"},
        {"origin": "https://cx.example.com"},
        {"referer": "http://testserver/admin"},
    ):
        assert post(headers).status_code == 400, headers  # reached the route
    # Survey answers too; the API (keys, not cookies) is not a browser form.
    r = client.post("/s/any-token", data={"score": "9"}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/v1/events", json={}, headers={"origin": "https://evil.example"})
    assert r.status_code == 401


def _login_codes(base: str, hops: list[str]) -> list[int]:
    with httpx.Client(base_url=base) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        form = {"username": "admin", "password": "wrong password", "csrf": token}
        return [
            c.post("/login", data=form, headers={"x-forwarded-for": h}).status_code for h in hops
        ]


def test_forwarded_for_cannot_dodge_the_sign_in_limit(site):
    """Served as `cx serve` serves: a new X-Forwarded-For per try is still one client."""
    application = create_app(site[0], rate_limit=5)  # bursts of 5
    with serving(application) as base:
        hops = [f"203.0.113.{i}" for i in range(8)]
        codes = _login_codes(base, hops)
        assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}, codes
        # Behind a configured proxy its X-Forwarded-For names the client.
        application.state.cx.settings.trusted_proxies = ["127.0.0.1"]
        application.state.cx.rate_limiter = RateLimiter(5)
        assert set(_login_codes(base, [f"198.51.100.{i}" for i in range(8)])) == {401}


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", None, [], "203.0.113.9"),
        ("203.0.113.9", "1.2.3.4", [], "203.0.113.9"),  # not a proxy: header ignored
        ("10.0.0.2", "1.2.3.4", ["10.0.0.2"], "1.2.3.4"),
        ("10.0.0.2", "1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),  # networks too
        # The client wrote the left part; the proxies appended the right.
        ("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.7", ["10.0.0.0/8"], "1.2.3.4"),
        ("10.0.0.2", "10.0.0.7", ["10.0.0.0/8"], "10.0.0.2"),  # only proxies: the peer
        ("2001:db8::5", "1.2.3.4", ["2001:db8::/32"], "1.2.3.4"),
    ],
)
def test_client_address(peer, forwarded, trusted, expected):
    scope = {
        "type": "http",
        "client": (peer, 5000),
        "headers": [(b"x-forwarded-for", forwarded.encode())] if forwarded else [],
    }
    assert client_address(Request(scope), WebSettings(trusted_proxies=trusted)) == expected
