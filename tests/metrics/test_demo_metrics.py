"""Metrics on the demo company: against a second implementation in pandas; its planted truths."""

from __future__ import annotations

import itertools
import shutil

import numpy as np
import pandas as pd
import pytest

from cxkit.demo import build_demo
from cxkit.metrics import REGISTRY, compute
from cxkit.store import Workspace, mirror


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    report = build_demo(tmp_path_factory.mktemp("m") / "ws", customers=2_500, seed=5)
    with Workspace(report.path) as ws:
        yield ws, report.truth


@pytest.fixture(scope="module")
def frames(demo) -> dict[str, pd.DataFrame]:
    ws, _ = demo
    return {
        name: ws.to_pandas(name)
        for name in (
            "customers",
            "responses",
            "tickets",
            "orders",
            "order_items",
            "events",
            "touchpoints",
        )
    }


def test_nps_by_segment_matches_pandas(demo, frames) -> None:
    ws, _ = demo
    r = frames["responses"].merge(frames["customers"][["customer_id", "segment"]], how="left")
    r = r[r.kind == "nps"]
    expected = r.groupby("segment").score.apply(lambda s: 100 * ((s >= 9).mean() - (s <= 6).mean()))
    got = compute(ws, "nps", by=["segment"]).to_pandas().set_index("segment")["value"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def test_csat_by_touchpoint_and_stage_match_pandas(demo, frames) -> None:
    ws, _ = demo
    r = frames["responses"].merge(frames["touchpoints"], how="left", on="touchpoint")
    r = r[r.kind == "csat"]
    for dim in ("touchpoint", "stage"):
        expected = r.groupby(dim).score.apply(lambda s: 100 * (s >= 4).mean())
        got = compute(ws, "csat", by=[dim]).to_pandas().set_index(dim)["value"]
        pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def test_support_times_by_agent_match_pandas(demo, frames) -> None:
    ws, _ = demo
    t = frames["tickets"]
    frt = (t.first_response_at - t.created_at).dt.total_seconds() / 60
    art = (t.resolved_at - t.created_at).dt.total_seconds() / 3600
    got = compute(ws, "frt", by=["agent"]).to_pandas().set_index("agent")
    np.testing.assert_allclose(got["value"], frt.groupby(t.agent_id).mean().sort_index())
    np.testing.assert_allclose(got["median"], frt.groupby(t.agent_id).median().sort_index())
    np.testing.assert_allclose(got["p90"], frt.groupby(t.agent_id).quantile(0.9).sort_index())
    got_art = compute(ws, "art", by=["channel"]).to_pandas().set_index("channel")
    np.testing.assert_allclose(got_art["value"], art.groupby(t.channel).mean().sort_index())
    resolved = t[t.resolved_at.notna()]
    fcr = compute(ws, "fcr").to_pandas().iloc[0]
    assert fcr["value"] == pytest.approx(100 * (resolved.contacts == 1).mean())


def test_value_metrics_match_pandas(demo, frames) -> None:
    ws, _ = demo
    o = frames["orders"].sort_values(["customer_id", "ts", "order_id"])
    per = o.groupby("customer_id").amount.agg(["sum", "count"])
    clv = compute(ws, "clv").to_pandas().iloc[0]
    assert clv["value"] == pytest.approx(per["sum"].mean())
    assert clv["aov"] == pytest.approx(o.amount.sum() / len(o))
    first = o.groupby("customer_id").amount.first()
    later = o.groupby("customer_id").amount.apply(lambda s: s.iloc[1:].mean()).dropna()
    up = compute(ws, "up_sell").to_pandas().iloc[0]
    assert up["value"] == pytest.approx(100 * (later > first[later.index]).mean())
    items = frames["order_items"].merge(o[["order_id", "customer_id"]])
    cats = items.groupby("customer_id").category.nunique().reindex(per.index, fill_value=0)
    assert compute(ws, "cross_sell").to_pandas().iloc[0]["value"] == pytest.approx(
        100 * (cats >= 2).mean()
    )


def test_conversion_matches_pandas(demo, frames) -> None:
    ws, _ = demo
    e = frames["events"].merge(frames["touchpoints"][["touchpoint", "stage"]], on="touchpoint")
    bought = e.groupby("customer_id").stage.apply(lambda s: (s == "purchase").any())
    got = compute(ws, "conversion").to_pandas().iloc[0]
    assert got["n"] == len(bought)
    assert got["value"] == pytest.approx(100 * bought.mean())


def _pandas_churn(orders: pd.DataFrame, window: int, as_of: pd.Timestamp) -> tuple[int, int]:
    """A second churn implementation: walk each customer's orders in Python."""
    active = churned = 0
    months = pd.date_range(orders.ts.min().to_period("M").start_time, as_of, freq="MS")
    spells_by_customer = []
    for _, ts in orders.groupby("customer_id").ts:
        spells, start, end = [], None, None
        for t in sorted(ts):
            if start is None or t > end:
                if start is not None:
                    spells.append((start, end))
                start = t
            end = t + pd.Timedelta(days=window)
        spells.append((start, end))
        spells_by_customer.append(spells)
    for m_start, m_end in itertools.pairwise(months):
        if m_end > as_of:
            break
        for spells in spells_by_customer:
            for s, e in spells:
                if s <= m_start < e:
                    active += 1
                    churned += e < m_end
    return active, churned


def test_churn_matches_a_second_implementation(demo, frames) -> None:
    ws, _ = demo
    o = frames["orders"]
    active, churned = _pandas_churn(o, 180, o.ts.max())
    got = compute(ws, "churn").to_pandas().iloc[0]
    assert got["n"] == active
    assert got["value"] == pytest.approx(100 * churned / active)


def test_planted_slow_agent_and_pain_point_show(demo) -> None:
    ws, truth = demo
    frt = compute(ws, "frt", by=["channel", "agent"]).to_pandas()
    slow = truth["slow_agent"]
    team = frt[frt.agent == slow].channel.iloc[0]
    assert frt[frt.channel == team].sort_values("median").agent.iloc[-1] == slow
    art = compute(ws, "art", by=["channel", "agent"]).to_pandas()
    assert art[art.channel == team].sort_values("median").agent.iloc[-1] == slow
    csat = compute(ws, "csat", by=["touchpoint"]).to_pandas().sort_values("value")
    assert csat.touchpoint.iloc[0] == truth["pain_point"]["touchpoint"]


@pytest.mark.spark
def test_spark_gives_the_same_results(demo) -> None:
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (the CI machine has Java 17)")
    pytest.importorskip("pyspark", reason="install the spark extra")
    ws, _ = demo
    spark = mirror(ws, "pyspark://local[2]")
    cases = [(name, [], None) for name in REGISTRY] + [
        ("nps", ["segment"], "month"),
        ("csat", ["touchpoint"], None),
        ("frt", ["agent"], "quarter"),
        ("churn", ["segment"], "month"),
        ("conversion", ["channel"], None),
        ("clv", ["country"], "month"),
    ]
    for name, by, period in cases:
        a = compute(ws, name, by=by, period=period).to_pandas()
        b = compute(spark, name, by=by, period=period).to_pandas()
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True),
            b.reset_index(drop=True),
            check_dtype=False,
            rtol=1e-9,
            obj=f"{name} by {by} per {period}",
        )
