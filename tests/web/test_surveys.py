"""Survey admin pages: define a survey, invite customers, see their answers counted."""

from __future__ import annotations

import re

import pytest

from cxkit.metrics import compute
from tests.web.conftest import assert_shows, login, text_of

PAGES = {
    "/surveys": ["Relationship NPS", "Support satisfaction"],
    "/surveys/nps-relationship": ["anonymous link", "Latest answers"],
}


@pytest.mark.parametrize("path", PAGES)
def test_page_shows_the_demo(client, path):
    login(client, "analyst")
    assert_shows(client, path, PAGES[path])


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
    detail = text_of(client.get(page).text)
    assert "responses 2" in detail and "score 50.0" in detail
    ws = app.state.cx.workspace()
    survey_id = page.rsplit("/", 1)[1]
    row = compute(ws, "csat", filters={"survey_id": survey_id}, min_n=1).to_pandas().iloc[0]
    assert (row.n, row.value) == (2, 50.0)
    r = ws.table("responses")
    got = r.filter(r.survey_id == survey_id).to_pandas()
    assert set(got.touchpoint) == {"store_checkout"} and set(got.channel) == {"store"}


def test_edit_forms_refuse_unknown_ids(client, app):
    login(client, "analyst")
    token = client.cookies["cx_csrf"]
    ws = app.state.cx.workspace()
    invited = ws.count("invitations")
    r = client.post("/surveys/no-such-survey/invite", data={"customers": "C0000005", "csrf": token})
    assert r.status_code == 404
    r = client.post(
        "/surveys/nps-relationship/invite",
        data={"customers": "C0000005\nZZ-typo\nN\x00L", "csrf": token},
    )
    assert r.status_code == 400
    assert "2 unknown id(s): &#39;ZZ-typo&#39;, &#39;N\\x00L&#39;" in r.text
    assert "nobody was invited" in r.text and ws.count("invitations") == invited
    surveys = ws.count("surveys")
    r = client.post(
        "/surveys", data={"name": "Typo", "kind": "nps", "touchpoint": "chekout", "csrf": token}
    )
    assert r.status_code == 400 and "&#39;chekout&#39; is not a touchpoint" in r.text
    assert ws.count("surveys") == surveys
    assert '<option value="store_checkout">' in r.text  # the form offers the real ones
