"""The strategy page: the report's sections, and analysts' edits of its assumptions."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import login


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


@pytest.mark.parametrize("unknown", ["no-such-opportunity", "a\x00b", "\u202e" + "x" * 3000])
def test_an_unknown_opportunity_is_refused_not_stored(client, app, unknown):
    login(client, "analyst")
    client.get("/strategy")
    token = client.cookies["cx_csrf"]
    ws = app.state.cx.workspace()
    edits = ws.count("strategy_edits")
    r = client.post(
        "/strategy/opportunity",
        data={"csrf": token, "opportunity_id": unknown, "effort": 2},
        follow_redirects=False,
    )
    assert r.status_code == 400 and "choose one of the report&#39;s opportunities" in r.text
    assert ws.count("strategy_edits") == edits
