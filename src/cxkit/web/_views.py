"""What each dashboard page shows, computed by the capability libraries (never here).

Each function returns plain data for a template: rows as dicts, charts as Plotly JSON,
and ``missing`` notes that say plainly what is not computed yet and how to compute it.
"""

from __future__ import annotations

from typing import Any

import ibis
import pandas as pd
import plotly.graph_objects as go

from cxkit.journeys import journey_figures, pain_points
from cxkit.metrics import REGISTRY, TEAM_METRICS, compute, headlines, scorecard
from cxkit.present import chart, records
from cxkit.store import Workspace
from cxkit.voice import theme_summary

__all__ = [
    "journeys_view",
    "metric_view",
    "overview",
    "segments_view",
    "team_view",
    "voice_view",
]


def _has_data(ws: Workspace, tables: tuple[str, ...]) -> bool:
    return all(ws.has_rows(t) for t in tables)


def overview(ws: Workspace) -> dict[str, Any]:
    """Headline metrics: overall value, latest month vs the one before, monthly trend."""
    summary, trends = headlines(ws)
    cards, missing = [], []
    for row in summary.to_dict("records"):
        if row["missing"]:
            missing.append(f"{row['title']}: no {row['missing'].replace(', ', ' / ')} yet")
            continue
        trend = trends[trends.name == row["name"]]
        fig = go.Figure(go.Scatter(x=trend.period, y=trend.value, mode="lines"))
        fig.update_layout(showlegend=False, height=120, margin={"l": 30, "r": 5, "t": 5, "b": 20})
        period = row["period"]
        cards.append(
            {
                **row,
                "period": None if pd.isna(period) else pd.Timestamp(period).strftime("%b %Y"),
                "chart": chart(fig, height=120),
            }
        )
    return {"cards": cards, "missing": missing}


def metric_view(ws: Workspace, name: str, by: str | None, period: str | None) -> dict[str, Any]:
    """One metric by one dimension and/or period: a chart and its table."""
    m = REGISTRY[name]
    if not _has_data(ws, m.tables):
        return {"missing": f"no {' / '.join(m.tables)} yet: ingest them to compute {name}"}
    frame = compute(ws, name, by=[by] if by else [], period=period).to_pandas()
    if by and period:  # one line per group: the 10 largest groups stay readable
        keep = frame.groupby(by, dropna=False)["n"].sum().nlargest(10).index
        frame = frame[frame[by].isin(keep)]
    if period:
        fig = go.Figure()
        groups = frame.groupby(by, dropna=False) if by else [(name, frame)]
        for key, part in groups:
            fig.add_scatter(x=part.period, y=part.value, mode="lines+markers", name=str(key))
    elif by:
        ordered = frame.sort_values("value")
        fig = go.Figure(go.Bar(x=ordered.value, y=ordered[by].astype(str), orientation="h"))
    else:
        fig = go.Figure(go.Indicator(mode="number", value=float(frame.value.iloc[0])))
    fig.update_layout(yaxis_title=m.unit if period else None)
    shown = [c for c in frame.columns if c not in ("se",)]
    return {"figure": chart(fig), "columns": shown, "rows": records(frame[shown])}


def journeys_view(ws: Workspace) -> dict[str, Any]:
    """Journey map, Sankey, funnel and the ranked pain points."""
    if not _has_data(ws, ("events", "touchpoints")):
        return {"missing": "no events or touchpoints yet: ingest them to discover journeys"}
    pains = pain_points(ws)
    charts = [chart(f, height=520) for f in journey_figures(ws, pains=pains)]
    cols = ["rank", "touchpoint", "stage", "revenue_at_risk", "customers", "evidence"]
    cols = [c for c in cols if c in pains.columns]
    return {"figures": charts, "pain_columns": cols, "pains": records(pains[cols].head(10), 0)}


def voice_view(ws: Workspace) -> dict[str, Any]:
    """Sentiment by source, themes, the most negative verbatims and reputation alerts."""
    if not ws.has_rows("feedback_sentiment"):
        return {"missing": "voice of customer not computed yet: run `cx voice run`"}
    f, s = ws.table("feedback"), ws.table("feedback_sentiment")
    scored = f.join(s, "feedback_id")
    mix = scored.group_by(["source", "label"]).aggregate(n=scored.count()).to_pandas()
    fig = go.Figure()
    for label, color in (("negative", "#c0392b"), ("neutral", "#95a5a6"), ("positive", "#27ae60")):
        part = mix[mix.label == label]
        fig.add_bar(x=part.source, y=part.n, name=label, marker_color=color)
    fig.update_layout(barmode="stack")
    themes = theme_summary(ws).to_pandas().head(15)
    theme_cols = [c for c in ("theme_id", "label", "texts", "sentiment", "negative_share",
                              "touchpoint") if c in themes.columns]  # fmt: skip
    worst = (
        scored.filter(scored.text.notnull())
        .order_by([scored.score, scored.ts.desc()])
        .select("ts", "source", "touchpoint", "text", "score")
        .limit(10)
        .to_pandas()
    )
    alerts = ws.table("voice_alerts").order_by(ibis.desc("day")).limit(20).to_pandas()
    alert_cols = ["day", "source", "negative", "expected", "score", "theme"]
    return {
        "figure": chart(fig),
        "theme_columns": theme_cols,
        "themes": records(themes[theme_cols]),
        "verbatims": records(worst),
        "alert_columns": alert_cols,
        "alerts": records(alerts[alert_cols], 1),
    }


def segments_view(ws: Workspace) -> dict[str, Any]:
    """Persona cards and the RFM segments with their size, value and risk."""
    personas = ws.table("personas").order_by(ibis.desc("customers")).to_pandas()
    if personas.empty:
        return {"missing": "segments and personas not computed yet: run `cx predict run`"}
    s = ws.table("customer_scores")
    s = s.filter(s.rfm_segment.notnull())
    rfm = (
        s.group_by("rfm_segment")
        .aggregate(customers=s.count(), churn_risk=s.churn_risk.mean(), clv=s.clv.mean())
        .order_by(ibis.desc("customers"))
        .to_pandas()
    )
    fig = go.Figure(go.Bar(x=rfm.rfm_segment, y=rfm.customers, marker_color="#2c7fb8"))
    return {"personas": records(personas), "rfm": records(rfm), "figure": chart(fig)}


def team_view(ws: Workspace) -> dict[str, Any]:
    """Agents' first response, resolution, first-contact resolution and support CSAT."""
    if not _has_data(ws, ("tickets",)):
        return {"missing": "no tickets yet: ingest them to see the team's performance"}
    frame = scorecard(ws, TEAM_METRICS, "agent").to_pandas()
    frame = frame[frame.agent.notna()].sort_values("frt", ascending=False)
    fig = go.Figure(go.Bar(x=frame.agent, y=frame.frt, name="FRT (minutes)"))
    fig.update_layout(yaxis_title="mean first response, minutes")
    cols = ["agent", "frt", "art", "fcr", "support_csat", "frt_n", "support_csat_n"]
    return {"figure": chart(fig), "columns": cols, "rows": records(frame[cols], 1)}
