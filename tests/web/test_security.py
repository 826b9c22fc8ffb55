"""Across routers: every route walked for auth, CSRF, roles, hashing, escaping, headers."""

from __future__ import annotations

import re

from starlette.routing import Mount

from cxkit.surveys import invite
from tests.web.conftest import PASSWORD, login

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
        paths.append(path)
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
