"""Sign in and out: safe cookies, wrong passwords, redirects only within the site."""

from __future__ import annotations

from cxkit.web import add_user
from tests.web.conftest import PASSWORD, csrf_of, login


def test_login_sets_safe_cookies_and_wrong_passwords_fail(client):
    token = csrf_of(client)
    bad = client.post("/login", data={"username": "admin", "password": "nope", "csrf": token})
    assert bad.status_code == 401 and "Wrong username or password" in bad.text
    r = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf": token, "next": "//evil.example"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "cx_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf": client.cookies["cx_csrf"]})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_password_reset_ends_the_users_sessions(client, app):
    state = app.state.cx
    with state.writing() as ws:
        add_user(ws, "frank", PASSWORD, "viewer")
    login(client, "frank")
    assert client.get("/", follow_redirects=False).status_code == 200
    with state.writing() as ws:
        add_user(ws, "frank", "a brand new password", "viewer")
    assert client.get("/", follow_redirects=False).status_code == 303
    login(client, "frank", "a brand new password")
    assert client.get("/", follow_redirects=False).status_code == 200


def test_signing_in_hands_out_the_sessions_csrf_token(client):
    before = csrf_of(client)
    login(client, "viewer")
    after = client.cookies["cx_csrf"]
    assert after != before and csrf_of(client, "/") == after
    # A stolen pre-session token is no good once signed in.
    r = client.post("/logout", data={"csrf": before}, follow_redirects=False)
    assert r.status_code == 403
