"""Survey links come from the configured base URL only; Plotly's script is cacheable."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cxkit.store import Config
from cxkit.web import create_app
from tests.web.conftest import csrf_of, login


def test_invitation_links_ignore_the_host_header(client, site) -> None:
    login(client, "analyst")
    r = client.post(
        "/surveys/nps-relationship/invite",
        data={"customers": "C0000003", "csrf": csrf_of(client, "/surveys/nps-relationship")},
        headers={"Host": "evil.example"},
    )
    assert r.status_code == 200
    assert "evil.example" not in r.text
    assert "http://127.0.0.1:8000/s/" in r.text


def test_links_use_the_configured_base_url(site, tmp_path) -> None:
    path, _keys = site
    config = Config.load(path)
    config.web.base_url = "https://cx.example.com/"
    config.save(path)
    app = create_app(path, rate_limit=0)
    try:
        with TestClient(app) as c:
            login(c, "analyst")
            r = c.post(
                "/surveys/nps-relationship/invite",
                data={"customers": "C0000004", "csrf": csrf_of(c, "/surveys/nps-relationship")},
            )
            assert "https://cx.example.com/s/" in r.text
    finally:
        app.state.cx.close()
        config.web.base_url = None
        config.save(path)


def test_plotly_script_is_cached_by_browsers(client) -> None:
    r = client.get("/static-lib/plotly.min.js")
    assert r.status_code == 200
    assert "no-store" not in r.headers["cache-control"]
    assert "max-age=86400" in r.headers["cache-control"]
