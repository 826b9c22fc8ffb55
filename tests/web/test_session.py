"""Sign in and out: safe cookies, wrong passwords, redirects only within the site."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, csrf_of


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
