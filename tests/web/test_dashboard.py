"""Dashboard pages: each renders the demo's facts, and says plainly what is not computed yet."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cxkit.metrics import HEADLINES, REGISTRY, compute
from cxkit.store import Workspace
from cxkit.web import add_user, create_app
from tests.web.conftest import PASSWORD, assert_shows, login, text_of

PAGES = {
    "/": ["Net Promoter Score", "Customer satisfaction", "data-figure"],
    "/metrics?metric=frt&by=agent&period=": ["First response time", "A07"],
    "/metrics?metric=csat&by=touchpoint&period=month": ["delivery_tracking", "data-figure"],
    "/journeys": ["Pain points", "delivery_tracking", "Journey map", "Funnel"],
    "/voice": ["Themes", "Most negative verbatims", "Reputation alerts"],
    "/segments": ["Personas", "RFM segments", "champions"],
    "/team": ["A07", "support csat"],
}


@pytest.mark.parametrize("path", PAGES)
def test_page_shows_the_demo(client, path):
    login(client, "analyst")
    assert_shows(client, path, PAGES[path])


def test_overview_numbers_are_the_registry_numbers(client, app):
    login(client, "viewer")
    text = text_of(client.get("/").text)
    ws = app.state.cx.workspace()
    for name in HEADLINES:
        value = compute(ws, name).to_pandas().value.iloc[0]
        assert f"{REGISTRY[name].description} {value:.1f}" in text, name


def test_an_empty_workspace_says_what_is_missing(tmp_path):
    with Workspace(tmp_path / "empty", create=True) as ws:
        add_user(ws, "viewer", PASSWORD, "viewer")
    app = create_app(tmp_path / "empty")
    with TestClient(app) as client:
        login(client, "viewer")
        for path, needle in [
            ("/", "no responses yet"),
            ("/journeys", "ingest them to discover journeys"),
            ("/voice", "run `cx voice run`"),
            ("/segments", "run `cx predict run`"),
            ("/team", "no tickets yet"),
            ("/metrics?metric=nps", "no responses yet"),
            ("/surveys", "No surveys yet"),
        ]:
            r = client.get(path)
            assert r.status_code == 200 and needle in r.text, path
    app.state.cx.close()
