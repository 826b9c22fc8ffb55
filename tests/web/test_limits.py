"""Size limits of ``[web]``: headers (431), bodies and single text values (413), in the app
and in `cx serve`'s uvicorn settings."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest

from cxkit.web import create_app
from tests.web.conftest import csrf_of, login, serving


@pytest.fixture
def limits(app, monkeypatch):
    """Small limits on the module's app (put back after the test)."""
    settings = app.state.cx.settings
    monkeypatch.setattr(settings, "max_body_bytes", 4_000)
    monkeypatch.setattr(settings, "max_field_chars", 300)
    monkeypatch.setattr(settings, "max_header_bytes", 2_000)
    return settings


def _login_form(client, **fields):
    return {"username": "admin", "password": "x", "csrf": csrf_of(client), **fields}


def test_headers_over_the_limit_get_431(client, limits):
    r = client.get("/login", headers={"x-padding": "a" * 2_000})
    assert r.status_code == 431
    assert "at most 2,000 are accepted (max_header_bytes in [web])" in r.text
    assert r.headers["x-frame-options"] == "DENY"  # refusals get the security headers
    assert client.get("/login", headers={"x-padding": "a" * 1_000}).status_code == 200


def test_bodies_over_the_limit_get_413_however_they_are_sent(client, limits):
    form = _login_form(client, next="/" + "a" * 5_000)
    r = client.post("/login", data=form)
    assert r.status_code == 413 and "larger than 4,000 bytes" in r.text
    # Chunked (no Content-Length): counted as it arrives.
    body = ("next=/" + "a" * 200).encode()

    def chunks():
        for _ in range(40):
            yield body

    r = client.post(
        "/login",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413 and "content-length" not in r.request.headers
    # API clients get JSON.
    r = client.post("/api/v1/events", content=b"[" + b"1," * 3_000 + b"1]")
    assert r.status_code == 413 and "max_body_bytes" in r.json()["detail"]


def test_a_form_field_over_the_limit_gets_413(client, limits):
    r = client.post("/login", data=_login_form(client, username="u" * 301))
    assert r.status_code == 413
    assert "the field &#39;username&#39; has 301 characters; at most 300" in r.text
    # Counted in characters, after decoding: 300 'é' are 1,800 bytes encoded.
    r = client.post("/login", data=_login_form(client, username="é" * 300))
    assert r.status_code == 401
    # Multipart forms are held to it too.
    fields = _login_form(client, username="u" * 301)
    r = client.post("/login", data=fields, files={"f": ("f.txt", b"x")})
    assert r.status_code == 413 and "username" in r.text


def test_a_json_text_value_over_the_limit_gets_413(client, site, limits):
    _, keys = site
    record = {"feedback_id": "f-long", "customer_id": "C1", "ts": "2025-06-01T00:00:00"}
    batch = {"records": [{**record, "text": "fine"}, {**record, "text": "w" * 301}]}
    headers = {"X-API-Key": keys["ingest"]}
    r = client.post("/api/v1/feedback/batch", json=batch, headers=headers)
    assert r.status_code == 413
    assert r.json()["detail"].startswith("records[1].text has 301 characters; at most 300")
    escaped = json.dumps({**record, "text": "é" * 300}, ensure_ascii=True).encode()
    assert len(escaped) > 1_800
    r = client.post(
        "/api/v1/feedback",
        content=escaped,
        headers={**headers, "content-type": "application/json"},
    )
    assert r.status_code in (201, 422), r.text  # 300 characters, though 1,800 bytes of JSON


def _raw_get(base: str, header_bytes: int) -> bytes:
    """Send a GET with ``header_bytes`` of padding over a plain socket; return the status line."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=30) as s:
        padding = b"a" * header_bytes
        s.sendall(b"GET /login HTTP/1.1\r\nhost: x\r\nx-padding: " + padding + b"\r\n\r\n")
        return s.recv(200).split(b"\r\n")[0]


def test_the_server_bounds_header_buffering(site):
    """`cx serve` runs h11 with a buffer sized by ``max_header_bytes`` (httptools has none)."""
    application = create_app(site[0], rate_limit=0)
    application.state.cx.settings.max_header_bytes = 4_000
    with serving(application) as base:
        assert _raw_get(base, 1_000) == b"HTTP/1.1 200 OK"
        assert _raw_get(base, 6_000) == b"HTTP/1.1 431 Request Header Fields Too Large"
        # Far past the limit h11 stops reading before the app could see it.
        assert _raw_get(base, 200_000) == b"HTTP/1.1 400 Bad Request"


def test_limits_do_not_get_in_the_way(client):
    login(client, "analyst")
    assert client.get("/customers?q=C00000").status_code == 200
