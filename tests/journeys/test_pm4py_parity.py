"""Transition and variant counts equal pm4py's, on the demo log and a real help-desk log."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxkit.demo import build_demo
from cxkit.ingest import ingest
from cxkit.journeys import PATH_SEPARATOR, cases, transitions, variants
from cxkit.store import Workspace

pm4py = pytest.importorskip("pm4py", reason="pm4py is the test-only peer (AGPL; dev extra)")


def _pm4py_counts(ws: Workspace) -> tuple[dict, dict]:
    events = ws.to_pandas("events")[["event_id", "customer_id", "ts", "touchpoint"]]
    # pm4py's variants are wrong on a frame not sorted by case and time: sort as cxkit does
    # (time, then event id) and let format_dataframe keep that order.
    events = events.sort_values(["customer_id", "ts", "event_id"]).reset_index(drop=True)
    log = pm4py.format_dataframe(
        events, case_id="customer_id", activity_key="touchpoint", timestamp_key="ts"
    )
    dfg, _, _ = pm4py.discover_dfg(log)
    found = pm4py.get_variants(log)
    return dict(dfg), {tuple(k): (v if isinstance(v, int) else len(v)) for k, v in found.items()}


def _ours(ws: Workspace) -> tuple[dict, dict]:
    j = cases(ws)
    t = transitions(j).to_pandas()
    v = variants(ws, j).to_pandas()
    return (
        {(r.source, r.target): int(r.count) for r in t.itertuples()},
        {tuple(r.path.split(PATH_SEPARATOR)): int(r.cases) for r in v.itertuples()},
    )


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory):
    report = build_demo(tmp_path_factory.mktemp("p") / "ws", customers=2_000, seed=3)
    with Workspace(report.path) as ws:
        yield ws


def test_demo_log_matches_pm4py(demo_ws) -> None:
    dfg, var = _pm4py_counts(demo_ws)
    ours_dfg, ours_var = _ours(demo_ws)
    assert ours_dfg == dfg
    assert ours_var == var
    assert len(var) > 100  # a real test: many distinct paths


def test_helpdesk_log_matches_pm4py(tmp_path: Path, shared_data: Path) -> None:
    with Workspace(tmp_path / "ws", create=True) as ws:
        path = shared_data / "event_logs" / "helpdesk_flat.csv"
        assert ingest(ws, "events", path, mapping="helpdesk-events").rows_stored == 21_348
        dfg, var = _pm4py_counts(ws)
        ours_dfg, ours_var = _ours(ws)
    assert ours_dfg == dfg
    assert ours_var == var
    assert sum(var.values()) == 4_580  # tickets, as in the manifest


def test_running_example_by_hand(tmp_path: Path, shared_data: Path) -> None:
    # van der Aalst's running example: 6 cases; case 3's trace, read off the file by hand.
    raw = pd.read_csv(shared_data / "event_logs" / "running-example.csv")
    events = pd.DataFrame(
        {
            "event_id": [f"E{i:03d}" for i in range(len(raw))],
            "customer_id": raw["case:concept:name"].astype(str),
            "ts": pd.to_datetime(raw["time:timestamp"], utc=True).dt.tz_localize(None),
            "touchpoint": raw["concept:name"],
        }
    )
    with Workspace(tmp_path / "ws", create=True) as ws:
        ws.insert("events", events.reindex(columns=ws.table("events").columns))
        v = variants(ws, cases(ws)).to_pandas()
    assert v.cases.sum() == 6
    assert "register request > examine casually > check ticket > decide > reinitiate request" in (
        " ".join(v.path)
    )
