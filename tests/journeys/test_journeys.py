"""Journey analytics on small logs worked out by hand, and on the demo's planted pain point."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from cxkit.demo import build_demo
from cxkit.journeys import (
    SegmentView,
    cases,
    emotion_curve,
    funnel,
    loops,
    pain_points,
    ping_pong,
    transitions,
    unnecessary_steps,
    variants,
    write_journey_map,
)
from cxkit.store import Workspace, mirror
from tests.conftest import T, load


@pytest.fixture
def log(tmp_path: Path):
    with Workspace(tmp_path / "ws", create=True) as ws:
        load(
            ws,
            "touchpoints",
            pd.DataFrame(
                {
                    "touchpoint": ["ad", "page", "buy", "chat", "phone"],
                    "channel": ["social", "web", "web", "chat", "phone"],
                    "stage": [
                        "research",
                        "evaluation",
                        "purchase",
                        "post_purchase",
                        "post_purchase",
                    ],
                    "owner": ["mkt", "ecom", "ecom", "service", "service"],
                }
            ),
        )
        load(
            ws,
            "customers",
            pd.DataFrame({"customer_id": ["A", "B", "C"], "segment": ["x", "x", "y"]}),
        )
        rows = [
            # A: ad -> page (10 min) -> buy (20 min); then, 2 days on, chat -> phone -> chat.
            ("A", "2024-01-01 10:00", "ad"),
            ("A", "2024-01-01 10:10", "page"),
            ("A", "2024-01-01 10:30", "buy"),
            ("A", "2024-01-03 09:00", "chat"),
            ("A", "2024-01-03 09:05", "phone"),
            ("A", "2024-01-03 09:20", "chat"),
            # B: ad -> page -> page (a loop) and leaves.
            ("B", "2024-01-01 11:00", "ad"),
            ("B", "2024-01-01 11:20", "page"),
            ("B", "2024-01-01 11:25", "page"),
            # C: ad -> page -> buy, like A's first session.
            ("C", "2024-01-02 08:00", "ad"),
            ("C", "2024-01-02 08:30", "page"),
            ("C", "2024-01-02 09:30", "buy"),
        ]
        frame = pd.DataFrame(rows, columns=["customer_id", "ts", "touchpoint"])
        frame["ts"] = pd.to_datetime(frame.ts)
        frame["event_id"] = [f"E{i:02d}" for i in range(len(frame))]
        chan = {"ad": "social", "page": "web", "buy": "web", "chat": "chat", "phone": "phone"}
        frame["channel"] = frame.touchpoint.map(chan)
        load(ws, "events", frame)
        yield ws


def test_transitions_by_hand(log) -> None:
    t = transitions(cases(log)).to_pandas().set_index(["source", "target"])
    assert t["count"].to_dict() == {
        ("ad", "page"): 3,
        ("page", "buy"): 2,
        ("page", "page"): 1,
        ("buy", "chat"): 1,
        ("chat", "phone"): 1,
        ("phone", "chat"): 1,
    }
    # ad -> page took 10, 20 and 30 minutes: median 20 min, p90 = 20 + 0.8 * 10 min.
    assert t.loc[("ad", "page"), "median_seconds"] == 1200
    assert t.loc[("ad", "page"), "p90_seconds"] == pytest.approx(1680)


def test_sessions_split_by_gap(log) -> None:
    per = cases(log, by="session").to_pandas().groupby("case_id").size()
    assert per.to_dict() == {"A#1": 3, "A#2": 3, "B#1": 3, "C#1": 2, "C#2": 1}  # C waits 60 min


def test_variants_with_top_and_other(log) -> None:
    v = variants(log, cases(log)).to_pandas().set_index("path")
    assert v.cases.to_dict() == {
        "ad > page > buy": 1,
        "ad > page > buy > chat > phone > chat": 1,
        "ad > page > page": 1,
    }
    assert v.conversion.to_dict() == {
        "ad > page > buy": 100.0,
        "ad > page > buy > chat > phone > chat": 100.0,
        "ad > page > page": 0.0,
    }
    # Sessions: A#1 ad>page>buy, A#2 chat>phone>chat, B#1 ad>page>page, C#1 ad>page, C#2 buy.
    top = variants(log, cases(log, by="session"), top=2).to_pandas()
    assert top.path.tolist()[-1] == "other" and len(top) == 3
    assert top.cases.tolist() == [1, 1, 3] and top.share.sum() == pytest.approx(100.0)
    assert top.conversion.iloc[-1] == pytest.approx(100 / 3)  # of the 3 folded, C#2 converts


def test_funnel_by_hand(log) -> None:
    f = funnel(log).to_pandas().set_index("stage")
    assert f.customers.to_dict() == {
        "research": 3,
        "evaluation": 3,
        "purchase": 2,
        "post_purchase": 1,
    }
    assert f.loc["purchase", "drop_off"] == pytest.approx(100 / 3)
    by = funnel(log, by=["segment"]).to_pandas()
    assert by[(by.segment == "x") & (by.stage == "purchase")].customers.item() == 1


def test_loops_and_ping_pong(log) -> None:
    lp = loops(cases(log)).to_pandas().set_index("touchpoint")
    assert lp.loc["page", "repeat_cases"] == 1 and lp.loc["chat", "repeat_cases"] == 1
    pp = ping_pong(log, cases(log)).to_pandas()
    assert pp[["first", "middle", "back", "bounces"]].values.tolist() == [
        ["chat", "phone", "chat", 1]
    ]


def test_unnecessary_steps(log) -> None:
    u = unnecessary_steps(log, cases(log, by="session"), min_cases=1).to_pandas()
    u = u.set_index("touchpoint")
    # Sessions with "ad" (A#1, B#1, C#1) convert 1 of 3 and last 30, 25, 30 min (median 30);
    # without it (A#2, C#2) 1 of 2, lasting 20 and 0 min (median 10): ad adds time, not sales.
    ad = u.loc["ad"]
    assert ad.conversion_with == pytest.approx(100 / 3) and ad.conversion_without == 50.0
    assert (ad.median_seconds_with, ad.median_seconds_without) == (1800, 600)
    assert ad.unnecessary
    # "buy" is the purchase itself: with it 2 of 2 convert.
    assert u.loc["buy", "conversion_with"] == 100.0 and not u.loc["buy", "unnecessary"]


def test_emotion_curve_uses_sentiment_when_scored(log) -> None:
    load(
        log,
        "responses",
        pd.DataFrame(
            {
                "response_id": ["R1", "R2"],
                "kind": ["csat", "nps"],
                "score": [5, 4],
                "touchpoint": ["buy", "buy"],
                "ts": [T("2024-01-02")] * 2,
            }
        ),
    )
    load(
        log,
        "feedback",
        pd.DataFrame(
            {
                "feedback_id": ["F1", "F2", "F3"],
                "ts": [T("2024-01-02")] * 3,
                "source": ["social", "review", "social"],
                "touchpoint": ["buy", "buy", "chat"],
                "rating": [None, 2.0, None],
            }
        ),
    )
    curve = emotion_curve(log).to_pandas().set_index("touchpoint")
    # buy: CSAT 5 -> 1.0, NPS 4 -> 0.4, review 2 stars -> 0.25 (F1 has no score yet).
    assert curve.loc["buy", "satisfaction"] == pytest.approx((1.0 + 0.4 + 0.25) / 3)
    assert "chat" not in curve.index
    load(
        log,
        "feedback_sentiment",
        pd.DataFrame(
            {
                "feedback_id": ["F1", "F2", "F3"],
                "score": [-0.5, 0.9, 0.2],
                "label": ["negative", "positive", "neutral"],
            }
        ),
    )
    curve = emotion_curve(log).to_pandas().set_index("touchpoint")
    # F1 adds (−0.5 + 1) / 2 = 0.25; F2 still counts by its rating; chat gets F3: 0.6.
    assert curve.loc["buy", "satisfaction"] == pytest.approx((1.0 + 0.4 + 0.25 + 0.25) / 4)
    assert curve.loc["chat", "satisfaction"] == pytest.approx(0.6)


def test_segment_view_keeps_only_the_segment(log) -> None:
    view = SegmentView(log, "y")
    assert set(view.table("events").customer_id.to_pandas()) == {"C"}
    assert view.table("touchpoints").count().execute() == 5  # not customer data: untouched


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    report = build_demo(tmp_path_factory.mktemp("j") / "ws", customers=3_000, seed=9)
    with Workspace(report.path) as ws:
        yield ws, report.truth


def test_planted_pain_point_ranks_first_with_its_theme(demo) -> None:
    ws, truth = demo
    pains = pain_points(ws)
    top = pains.iloc[0]
    assert top.touchpoint == truth["pain_point"]["touchpoint"]
    assert "late" in top.evidence and "delivery" in top.evidence
    # Revenue at risk is the revenue to date of the customers who had a bad experience there.
    r, o = ws.to_pandas("responses"), ws.to_pandas("orders")
    bad = r[
        (r.touchpoint == top.touchpoint)
        & (
            ((r.kind == "csat") & (r.score <= 2))
            | ((r.kind == "ces") & (r.score <= 3))
            | ((r.kind == "nps") & (r.score <= 6))
        )
    ].customer_id
    f = ws.to_pandas("feedback")
    bad = set(bad) | set(f[(f.touchpoint == top.touchpoint) & (f.rating <= 2)].customer_id.dropna())
    revenue = o.groupby("customer_id").amount.sum()
    assert top.affected == len(bad)
    assert top.revenue_at_risk == pytest.approx(revenue.reindex(list(bad)).fillna(0).sum())


def test_emotion_curve_dips_at_the_pain_point(demo) -> None:
    ws, truth = demo
    curve = emotion_curve(ws).to_pandas().sort_values("satisfaction")
    assert curve.touchpoint.iloc[0] == truth["pain_point"]["touchpoint"]
    assert curve.satisfaction.between(0, 1).all()


def test_journey_map_is_self_contained(demo, tmp_path: Path) -> None:
    ws, _ = demo
    html = write_journey_map(ws, tmp_path / "map.html").read_text()
    sources: list[str] = []

    class Scripts(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "script":
                sources.extend(v for k, v in attrs if k == "src" and v)

    Scripts().feed(html)
    assert sources == []  # Plotly's JS is inline: the file opens offline
    assert "Customer journey map" in html and "Stage funnel" in html and "Main flows" in html
    assert "pain point" in html


@pytest.mark.spark
def test_same_journeys_on_spark(log) -> None:
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (the CI machine has Java 17)")
    pytest.importorskip("pyspark", reason="install the spark extra")
    spark = mirror(log, "pyspark://local[2]")
    for by in ("customer", "session"):
        a, b = cases(log, by=by), cases(spark, by=by)
        pairs = [
            (transitions(a), transitions(b), ["source", "target"]),
            (variants(log, a), variants(spark, b), ["path"]),
            (loops(a), loops(b), ["touchpoint"]),
        ]
        for x, y, key in pairs:
            pd.testing.assert_frame_equal(
                x.to_pandas().sort_values(key).reset_index(drop=True),
                y.to_pandas().sort_values(key).reset_index(drop=True),
                check_dtype=False,
            )
    pd.testing.assert_frame_equal(
        funnel(log).to_pandas(), funnel(spark).to_pandas(), check_dtype=False
    )
