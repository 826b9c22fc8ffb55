"""Customer pages: search, and one customer's whole story across channels."""

from __future__ import annotations

import pytest

from tests.web.conftest import assert_shows, login, text_of

PAGES = {
    "/customers?q=C00000": ["customer id", "/customers/C00000"],
}


@pytest.mark.parametrize("path", PAGES)
def test_page_shows_the_demo(client, path):
    login(client, "analyst")
    assert_shows(client, path, PAGES[path])


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
    text = text_of(client.get(f"/customers/{cid}").text)
    for needle in ("visit", "order", "ticket", "churn risk", "predicted CLV", "RFM segment"):
        assert needle in text, needle
    events = ws.count(ws.table("events").filter(lambda t: t.customer_id == cid))
    assert text.count(" visit ") == min(events, 300)
