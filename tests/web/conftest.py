"""A small demo company served by the web app, with one user per role and one key per scope."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from cxkit.demo import build_demo
from cxkit.predict import refresh as predict_refresh
from cxkit.store import Workspace
from cxkit.voice import refresh as voice_refresh
from cxkit.web import add_api_key, add_user, create_app
from cxkit.web._serve import server_config

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Build the demo once: 1,500 customers, voice and predictions computed, users and keys."""
    report = build_demo(tmp_path_factory.mktemp("web") / "ws", customers=1_500, seed=3)
    with Workspace(report.path) as ws:
        voice_refresh(ws)
        predict_refresh(ws)
        for role in ("admin", "analyst", "viewer"):
            add_user(ws, role, PASSWORD, role)
        keys = {scope: add_api_key(ws, scope, f"tests {scope}") for scope in ("ingest", "read")}
    return report.path, keys


@pytest.fixture(scope="module")
def site(built, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A private copy of the built workspace for one test module."""
    path, keys = built
    copy = tmp_path_factory.mktemp("site") / "ws"
    shutil.copytree(path, copy)
    return copy, keys


@pytest.fixture(scope="module")
def app(site):
    application = create_app(site[0], rate_limit=0)
    yield application
    application.state.cx.close()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """Open a page and return the CSRF token of its forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a browser does."""
    token = csrf_of(client)
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def text_of(html: str) -> str:
    """The visible text of a page, with whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_shows(client: TestClient, path: str, needles: list[str]) -> None:
    """Open ``path``: it renders, shows every needle, and has nothing left to compute."""
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    for needle in needles:
        assert needle in r.text, (path, needle)
    assert "Not computed yet" not in r.text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(application, port: int | None = None) -> Iterator[str]:
    """Serve ``application`` with `cx serve`'s uvicorn settings on a loopback port."""
    port = port or free_port()
    config = server_config(application, application.state.cx.settings, port=port)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        application.state.cx.close()


@pytest.fixture(scope="module")
def live(site) -> Iterator[str]:
    """The app served by uvicorn on a loopback port, in a background thread."""
    port = free_port()  # links are built from the base URL, so it names this port
    application = create_app(site[0], rate_limit=0, base_url=f"http://127.0.0.1:{port}")
    with serving(application, port) as base:
        yield base
