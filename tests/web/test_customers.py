"""Customer pages: search, and one customer's whole story across channels."""

from __future__ import annotations

import datetime as dt
import shutil
import urllib.parse

import pyarrow as pa
import pytest
from playwright.sync_api import sync_playwright

from cxkit.schema import table_spec
from tests.web.conftest import assert_shows, login, text_of

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

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


@pytest.mark.parametrize(
    "odd", ["%00", "a%00b", "%ED%A0%80", "%E2%80%AE", "%F0%9F%98%80", "x" * 5000]
)
def test_odd_search_text_and_ids_never_fail(client, odd):
    login(client, "analyst")
    assert client.get(f"/customers?q={odd}").status_code == 200
    assert client.get(f"/customers/{odd}").status_code == 404


@pytest.mark.parametrize("cid", ["a/b", "/0", "\n0", "x\ny/z"])
def test_a_stored_customer_opens_whatever_its_id_holds(client, app, cid):
    """Ids are data: a '/' or a newline in one (the state machine found both) still opens."""
    schema = table_spec("customers").ibis_schema().to_pyarrow()
    row = {"customer_id": cid, "name": "Odd Id"}
    app.state.cx.workspace().append("customers", pa.Table.from_pylist([row], schema=schema))
    login(client, "analyst")
    r = client.get("/customers/" + urllib.parse.quote(cid, safe=""))
    assert r.status_code == 200 and "Odd Id" in r.text


LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff" * 3
LONG_EMAIL = "maximiliana.alexandrina." * 4 + "@a-very-long-subdomain.example-company.com"
LONG_ID = "C" + "9" * 90


def _add_long_customer(ws) -> None:
    """A customer whose name, e-mail and id have no place to break (past ingest's checks)."""
    row = {"customer_id": LONG_ID, "name": LONG_NAME, "email": LONG_EMAIL,
           "created_at": dt.datetime(2024, 12, 31, 23, 59), "country": "DE"}  # fmt: skip
    schema = table_spec("customers").ibis_schema().to_pyarrow()
    ws.append("customers", pa.Table.from_pylist([row], schema=schema))
    event = {"event_id": "long-1", "customer_id": LONG_ID, "ts": dt.datetime(2025, 1, 2, 3, 4),
             "touchpoint": "x" * 120}  # fmt: skip
    schema = table_spec("events").ibis_schema().to_pyarrow()
    ws.append("events", pa.Table.from_pylist([event], schema=schema))


def test_long_names_emails_and_dates_are_shown_whole_on_a_phone(client, app):
    _add_long_customer(app.state.cx.workspace())
    login(client, "analyst")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 844})

        def served(route):  # the app answers through the test client: no server needed
            r = client.get(route.request.url)
            route.fulfill(status=r.status_code, headers=dict(r.headers), body=r.content)

        page.route("http://testserver/**", served)
        page.goto(f"http://testserver/customers/{LONG_ID}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # Every profile value and the heading fit their box, and nothing is cut off.
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('h1, .card dd, td.wrap')]
                .filter(e => e.scrollWidth > e.clientWidth + 1
                          || e.getBoundingClientRect().right
                             > e.closest('main').getBoundingClientRect().right + 1)
                .map(e => e.textContent)"""
        )
        texts = page.locator(".card dd").all_inner_texts()
        browser.close()
    assert overflowing == []
    assert LONG_NAME in texts and LONG_EMAIL in texts and "2024-12-31 23:59" in texts
