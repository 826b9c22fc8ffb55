"""Every metric on a tiny company whose answers are worked out by hand in the comments."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from scipy.stats import binomtest

from cxkit.errors import ConfigError
from cxkit.metrics import PERIODS, REGISTRY, cohort_retention, compare, compute
from cxkit.schema import table_spec
from cxkit.store import Workspace
from tests.conftest import T, load


@pytest.fixture
def shop(tmp_path: Path):
    with Workspace(tmp_path / "ws", create=True) as ws:
        load(
            ws,
            "customers",
            pd.DataFrame(
                {
                    "customer_id": ["A", "B", "C"],
                    "segment": ["gold", "basic", "basic"],
                }
            ),
        )
        load(
            ws,
            "touchpoints",
            pd.DataFrame(
                {
                    "touchpoint": ["ad", "shop"],
                    "channel": ["web", "web"],
                    "stage": ["research", "purchase"],
                    "owner": ["mkt", "ecom"],
                }
            ),
        )
        load(
            ws,
            "responses",
            pd.DataFrame(
                {
                    "response_id": [f"R{i}" for i in range(14)],
                    "kind": ["nps"] * 6 + ["csat"] * 5 + ["ces"] * 3,
                    "score": [10, 9, 8, 7, 6, 0, 5, 4, 3, 2, 1, 7, 5, 1],
                    "customer_id": [
                        "A",
                        "A",
                        "B",
                        "B",
                        "C",
                        "C",
                        "A",
                        "A",
                        "B",
                        "C",
                        "C",
                        "A",
                        "B",
                        "C",
                    ],
                    "touchpoint": ["shop"] * 14,
                    "ts": [T("2024-01-10")] * 14,
                }
            ),
        )
        load(
            ws,
            "tickets",
            pd.DataFrame(
                {
                    "ticket_id": ["T1", "T2", "T3", "T4"],
                    "customer_id": ["A", "B", "C", "C"],
                    "agent_id": ["x", "x", "y", "y"],
                    "channel": ["chat"] * 4,
                    "created_at": [T("2024-01-01 10:00")] * 4,
                    # FRT 10, 20, 60 minutes; T4 never answered.
                    "first_response_at": [
                        T("2024-01-01 10:10"),
                        T("2024-01-01 10:20"),
                        T("2024-01-01 11:00"),
                        None,
                    ],
                    # ART 1 h, 2 h, 4 h; T4 never resolved.
                    "resolved_at": [
                        T("2024-01-01 11:00"),
                        T("2024-01-01 12:00"),
                        T("2024-01-01 14:00"),
                        None,
                    ],
                    "contacts": [1, 1, 2, 1],
                }
            ),
        )
        # Inactivity window 30 days. A: Jan 1 + Jan 20 (one spell, ends Feb 19);
        # B: Jan 5 (ends Feb 4); C: Mar 1 (ends Mar 31).
        load(
            ws,
            "orders",
            pd.DataFrame(
                {
                    "order_id": ["O1", "O2", "O3", "O4"],
                    "customer_id": ["A", "A", "B", "C"],
                    "ts": [T("2024-01-01"), T("2024-01-20"), T("2024-01-05"), T("2024-03-01")],
                    "amount": [10.0, 30.0, 50.0, 60.0],
                }
            ),
        )
        load(
            ws,
            "order_items",
            pd.DataFrame(
                {
                    "order_id": ["O1", "O2", "O3"],
                    "line": [1, 1, 1],
                    "category": ["x", "y", "x"],
                }
            ),
        )
        load(
            ws,
            "events",
            pd.DataFrame(
                {
                    "event_id": ["E1", "E2", "E3"],
                    "customer_id": ["A", "A", "B"],
                    "ts": [T("2024-01-01 09:00"), T("2024-01-01 09:05"), T("2024-01-02")],
                    "touchpoint": ["ad", "shop", "ad"],
                    "channel": ["web", "web", "social"],
                }
            ),
        )
        load(
            ws,
            "feedback",
            pd.DataFrame(
                {
                    "feedback_id": ["F1", "F2", "F3"],
                    "ts": [T("2024-01-01")] * 3,
                    "source": ["social", "social", "review"],
                    "likes": [1, 2, 50],
                    "shares": [0, 1, 50],
                    "comments": [None, 3, 50],
                }
            ),
        )
        yield ws


def one(ws, name, **kw) -> dict:
    return compute(ws, name, **kw).to_pandas().iloc[0].to_dict()


def test_nps(shop) -> None:
    # Promoters 10, 9 (2 of 6); detractors 6, 0 (2 of 6): NPS 0.
    # MOE = 1.96 * 100 * sqrt((1/3 + 1/3 - 0) / 6) = 1.96 * 100 / 3.
    r = one(shop, "nps")
    assert r["value"] == pytest.approx(0.0)
    assert r["n"] == 6
    assert r["moe"] == pytest.approx(1.959964 * 100 / 3, rel=1e-6)


def test_nps_all_promoters_and_no_answers(shop) -> None:
    r = one(shop, "nps", filters={"segment": "gold"})  # A's answers: 10, 9
    assert (r["value"], r["moe"], r["n"]) == (100.0, 0.0, 2)
    assert r["small_sample"]
    empty = one(shop, "nps", filters={"touchpoint": "ad"})
    assert empty["n"] == 0 and math.isnan(empty["value"])


def test_csat_against_scipy_wilson(shop) -> None:
    # 5, 4 of 5, 4, 3, 2, 1: 40% satisfied, mean 3.
    r = one(shop, "csat")
    ci = binomtest(2, 5).proportion_ci(confidence_level=0.95, method="wilson")
    assert (r["value"], r["mean"], r["n"]) == (pytest.approx(40.0), 3.0, 5)
    assert r["low"] == pytest.approx(100 * ci.low, rel=1e-9)
    assert r["high"] == pytest.approx(100 * ci.high, rel=1e-9)


def test_ces(shop) -> None:
    r = one(shop, "ces")  # 7, 5, 1: mean 13/3, 2 of 3 easy
    assert r["value"] == pytest.approx(13 / 3)
    assert r["easy_pct"] == pytest.approx(200 / 3)


def test_frt_art_fcr(shop) -> None:
    frt = one(shop, "frt")  # 10, 20, 60 min; T4 unanswered is not counted
    assert (frt["n"], frt["value"], frt["median"]) == (3, pytest.approx(30.0), pytest.approx(20.0))
    assert frt["p90"] == pytest.approx(20 + 0.8 * 40)  # linear interpolation at rank 1.8
    art = one(shop, "art")  # 1, 2, 4 hours
    assert (art["n"], art["value"], art["median"]) == (3, pytest.approx(7 / 3), pytest.approx(2.0))
    fcr = one(shop, "fcr")  # resolved T1 (1 contact), T2 (1), T3 (2): 2 of 3
    assert (fcr["n"], fcr["value"]) == (3, pytest.approx(200 / 3))
    by_agent = compute(shop, "frt", by=["agent"]).to_pandas().set_index("agent")
    assert by_agent.loc["x", "value"] == pytest.approx(15.0)
    assert by_agent.loc["y", "value"] == pytest.approx(60.0)


def test_tickets_never_resolved(shop) -> None:
    # Agent y: T3 resolved in 4 h with 2 contacts; T4 never answered nor resolved.
    art = one(shop, "art", filters={"agent": "y"})
    assert (art["n"], art["value"]) == (1, pytest.approx(4.0))
    fcr = one(shop, "fcr", filters={"agent": "y"})
    assert (fcr["n"], fcr["value"]) == (1, 0.0)


def test_churn_by_month(shop) -> None:
    # Active at Jan 1: A. At Feb 1: A, B (both lapse in Feb). At Mar 1: C (lapses Mar 31).
    got = compute(
        shop, "churn", period="month", inactivity_days=30, as_of="2024-04-01", min_n=1
    ).to_pandas()
    assert got.period.dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert got.n.tolist() == [1, 2, 1]
    assert got.value.tolist() == [0.0, 100.0, 100.0]
    pooled = one(shop, "churn", inactivity_days=30, as_of="2024-04-01")
    assert pooled["value"] == pytest.approx(75.0)
    retention = one(shop, "retention", inactivity_days=30, as_of="2024-04-01")
    assert retention["value"] == pytest.approx(25.0)


def test_churn_and_retention_by_year(shop) -> None:
    # 2024 starts Jan 1: only A is active then (B starts Jan 5, C Mar 1); A lapses Feb 19.
    # 2025 is not over by as_of (2025-06-01): censored.
    for name, value in (("churn", 100.0), ("retention", 0.0)):
        got = compute(
            shop, name, period="year", inactivity_days=30, as_of="2025-06-01", min_n=1
        ).to_pandas()
        assert got.period.dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01"], name
        assert (got.n.tolist(), got.value.tolist()) == ([1], [value]), name


def test_churn_when_the_data_ends_before_its_first_order(shop) -> None:
    got = compute(shop, "churn", period="month", as_of="2023-01-01").to_pandas()
    assert got.empty


@pytest.mark.parametrize("period", PERIODS)
def test_every_metric_answers_for_every_period(shop, period) -> None:
    for name in REGISTRY:
        got = compare(shop, name, period=period, min_n=1).to_pandas()
        assert got.n.sum() >= 0, name  # it answered (empty is an answer: churn is censored)


def _orders(rows: dict[str, list]) -> pa.Table:
    """Arrow rows for ``orders`` that keep NaN as NaN (pandas would turn it into null)."""
    schema = table_spec("orders").ibis_schema().to_pyarrow()
    n = len(next(iter(rows.values())))
    return pa.table(
        {f.name: pa.array(rows.get(f.name, [None] * n), f.type, from_pandas=False) for f in schema},
        schema=schema,
    )


def test_orders_with_non_finite_amounts_are_left_out(shop) -> None:
    # Written past ingest (which refuses them): B's NaN, C's +inf and A's -inf orders.
    bad = _orders(
        {
            "order_id": ["O5", "O6", "O7"],
            "customer_id": ["B", "C", "A"],
            "ts": [T("2024-01-25"), T("2024-03-02"), T("2024-01-21")],
            "amount": [math.nan, math.inf, -math.inf],
        }
    )
    shop.append("orders", bad)
    assert shop.count("orders") == 7
    # The same figures as without them (test_clv_cross_and_up_sell); otherwise the engine's
    # standard deviation fails on the infinities, and B's NaN and C's +inf later orders
    # would count them as up-sold.
    clv = one(shop, "clv")
    assert (clv["n"], clv["value"], clv["aov"]) == (3, pytest.approx(50.0), pytest.approx(37.5))
    assert clv["se"] == pytest.approx(10 / math.sqrt(3))  # revenue 40, 50, 60: sd 10
    up = one(shop, "up_sell")
    assert (up["n"], up["value"]) == (1, 100.0)
    by_month = compute(shop, "clv", period="month", by=["segment"]).to_pandas()
    assert by_month.value.map(math.isfinite).all()


def test_clv_cross_and_up_sell(shop) -> None:
    clv = one(shop, "clv")  # revenue 40, 50, 60 (150 in all); 4 orders; lifespans 19, 0, 0 days
    assert clv["value"] == pytest.approx(50.0)
    assert clv["aov"] == pytest.approx(37.5)
    assert clv["frequency"] == pytest.approx(4 / 3)
    assert clv["lifespan_days"] == pytest.approx(19 / 3)
    assert one(shop, "cross_sell")["value"] == pytest.approx(100 / 3)  # only A: x and y
    up = one(shop, "up_sell")  # A: first 10, later mean 30; B and C bought once
    assert (up["n"], up["value"]) == (1, 100.0)


def test_conversion_and_social(shop) -> None:
    conv = compute(shop, "conversion", by=["channel"]).to_pandas().set_index("channel")
    assert conv.loc["web", "value"] == 100.0 and conv.loc["social", "value"] == 0.0
    social = one(shop, "social_engagement")  # (1+0+0) and (2+1+3): the review is not social
    assert (social["n"], social["value"]) == (2, pytest.approx(3.5))
    assert social["n_scored"] == 0 and math.isnan(social["negative_pct"])  # nothing scored yet
    load(
        shop,
        "feedback_sentiment",
        pd.DataFrame(
            {
                "feedback_id": ["F1", "F3"],
                "score": [-0.8, -0.9],
                "label": ["negative", "negative"],
            }
        ),
    )
    social = one(shop, "social_engagement")  # F1 negative; F3 is a review; F2 not scored
    assert (social["n_scored"], social["negative_pct"]) == (1, 100.0)


def test_cohort_retention(shop) -> None:
    m = cohort_retention(shop)
    assert m.loc["2024-01", "customers"] == 2 and m.loc["2024-01", 0] == 1.0
    assert m.loc["2024-01", 1] == 0.0  # no January customer bought in February
    assert m.loc["2024-01", 2] == 0.0 and math.isnan(m.loc["2024-03", 1])  # March: not yet seen
    assert m.loc["2024-03", "customers"] == 1


def test_period_over_period_significance(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w", create=True) as ws:
        scores = [5] * 10 + [1] * 90 + [5] * 90 + [1] * 10 + [5] * 91 + [1] * 9
        months = ["2024-01-15"] * 100 + ["2024-02-15"] * 100 + ["2024-03-15"] * 100
        load(
            ws,
            "responses",
            pd.DataFrame(
                {
                    "response_id": [f"R{i}" for i in range(300)],
                    "kind": "csat",
                    "score": scores,
                    "ts": pd.to_datetime(months),
                }
            ),
        )
        got = compare(ws, "csat", period="month").to_pandas()
    assert got.value.tolist() == [10.0, 90.0, 91.0]
    assert got.change.iloc[1] == pytest.approx(80.0)
    # 10% -> 90% of 100 each is significant; 90% -> 91% is not.
    assert got.significant.tolist()[1:] == [True, False]


def test_registry_states_each_metric() -> None:
    assert len(REGISTRY) >= 13
    for m in REGISTRY.values():
        assert m.description and m.formula and m.unit and m.tables
        assert m.direction in ("higher", "lower")


def test_bad_slices_are_refused(shop) -> None:
    with pytest.raises(ConfigError, match="cannot be sliced by 'agent'"):
        compute(shop, "nps", by=["agent"])
    with pytest.raises(ConfigError, match="unknown metric"):
        compute(shop, "happiness")
    with pytest.raises(ConfigError, match="unknown period"):
        compute(shop, "nps", period="fortnight")
