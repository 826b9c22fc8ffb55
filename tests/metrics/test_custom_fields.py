"""Custom fields (a source's extra columns) are slices of every metric, funnel and the API."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cxkit.errors import ConfigError
from cxkit.ingest import Mapping, ingest
from cxkit.journeys import SegmentView, cases, funnel
from cxkit.metrics import compute, slice_fields
from cxkit.store import Workspace
from cxkit.web import add_api_key, add_user, create_app
from tests.web.conftest import login

KEEP = Mapping(fields="rest")


@pytest.fixture
def ws(tmp_path: Path):
    files = {
        "customers": "customer_id,Plan,Seats\nC1,gold,3\nC2,basic,1\nC3,gold,7\nC4,basic,2\n",
        # The survey's own question "Which hotel?" travels with the answers.
        "responses": "response_id,customer_id,kind,score,ts,Which hotel?\n"
        "R1,C1,nps,10,2024-01-01,Ritz\nR2,C2,nps,3,2024-01-02,Ritz\n"
        "R3,C3,nps,9,2024-01-03,Inn\nR4,C4,nps,8,2024-01-04,Inn\nR5,C1,nps,0,2024-02-01,Inn\n",
        "touchpoints": "touchpoint,stage\nhome,research\ncart,purchase\n",
        "events": "event_id,customer_id,ts,touchpoint,channel\n"
        "e1,C1,2024-01-01,home,web\ne2,C1,2024-01-02,cart,app\ne3,C2,2024-01-01,home,web\n"
        "e4,C3,2024-01-01,home,app\ne5,C3,2024-01-03,cart,web\ne6,C4,2024-01-01,home,web\n",
    }
    with Workspace(tmp_path / "ws", create=True) as w:
        for table, text in files.items():
            path = tmp_path / f"{table}.csv"
            path.write_text(text)
            ingest(w, table, path, mapping=KEEP)
        yield w


def test_fields_are_typed_columns(ws) -> None:
    assert ws.fields("customers") == {"plan": "string", "seats": "int64"}
    assert ws.fields("responses") == {"which_hotel": "string"}


def test_nps_by_a_customer_field_and_by_the_survey_s_own_field(ws) -> None:
    assert slice_fields(ws, "nps") == ["plan", "seats", "which_hotel"]
    by_plan = compute(ws, "nps", by=["plan"]).to_pandas().set_index("plan")
    # gold: C1 10, C3 9, C1 0 -> 2 promoters, 1 detractor of 3 = +33.3; basic: 3 and 8 -> -50.
    assert by_plan.loc["gold", "value"] == pytest.approx(100 / 3)
    assert by_plan.loc["basic", "value"] == pytest.approx(-50)
    by_hotel = compute(ws, "nps", by=["which_hotel"]).to_pandas().set_index("which_hotel")
    # Ritz: 10 and 3 -> (1 - 1) / 2 = 0; Inn: 9, 8, 0 -> one promoter, one detractor: 0.
    assert by_hotel.n.to_dict() == {"Inn": 3, "Ritz": 2}
    assert by_hotel.value.to_dict() == {"Inn": 0.0, "Ritz": 0.0}
    filtered = compute(ws, "nps", filters={"plan": "basic"}).to_pandas()
    assert filtered.n.iloc[0] == 2


def test_an_unknown_slice_names_the_fields_there_are(ws) -> None:
    with pytest.raises(ConfigError, match=r"expected one of: period.*plan, seats, which_hotel"):
        compute(ws, "nps", by=["hotel"])


def test_funnel_by_a_customer_field(ws) -> None:
    f = funnel(ws, by=["plan"]).to_pandas()
    got = {(r.plan, r.stage): r.customers for r in f.itertuples()}
    assert got == {
        ("basic", "research"): 2,
        ("gold", "research"): 2,
        ("gold", "purchase"): 2,
    }


def test_the_api_and_the_metrics_page_offer_the_fields(ws, tmp_path: Path) -> None:
    add_user(ws, "ana", "correct horse battery", "analyst")
    key = add_api_key(ws, "read", "test")
    path = ws.path
    ws.close()
    app = create_app(path, rate_limit=0)
    try:
        with TestClient(app, base_url="http://testserver") as client:
            listed = client.get("/api/v1/metrics", headers={"X-API-Key": key}).json()
            nps = next(m for m in listed if m["name"] == "nps")
            assert {"plan", "seats", "which_hotel"} <= set(nps["dimensions"])
            rows = client.get(
                "/api/v1/metrics/nps", params={"by": "plan"}, headers={"X-API-Key": key}
            ).json()["rows"]
            assert {r["plan"]: r["n"] for r in rows} == {"basic": 2, "gold": 3}
            login(client, "ana", "correct horse battery")
            page = client.get("/metrics", params={"metric": "nps", "by": "plan"}).text
            assert '<option value="which_hotel">' in page
            assert '<option value="plan" selected>' in page
            assert "gold" in page
    finally:
        app.state.cx.close()


def test_journey_commands_take_a_custom_field_as_a_slice(ws) -> None:
    gold = SegmentView(ws, None, {"plan": "gold"})  # C1 and C3
    steps = cases(gold).to_pandas()
    assert set(steps.customer_id) == {"C1", "C3"} and len(steps) == 4
    assert set(cases(SegmentView(ws, None, {"seats": "1"})).to_pandas().customer_id) == {"C2"}
    with pytest.raises(ConfigError, match="customers have no column 'tier'"):
        SegmentView(ws, None, {"tier": "x"})
    path = ws.path
    ws.close()

    def cx(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cxkit", *args], capture_output=True,
                              text=True, env={**os.environ, "COLUMNS": "200"})  # fmt: skip

    done = cx("journeys", "funnel", "-w", str(path), "--where", "plan=gold", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    # Gold customers C1 and C3 both visited home (research) and cart (purchase).
    assert {r["stage"]: int(r["customers"]) for r in rows} == {"research": 2, "purchase": 2}
    bad = cx("journeys", "paths", "-w", str(path), "--where", "plan")
    assert bad.returncode == 2 and "expected COLUMN=VALUE" in bad.stderr
