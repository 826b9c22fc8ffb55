"""The /api/v1 JSON API through FastAPI's test client, over a real DuckDB workspace."""

from __future__ import annotations

import pytest

from cxkit.store import Workspace
from cxkit.surveys import SurveyLinks, workspace_secret


def _h(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def test_keys_are_required_and_scoped(client, site):
    _, keys = site
    event = {"event_id": "e-x", "customer_id": "C1", "ts": "2025-05-01T10:00:00", "touchpoint": "t"}
    assert client.post("/api/v1/events", json=event).status_code == 401
    assert client.post("/api/v1/events", json=event, headers=_h("cxk_bad_key")).status_code == 401
    assert client.post("/api/v1/events", json=event, headers=_h(keys["read"])).status_code == 403
    assert client.get("/api/v1/metrics", headers=_h(keys["ingest"])).status_code == 403
    assert client.get("/api/v1/metrics", headers=_h(keys["read"])).status_code == 200


def test_single_record_is_stored_and_counted(client, site):
    _path, keys = site
    before = client.get("/api/v1/metrics/nps", headers=_h(keys["read"])).json()["rows"][0]
    answer = {
        "response_id": "api-r1",
        "customer_id": "C0000001",
        "kind": "nps",
        "score": 10,
        "ts": "2025-12-30T10:00:00Z",
    }
    r = client.post("/api/v1/responses", json=answer, headers=_h(keys["ingest"]))
    assert r.status_code == 201, r.text
    assert r.json() == {"table": "responses", "stored": 1, "invitations": []}
    after = client.get("/api/v1/metrics/nps", headers=_h(keys["read"])).json()["rows"][0]
    assert after["n"] == before["n"] + 1
    promoters = before["promoters_pct"] * before["n"] / 100 + 1
    detractors = before["detractors_pct"] * before["n"] / 100
    assert after["value"] == pytest.approx(100 * (promoters - detractors) / (before["n"] + 1))
    # The same key again replaces the record rather than adding one.
    r = client.post("/api/v1/responses", json={**answer, "score": 0}, headers=_h(keys["ingest"]))
    assert r.status_code == 201
    again = client.get("/api/v1/metrics/nps", headers=_h(keys["read"])).json()["rows"][0]
    assert again["n"] == after["n"]


def test_a_batch_with_bad_records_stores_nothing(client, site):
    _path, keys = site
    good = {"order_id": "api-o1", "customer_id": "C1", "ts": "2025-06-01T00:00:00", "amount": 10}
    batch = [
        good,
        {**good, "order_id": "api-o2", "amount": -5, "channel": "fax"},
        {"order_id": "api-o3", "customer_id": "C1", "amount": 3},
        {**good, "order_id": "api-o4", "colour": "red"},
    ]
    r = client.post("/api/v1/orders/batch", json={"records": batch}, headers=_h(keys["ingest"]))
    assert r.status_code == 422
    body = r.json()
    reasons = {x["record"]: x["reason"] for x in body["rejected"]}
    assert set(reasons) == {2, 3, 4}
    assert "amount" in reasons[2] and "channel" in reasons[2] and "fax" in reasons[2]
    assert "ts" in reasons[3]
    assert "colour" in reasons[4]
    ids = ["api-o1", "api-o2", "api-o3", "api-o4"]
    app_ws = client.app.state.cx.workspace()
    o = app_ws.table("orders")
    assert app_ws.count(o.filter(o.order_id.isin(ids))) == 0
    r = client.post("/api/v1/orders/batch", json={"records": [good]}, headers=_h(keys["ingest"]))
    assert r.status_code == 201 and r.json()["stored"] == 1
    # Canonical checks beyond types: vocabularies and time order, per record.
    ticket = {"ticket_id": "api-t0", "created_at": "2025-06-02T10:00:00"}
    late = {**ticket, "ticket_id": "api-t1", "resolved_at": "2025-06-01T10:00:00"}
    r = client.post(
        "/api/v1/tickets/batch", json={"records": [ticket, late]}, headers=_h(keys["ingest"])
    )
    assert r.status_code == 422
    assert [x["record"] for x in r.json()["rejected"]] == [2]
    assert "before created_at" in r.json()["rejected"][0]["reason"]


def test_a_resolved_ticket_invites_its_customer_to_csat(client, site):
    _path, keys = site
    ticket = {
        "ticket_id": "api-t9",
        "customer_id": "C0000002",
        "channel": "chat",
        "created_at": "2025-12-01T10:00:00",
        "first_response_at": "2025-12-01T10:05:00",
        "resolved_at": "2025-12-01T11:00:00",
    }
    open_ = {**ticket, "ticket_id": "api-t10", "resolved_at": None}
    r = client.post(
        "/api/v1/tickets/batch", json={"records": [ticket, open_]}, headers=_h(keys["ingest"])
    )
    assert r.status_code == 201, r.text
    (inv,) = r.json()["invitations"]
    assert inv["ticket_id"] == "api-t9" and inv["customer_id"] == "C0000002"
    assert inv["url"].startswith("http://127.0.0.1:8000/s/")  # the base URL, not Host
    page = client.get(inv["url"])
    assert page.status_code == 200 and "How satisfied" in page.text
    r = client.post(inv["url"], data={"score": "4"}, follow_redirects=False)
    assert r.status_code == 303
    rows = client.get("/api/v1/metrics/csat?by=survey_id", headers=_h(keys["read"])).json()["rows"]
    assert {"survey_id": "support_csat", "n": 1, "value": 100.0}.items() <= next(
        row for row in rows if row["survey_id"] == "support_csat"
    ).items()
    # Resending the resolved ticket does not invite twice.
    r = client.post("/api/v1/tickets", json=ticket, headers=_h(keys["ingest"]))
    assert r.status_code == 201 and r.json()["invitations"] == []


def test_metrics_read_with_dimensions_and_errors(client, site):
    _, keys = site
    listed = client.get("/api/v1/metrics", headers=_h(keys["read"])).json()
    assert {"nps", "csat", "frt", "support_csat"} <= {m["name"] for m in listed}
    r = client.get("/api/v1/metrics/frt?by=agent&period=month", headers=_h(keys["read"]))
    assert r.status_code == 200
    assert {"agent", "period", "value", "n"} <= set(r.json()["rows"][0])
    assert client.get("/api/v1/metrics/nope", headers=_h(keys["read"])).status_code == 400
    r = client.get("/api/v1/metrics/frt?by=colour", headers=_h(keys["read"]))
    assert r.status_code == 400 and "colour" in r.json()["detail"]


def test_openapi_spec_is_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for table in ("events", "orders", "tickets", "responses", "feedback"):
        assert f"/api/v1/{table}" in paths and f"/api/v1/{table}/batch" in paths
    record = spec["components"]["schemas"]["ResponsesRecord"]
    assert set(record["required"]) == {"response_id", "kind", "score", "ts"}


def test_survey_links_from_the_library_work_in_the_app(client, site):
    path, _ = site
    state = client.app.state.cx
    links = SurveyLinks(workspace_secret(path))
    with Workspace(path) as ws:  # same process: DuckDB shares the open database
        from cxkit.surveys import invite

        (inv,) = invite(ws, links, "nps-relationship", ["C0000003"])
    assert state.links.read(inv.token, inv.expires_at).customer_id == "C0000003"
    assert client.get(f"/s/{inv.token}").status_code == 200
