"""Dashboard pages: each renders the demo's facts, and says plainly what is not computed yet."""

from __future__ import annotations

import math
import shutil

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from cxkit.metrics import HEADLINES, PERIODS, REGISTRY, compute
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


@pytest.mark.parametrize("period", PERIODS)
def test_every_metric_by_every_period(client, site, period):
    login(client, "viewer")
    key = {"X-API-Key": site[1]["read"]}
    for name in REGISTRY:
        r = client.get(f"/metrics?metric={name}&period={period}")
        assert r.status_code == 200 and "data-figure" in r.text, (name, r.text[-300:])
        for extra in ("", "&compare=true"):
            r = client.get(f"/api/v1/metrics/{name}?period={period}{extra}", headers=key)
            # Churn by year may have no row: the demo's data holds no whole year yet.
            assert r.status_code == 200 and isinstance(r.json()["rows"], list), (name, extra)


def test_non_finite_amounts_do_not_break_any_page(built, tmp_path):
    shutil.copytree(built[0], tmp_path / "ws")
    app = create_app(tmp_path / "ws", rate_limit=0)
    ws = app.state.cx.workspace()
    o = ws.table("orders").order_by("order_id").limit(3).to_pyarrow()
    bad = pa.array([math.nan, math.inf, -math.inf], pa.float64(), from_pandas=False)
    ws.upsert("orders", o.set_column(o.schema.get_field_index("amount"), "amount", bad))
    assert ws.count(ws.table("orders").filter(lambda t: t.amount.isnan())) == 1
    clv = compute(ws, "clv").to_pandas().iloc[0]
    assert math.isfinite(clv.value) and math.isfinite(clv.se)
    key = {"X-API-Key": built[1]["read"]}
    with TestClient(app) as client:
        login(client, "viewer")
        for path in ("/", "/metrics?metric=clv&by=segment&period=month", "/strategy"):
            r = client.get(path)
            assert r.status_code == 200 and "Internal" not in r.text, path
        assert f"{REGISTRY['clv'].description} {clv.value:.1f}" in text_of(client.get("/").text)
        r = client.get("/api/v1/metrics/clv?by=segment&compare=true", headers=key)
        assert r.status_code == 200
        assert all(math.isfinite(row["value"]) for row in r.json()["rows"])
    app.state.cx.close()
