"""Strategy on the demo company: the planted pain point leads, money adds up, the PDF renders."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cxkit.store import Workspace
from cxkit.strategy import (
    COST_BY_EFFORT,
    answer,
    assessment,
    edit_opportunity,
    experience_dimensions,
    export_roadmap,
    maturity_scores,
    opportunities,
    roadmap,
    roi,
    sensitivity,
    stakeholder_map,
    write_report,
)


@pytest.fixture(scope="module")
def company(demo_company):
    path, _, truth = demo_company
    with Workspace(path) as ws:
        yield ws, truth, opportunities(ws)


def _hurt_at(ws: Workspace, touchpoint: str) -> set[str]:
    """Customers with a bad score or negative feedback at a touchpoint, by hand in pandas."""
    r = ws.to_pandas("responses")
    r = r[r.touchpoint == touchpoint]
    cut = {"nps": 6, "csat": 2, "ces": 3}
    bad = r[r.score <= r.kind.map(cut)]
    f = ws.to_pandas("feedback").merge(
        ws.to_pandas("feedback_sentiment"), on="feedback_id", how="left"
    )
    f = f[f.touchpoint == touchpoint]
    neg = f[(f.rating <= 2) | (f.label == "negative")]
    return set(bad.customer_id.dropna()) | set(neg.customer_id.dropna())


def test_the_planted_pain_point_is_the_first_opportunity(company):
    ws, truth, opps = company
    first = opps.iloc[0]
    assert first.opportunity_id == f"pain:{truth['pain_point']['touchpoint']}"
    assert first.owner == truth["pain_point"]["owner"]
    hurt = _hurt_at(ws, truth["pain_point"]["touchpoint"])
    scores = ws.to_pandas("customer_scores").set_index("customer_id")
    risk = scores.churn_risk.reindex(sorted(hurt)).fillna(0)
    clv = scores.clv.reindex(sorted(hurt)).fillna(0)
    assert first.customers == len(hurt)
    assert first.revenue_at_risk == pytest.approx(float((risk * clv).sum()), rel=1e-9)
    assert first.expected_losses == pytest.approx(float(risk.sum()), rel=1e-9)


def test_every_kind_is_found_with_evidence_and_owner(company):
    ws, truth, opps = company
    assert set(opps.kind) >= {"pain_point", "slow_agent", "at_risk_segment", "negative_theme"}
    assert f"agent:{truth['slow_agent']}@phone" in set(opps.opportunity_id)
    assert opps.evidence.str.len().min() > 10
    owners = set(ws.to_pandas("touchpoints").owner)
    assert set(opps.owner) <= owners
    assert (opps.revenue_at_risk.diff().dropna() <= 0).all()  # ranked by revenue at risk
    median = opps.revenue_at_risk.median()
    assert (opps.quick_win == ((opps.effort <= 2) & (opps.revenue_at_risk >= median))).all()


def test_stakeholder_map_follows_the_touchpoint_owners(company):
    ws, truth, opps = company
    stake = stakeholder_map(ws, opps).set_index("owner")
    tps = ws.to_pandas("touchpoints")
    owner = truth["pain_point"]["owner"]
    assert truth["pain_point"]["touchpoint"] in stake.loc[owner, "touchpoints"]
    assert set(stake.index) == set(tps.owner.dropna())
    assert stake.revenue_at_risk.sum() == pytest.approx(opps.revenue_at_risk.sum())
    assert stake.loc[owner, "opportunities"] == (opps.owner == owner).sum()


def test_roi_arithmetic_by_hand():
    opp = SimpleNamespace(expected_losses=10.0, revenue_at_risk=5_000.0, effort=2)
    base = roi(opp)  # 25% of churn risk removed
    assert base.retained_customers == pytest.approx(2.5)
    assert base.retained_revenue == pytest.approx(1_250.0)
    assert base.cost == COST_BY_EFFORT[2] == 10_000.0
    assert base.net == pytest.approx(-8_750.0) and base.roi == pytest.approx(-0.875)
    big = SimpleNamespace(expected_losses=400.0, revenue_at_risk=200_000.0, effort=1)
    cases = sensitivity(big)
    assert [round(c.net) for c in cases.values()] == [18_000, 48_000, 78_000]  # 10/25/40%
    assert cases["base"].roi == pytest.approx(48_000 / 2_000)
    edited = SimpleNamespace(
        expected_losses=4.0, revenue_at_risk=1_000.0, effort=3, churn_reduction=0.5
    )
    assert roi(edited).retained_revenue == 500.0 and roi(edited).cost == 40_000.0
    assert roi(edited, cost=100.0).roi == pytest.approx(4.0)
    assert "lowers the churn risk of the affected customers by 50%" in roi(edited).sentence()


def test_roadmap_places_by_effort_and_exports(company, tmp_path):
    _, _, opps = company
    plan = roadmap(opps)
    for r in plan.itertuples():
        want = (
            "0-3 months"
            if r.quick_win or r.effort <= 2
            else ("3-12 months" if r.effort == 3 else "12-36 months")
        )
        assert r.horizon == want
    assert np.allclose(plan.net_base, plan.revenue_at_risk * 0.25 - plan.cost)
    md = export_roadmap(plan, tmp_path / "roadmap.md").read_text()
    assert "## 0-3 months" in md and plan.title.iloc[0] in md
    csv = pd.read_csv(export_roadmap(plan, tmp_path / "roadmap.csv"))
    assert len(csv) == len(plan)


def test_maturity_evidence_answers_and_gaps(company):
    ws, _, _ = company
    answers = assessment(ws).set_index("question_id")
    assert answers.loc["U1", "source"] == "evidence" and answers.loc["U1", "score"] == 4
    assert answers.loc["M1", "score"] == 5  # NPS, CSAT and CES all measured
    assert answers.loc["S1", "source"] == "open" and pd.isna(answers.loc["S1", "score"])
    scores = maturity_scores(answers.reset_index()).set_index("discipline")
    assert pd.isna(scores.loc["strategy", "score"])  # nothing answers it yet
    m = answers[answers.discipline == "measurement"].score.astype(float)
    assert scores.loc["measurement", "score"] == pytest.approx(m.mean())
    dims = experience_dimensions(ws).set_index("dimension")
    assert dims.loc["physical", "evidence"]  # delivery themes speak to it
    assert dims.score.dropna().between(1, 5).all()
    assert (dims.evidence == dims.texts.gt(0)).all()


def test_edits_and_answers_are_kept(demo_company, tmp_path):
    path = tmp_path / "ws"
    shutil.copytree(demo_company[0], path)
    with Workspace(path) as ws:
        first = opportunities(ws).iloc[0]
        edit_opportunity(ws, first.opportunity_id, effort=1, owner="cx office", churn_reduction=0.5)
        answer(ws, "S1", 2, "vision drafted, not shared")
        answer(ws, "U1", 3)
        again = opportunities(ws).set_index("opportunity_id").loc[first.opportunity_id]
        assert (again.effort, again.owner, again.churn_reduction) == (1, "cx office", 0.5)
        assert bool(again.quick_win)
        assert roi(again).retained_revenue == pytest.approx(0.5 * first.revenue_at_risk)
        answers = assessment(ws).set_index("question_id")
        assert (answers.loc["S1", "score"], answers.loc["S1", "source"]) == (2, "user")
        assert answers.loc["U1", "score"] == 3
        scores = maturity_scores(answers.reset_index()).set_index("discipline")
        assert scores.loc["strategy", "score"] == 2 and scores.loc["strategy", "gap"] == 2


def test_report_pdf_renders_every_page(company, tmp_path):
    import pypdfium2 as pdfium

    ws, truth, _ = company
    html = write_report(ws, tmp_path / "report.html").read_text()
    for part in ("Headline metrics", "Journey map", "Personas", "Voice of the customer",
                 "Team performance", "Churn and CLV outlook", "Opportunities", "CX maturity",
                 "Roadmap", "Quick-win project plans", "Stakeholder map"):  # fmt: skip
        assert part in html, part
    assert truth["pain_point"]["touchpoint"] in html
    assert "<script src=" not in html  # self-contained: Plotly is inlined
    pdf = pdfium.PdfDocument(write_report(ws, tmp_path / "report.pdf"))
    assert len(pdf) >= 9  # a page or more per section
    for i in range(len(pdf)):
        page = np.asarray(pdf[i].render(scale=0.5).to_pil().convert("L"))
        assert page.std() > 5 and (page < 200).mean() > 0.005, f"page {i + 1} is blank"
    charts = sum(1 for i in range(len(pdf)) if _has_color(pdf[i]))
    assert charts >= 3  # the charts were drawn (coloured pixels), not left empty


def _has_color(page) -> bool:
    rgb = np.asarray(page.render(scale=0.5).to_pil().convert("RGB")).astype(int)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    return bool((spread > 60).mean() > 0.002)
