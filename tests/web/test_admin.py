"""Admin: users and API keys added through the forms, listed without their hashes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cxkit.web import add_api_key, add_user, api_key_scope, authenticate
from tests.web.conftest import PASSWORD, login


def test_admin_adds_users_and_keys(client, app):
    login(client, "admin")
    token = client.cookies["cx_csrf"]
    r = client.post(
        "/admin/users",
        data={"csrf": token, "username": "dana", "password": "long enough pass", "role": "analyst"},
    )
    assert r.status_code == 200 and "User dana saved as analyst." in r.text
    bad = client.post("/admin/users", data={"csrf": token, "username": "x", "password": "short"})
    assert bad.status_code == 400 and "at least 8 characters" in bad.text
    r = client.post("/admin/keys", data={"csrf": token, "scope": "read", "label": "bi tool"})
    key = re.search(r'<code id="new-key">([^<]+)</code>', r.text).group(1)
    assert "bi tool" in r.text and "$argon2id$" not in r.text
    ws = app.state.cx.workspace()
    assert api_key_scope(ws, key) == "read"
    assert authenticate(ws, "dana", "long enough pass").role == "analyst"
    page = client.get("/admin").text
    assert "dana" in page and key not in page  # a key is shown once


def test_admin_removes_users_and_revokes_keys(client, app):
    state = app.state.cx
    with state.writing() as ws:
        add_user(ws, "erin", "erin's password", "analyst")
        key = add_api_key(ws, "read", "to revoke")
    key_id = key.split("_")[1]
    erin = TestClient(app)
    login(erin, "erin", "erin's password")
    assert erin.get("/", follow_redirects=False).status_code == 200
    assert client.get("/api/v1/metrics", headers={"X-API-Key": key}).status_code == 200

    login(client, "admin")
    token = client.cookies["cx_csrf"]
    page = client.get("/admin").text
    assert 'action="/admin/users/erin/remove"' in page
    assert f'action="/admin/keys/{key_id}/revoke"' in page
    assert 'action="/admin/users/admin/remove"' not in page  # not yourself

    r = client.post("/admin/users/erin/remove", data={"csrf": token})
    assert r.status_code == 200 and "User erin removed." in r.text
    assert erin.get("/", follow_redirects=False).status_code == 303  # signed out at once
    assert authenticate(state.workspace(), "erin", "erin's password") is None

    r = client.post(f"/admin/keys/{key_id}/revoke", data={"csrf": token})
    assert r.status_code == 200 and f"API key {key_id} revoked." in r.text
    assert client.get("/api/v1/metrics", headers={"X-API-Key": key}).status_code == 401
    assert key_id not in client.get("/admin").text


def test_admin_forms_refuse_what_does_not_exist(client, app):
    login(client, "admin")
    token = client.cookies["cx_csrf"]
    r = client.post("/admin/users/nobody/remove", data={"csrf": token})
    assert r.status_code == 404 and "no user &#39;nobody&#39;" in r.text
    r = client.post("/admin/keys/000000000000/revoke", data={"csrf": token})
    assert r.status_code == 404 and "no API key" in r.text
    r = client.post("/admin/users/admin/remove", data={"csrf": token})
    assert r.status_code == 400 and "cannot remove yourself" in r.text
    form = {"csrf": token, "username": "gil", "password": "long enough pass"}
    r = client.post("/admin/users", data={**form, "role": "owner"})
    assert r.status_code == 400 and "role &#39;owner&#39;" in r.text
    r = client.post("/admin/keys", data={"csrf": token, "scope": "everything"})
    assert r.status_code == 400 and "scope &#39;everything&#39;" in r.text
    assert authenticate(app.state.cx.workspace(), "admin", PASSWORD) is not None
