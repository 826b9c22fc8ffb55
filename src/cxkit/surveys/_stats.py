"""Survey statistics: invitations sent and answered, responses and score, latest answers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxkit.metrics import compute
from cxkit.store import Workspace

__all__ = ["recent_answers", "survey_stats"]


def survey_stats(ws: Workspace) -> dict[str, dict[str, Any]]:
    """Return per survey id: ``invited``, ``answered``, ``responses`` and the metric ``value``.

    ``value`` is the survey's own metric (its kind: NPS, CSAT or CES) over its responses;
    None while it has none.
    """
    inv = ws.table("invitations")
    sent = inv.group_by("survey_id").aggregate(
        invited=inv.count(), answered=inv.answered_at.notnull().sum()
    )
    out: dict[str, dict[str, Any]] = {
        r["survey_id"]: {**r, "responses": 0, "value": None} for r in sent.to_pyarrow().to_pylist()
    }
    r = ws.table("responses")
    kinds = r.filter(r.survey_id.notnull()).select("kind").distinct().kind.to_pyarrow()
    for kind in kinds.to_pylist():
        per = compute(ws, kind, by=["survey_id"], min_n=1).to_pandas()
        for row in per.itertuples():
            stats = out.setdefault(str(row.survey_id), {"invited": 0, "answered": 0})
            stats.update(responses=int(row.n), value=float(row.value))
    return out


def recent_answers(ws: Workspace, survey_id: str, limit: int = 20) -> pd.DataFrame:
    """Return the latest answers to survey ``survey_id``: ts, customer_id, score, comment."""
    r = ws.table("responses")
    return (
        r.filter(r.survey_id == survey_id)
        .order_by(r.ts.desc())
        .select("ts", "customer_id", "score", "comment")
        .limit(limit)
        .to_pandas()
    )
