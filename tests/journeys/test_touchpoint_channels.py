"""A touchpoint can occur on several channels: the event's (or answer's) channel counts."""

from __future__ import annotations

from pathlib import Path

from cxkit.ingest import ingest
from cxkit.journeys import emotion_curve, journey_figures, touchpoint_channels
from cxkit.store import Workspace


def _load(ws: Workspace, tmp_path: Path, table: str, text: str) -> None:
    path = tmp_path / f"{table}.csv"
    path.write_text(text)
    r = ingest(ws, table, path)
    assert r.rows_quarantined == 0, ws.to_pandas("quarantine").reason.tolist()


def test_one_help_page_on_web_and_app(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws", create=True) as ws:
        # "faq" has no channel of its own (now optional); "help" says web, but occurs in the app.
        _load(ws, tmp_path, "touchpoints", "touchpoint,channel,stage\nhelp,web,post_purchase\n"
              "faq,,post_purchase\nstore_visit,store,purchase\n")  # fmt: skip
        _load(ws, tmp_path, "events", "event_id,customer_id,ts,touchpoint,channel\n"
              "e1,C1,2024-01-01,help,web\ne2,C2,2024-01-01,help,app\ne3,C3,2024-01-01,help,\n"
              "e4,C1,2024-01-02,faq,app\n")  # fmt: skip
        _load(ws, tmp_path, "responses", "response_id,kind,score,ts,touchpoint,channel\n"
              "r1,csat,5,2024-01-03,help,app\nr2,csat,1,2024-01-03,help,web\n")  # fmt: skip
        got = {
            (r["touchpoint"], r["channel"]): r["events"]
            for r in touchpoint_channels(ws).to_pyarrow().to_pylist()
        }
        # e3 has no channel: the touchpoint's own (web) counts for it.
        assert got == {("faq", "app"): 1, ("help", "app"): 1, ("help", "web"): 2,
                       ("store_visit", "store"): 0}  # fmt: skip
        curve = emotion_curve(ws).to_pandas().set_index(["touchpoint", "channel"])
        assert curve.loc[("help", "app"), "satisfaction"] == 1.0  # csat 5 on the 1-5 scale
        assert curve.loc[("help", "web"), "satisfaction"] == 0.0
        journey_map = journey_figures(ws)[0]
        lanes = journey_map.layout.yaxis2.ticktext
        drawn = {
            (name, lanes[int(y)])
            for trace in journey_map.data[1:]
            if trace.text is not None and trace.y is not None
            for name, y in zip(trace.text, trace.y, strict=True)
        }
        # "help" is drawn in the app lane and in the web lane.
        assert {("help", "app"), ("help", "web"), ("faq", "app")} <= drawn
