"""Dashboard pages: each renders the demo's facts, and says plainly what is not computed yet."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cxkit.metrics import HEADLINES, REGISTRY, compute
from cxkit.store import Workspace
from cxkit.web import add_user, create_app
from tests.web.conftest import PASSWORD, login

PAGES = {
    "/": ["Net Promoter Score", "Customer satisfaction", "data-figure"],
    "/metrics?metric=frt&by=agent&period=": ["First response time", "A07"],
    "/metrics?metric=csat&by=touchpoint&period=month": ["delivery_tracking", "data-figure"],
    "/journeys": ["Pain points", "delivery_tracking", "Journey map", "Funnel"],
    "/voice": ["Themes", "Most negative verbatims", "Reputation alerts"],
    "/customers?q=C00000": ["customer id", "/customers/C00000"],
    "/segments": ["Personas", "RFM segments", "champions"],
    "/team": ["A07", "support csat"],
    "/surveys": ["Relationship NPS", "Support satisfaction"],
    "/surveys/nps-relationship": ["anonymous link", "Latest answers"],
}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("path", PAGES)
def test_page_shows_the_demo(client, path):
    login(client, "analyst")
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    for needle in PAGES[path]:
        assert needle in r.text, (path, needle)
    assert "Not computed yet" not in r.text


def test_overview_numbers_are_the_registry_numbers(client, app):
    login(client, "viewer")
    text = _text(client.get("/").text)
    ws = app.state.cx.workspace()
    for name in HEADLINES:
        value = compute(ws, name).to_pandas().value.iloc[0]
        assert f"{REGISTRY[name].description} {value:.1f}" in text, name


def test_customer_view_has_every_channel(client, app):
    login(client, "analyst")
    ws = app.state.cx.workspace()
    k = ws.table("tickets")
    s = ws.table("customer_scores")
    # A customer with tickets, orders and a score: their page tells all of it.
    cid = (
        k.filter(k.customer_id.notnull())
        .join(s.filter(s.churn_risk.notnull()), "customer_id")
        .customer_id.to_pandas()
        .iloc[0]
    )
    text = _text(client.get(f"/customers/{cid}").text)
    for needle in ("visit", "order", "ticket", "churn risk", "predicted CLV", "RFM segment"):
        assert needle in text, needle
    events = ws.backend.execute_count(ws.table("events").filter(lambda t: t.customer_id == cid))
    assert text.count(" visit ") == min(events, 300)


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


def test_surveys_are_defined_invited_answered_and_counted_in_the_app(client, app):
    login(client, "analyst")
    token = client.cookies["cx_csrf"]
    r = client.post(
        "/surveys",
        data={
            "name": "Store visit",
            "kind": "csat",
            "follow_up": "What stood out?",
            "touchpoint": "store_checkout",
            "channel": "store",
            "csrf": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = r.headers["location"]
    r = client.post(f"{page}/invite", data={"customers": "C0000005\nC0000007", "csrf": token})
    links = re.findall(r'class="invitation" href="([^"]+)"', r.text)
    assert len(links) == 2
    form = client.get(links[0]).text
    assert 'type="radio"' in form and "What stood out?" in form and "<label for=" in form
    assert client.post(links[0], data={"score": "5", "comment": "quick"}).status_code == 200
    assert client.post(links[1], data={"score": "2"}).status_code == 200
    again = client.post(links[0], data={"score": "1"})
    assert again.status_code == 410 and "already been answered" in again.text
    bad = client.get(links[1])
    assert bad.status_code == 410
    detail = _text(client.get(page).text)
    assert "responses 2" in detail and "score 50.0" in detail
    ws = app.state.cx.workspace()
    survey_id = page.rsplit("/", 1)[1]
    row = compute(ws, "csat", filters={"survey_id": survey_id}, min_n=1).to_pandas().iloc[0]
    assert (row.n, row.value) == (2, 50.0)
    r = ws.table("responses")
    got = r.filter(r.survey_id == survey_id).to_pandas()
    assert set(got.touchpoint) == {"store_checkout"} and set(got.channel) == {"store"}


def test_strategy_page_shows_the_report_and_takes_edits(client, app):
    login(client, "analyst")
    page = client.get("/strategy")
    assert page.status_code == 200
    for part in ("Headline metrics", "Opportunities and their ROI", "CX maturity", "Roadmap"):
        assert part in page.text
    token = client.cookies["cx_csrf"]
    first = re.search(r'name="opportunity_id" value="([^"]+)"', page.text).group(1)
    r = client.post(
        "/strategy/opportunity",
        data={"csrf": token, "opportunity_id": first, "effort": 1, "owner": "cx office",
              "churn_reduction": 40},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    r = client.post(
        "/strategy/answer",
        data={"csrf": token, "question_id": "S1", "score": 2, "note": "<i>draft</i>"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    text = client.get("/strategy").text
    assert "by 40%" in text and "cx office" in text and "&lt;i&gt;draft&lt;/i&gt;" in text
    login(client, "viewer")
    token = client.cookies["cx_csrf"]
    denied = client.post("/strategy/answer", data={"csrf": token, "question_id": "S1", "score": 5})
    assert denied.status_code == 403
