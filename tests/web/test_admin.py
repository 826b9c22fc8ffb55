"""Admin: users and API keys added through the forms, listed without their hashes."""

from __future__ import annotations

import re

from cxkit.web import api_key_scope, authenticate
from tests.web.conftest import login


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
