"""The public survey form: rate limited, and bad links refused plainly."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cxkit.web import create_app


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
