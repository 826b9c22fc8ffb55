"""Fit every prediction model on a workspace and store the results as tables."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import pandas as pd

from cxkit.predict._outreach import outreach_list
from cxkit.predict._personas import Persona, persona_cards
from cxkit.predict._recommend import ItemRecommender, purchases
from cxkit.predict._risk import ChurnResult, predict_churn
from cxkit.predict._segments import Segmenter, behaviour, rfm_scores
from cxkit.predict._value import ClvResult, predict_clv
from cxkit.present import require
from cxkit.store import TableSource, Workspace

__all__ = ["PredictReport", "detractors", "refresh"]

log = logging.getLogger(__name__)


@dataclass
class PredictReport:
    """What :func:`refresh` fitted and stored."""

    clv: ClvResult
    churn: ChurnResult
    segmenter: Segmenter
    personas: list[Persona]
    scores: pd.DataFrame
    outreach: pd.DataFrame


def detractors(source: TableSource) -> set[str]:
    """Return the customers whose latest NPS answer was 0-6."""
    r = source.table("responses")
    r = r.filter((r.kind == "nps") & r.customer_id.notnull() & r.score.notnull())
    latest = r.mutate(_k=ibis.row_number().over(group_by=r.customer_id, order_by=[ibis.desc(r.ts)]))
    bad = latest.filter((latest._k == 0) & (latest.score <= 6)).select("customer_id")
    return set(bad.to_pandas().customer_id)


def refresh(
    ws: Workspace,
    *,
    horizon_days: int = 90,
    months: int = 12,
    top: int | None = None,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> PredictReport:
    """Fit CLV, churn, segments and recommendations; store scores, personas and outreach.

    ``progress(step, done, total)`` is called as each step starts (the CLI draws a bar).
    Without orders nothing can be fitted: `MissingInput` says so; without order lines the
    recommendations stay empty (logged; the CLI says it as a warning).
    """
    for partial in require(ws, "predictions"):
        log.info(partial.message())

    def step(name: str, done: int) -> None:
        log.info(name)
        if progress:
            progress(name, done, 5)

    step("fitting BG/NBD and Gamma-Gamma", 0)
    clv = predict_clv(ws, months=months)
    step("fitting the churn model", 1)
    churn = predict_churn(ws, horizon_days=horizon_days)
    step("segmenting", 2)
    beh = behaviour(ws).to_pandas()
    segmenter = Segmenter(random_state=seed).fit(beh)
    segments = pd.DataFrame({"customer_id": beh.customer_id, "segment": segmenter.labels_})
    value = clv.customers[["customer_id", "p_alive", "expected_purchases", "expected_spend", "clv"]]
    scores = (
        churn.scores.merge(value, on="customer_id", how="outer")
        .merge(
            rfm_scores(ws).to_pandas()[["customer_id", "r", "f", "m", "rfm_segment"]],
            on="customer_id",
            how="left",
        )
        .merge(segments, on="customer_id", how="outer")
    )
    personas = persona_cards(ws, segments, scores[["customer_id", "clv", "churn_risk"]])
    names = {p.segment: p.name for p in personas}
    scores["persona"] = scores.segment.map(names)
    step("recommending", 3)
    recs = ItemRecommender().fit(purchases(ws)).recommend(k=10).to_pandas()
    pain_cols = tuple(f"visits_{tp}" for tp in churn.touchpoints)
    outreach = outreach_list(
        scores,
        detractors=detractors(ws),
        pain_columns=pain_cols,
        recommendations=recs,
        top=top,
    )
    step("storing", 4)
    stored = scores.assign(reasons=scores.reasons.map(json.dumps, na_action="ignore"))
    ws.replace("customer_scores", stored)
    ws.replace(
        "personas",
        pd.DataFrame(
            [
                {
                    **{k: getattr(p, k) for k in ("segment", "name", "customers", "share")},
                    **{k: getattr(p, k) for k in ("mean_revenue", "mean_clv", "churn_risk")},
                    **{
                        k: ", ".join(getattr(p, k))
                        for k in ("channels", "touchpoints", "categories", "themes", "pain_points")
                    },
                }
                for p in personas
            ]
        ),
    )
    ws.replace("recommendations", recs)
    ws.replace("outreach", outreach.assign(reasons=[json.dumps(r) for r in outreach.reasons]))
    return PredictReport(clv, churn, segmenter, personas, scores, outreach)
