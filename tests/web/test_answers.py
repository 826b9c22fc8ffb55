"""The public survey form: rate limited, and bad links refused plainly."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from cxkit.surveys import invite
from cxkit.web import create_app
from tests.web.conftest import text_of


def test_public_survey_pages_are_rate_limited(site):
    app = create_app(site[0], rate_limit=30)  # 30 a minute, bursts of 6
    with TestClient(app) as c:
        codes = [c.get("/s/not-a-token").status_code for _ in range(10)]
    app.state.cx.close()
    assert codes[:6] == [410] * 6
    assert codes[6:] == [429] * 4


@pytest.mark.parametrize("path", ["/s/garbage", "/s/eyJzIjoibnBzIn0.forged"])
def test_bad_survey_links_are_refused_plainly(client, path):
    r = client.get(path)
    assert r.status_code == 410 and "not valid" in r.text


def _signed_unknown(app) -> str:
    """A token signed with the workspace's secret for an invitation it never stored."""
    expires = dt.datetime(2099, 1, 1)
    return app.state.cx.links.invitation_token(
        "never-sent", "nps-relationship", "C0000001", expires
    )


def test_a_signed_but_unknown_invitation_says_unknown_link(client, app):
    token = _signed_unknown(app)
    for r in (client.get(f"/s/{token}"), client.post(f"/s/{token}", data={"score": "9"})):
        assert r.status_code == 410
        assert "unknown link" in r.text and "already" not in r.text


def test_an_over_long_comment_shows_the_form_again_with_the_reason(client, app):
    ws = app.state.cx.workspace()
    (inv,) = invite(ws, app.state.cx.links, "nps-relationship", ["C0000011"])
    before = ws.count("responses")
    typed = "slow delivery " + "x" * 4000
    r = client.post(f"/s/{inv.token}", data={"score": "3", "comment": typed})
    assert r.status_code == 400
    page = text_of(r.text)
    assert "comment: 4,014 characters; at most 4,000 are taken: please shorten it" in page
    assert 'value="3" required aria-describedby="scale-hint" checked' in r.text
    assert f">{typed}</textarea>" in r.text  # what was typed comes back, to shorten
    assert ws.count("responses") == before
    r = client.post(f"/s/{inv.token}", data={"score": "3", "comment": "slow delivery"})
    assert r.status_code == 200 and ws.count("responses") == before + 1
