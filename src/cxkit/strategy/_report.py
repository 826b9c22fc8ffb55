"""The strategy report: one document from the workspace's facts, as HTML or PDF.

`strategy_report` gathers every section's data from the capability libraries; the same
template renders it into a self-contained HTML file (Plotly inlined) or, through headless
Chromium's print-to-PDF, a PDF. The web app shows the same sections.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import plotly.graph_objects as go

from cxkit.errors import ConfigError
from cxkit.journeys import journey_figures, pain_points
from cxkit.metrics import TEAM_METRICS, headlines, scorecard
from cxkit.present import asset, chart, records
from cxkit.store import Workspace
from cxkit.strategy._maturity import (
    assessment,
    experience_dimensions,
    maturity_figure,
    maturity_scores,
)
from cxkit.strategy._opportunities import opportunities
from cxkit.strategy._roadmap import HORIZONS, STEPS, roadmap
from cxkit.strategy._roi import REDUCTION
from cxkit.voice import empathy_map, theme_summary

__all__ = [
    "render_html",
    "report_body",
    "report_css",
    "stakeholder_map",
    "strategy_report",
    "write_report",
]

_TEMPLATES = Path(__file__).parent / "templates"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)


def _json(fig: go.Figure, height: int = 380) -> str:
    return chart(fig, height, style="report")


def _rows(frame: pd.DataFrame, digits: int = 1) -> list[dict[str, Any]]:
    return records(frame, digits, style="report")


def _outlook(ws: Workspace) -> dict[str, Any] | None:
    s = ws.table("customer_scores")
    if not ws.has_rows("customer_scores"):
        return None
    scored = s.filter(s.churn_risk.notnull())
    agg = scored.aggregate(
        customers=scored.count(),
        risk=scored.churn_risk.mean(),
        high=(scored.churn_risk >= 0.7).cast("int64").sum(),
        purchases=scored.expected_purchases.sum(),
        spend=scored.expected_spend.sum(),
        clv=scored.clv.sum(),
        at_risk=(scored.churn_risk * scored.clv).sum(),
    ).to_pandas()
    risk = scored.select("churn_risk").to_pandas().churn_risk
    fig = go.Figure(go.Histogram(x=risk, nbinsx=20, marker_color="#b3261e"))
    fig.update_layout(title="Churn risk of scored customers", xaxis_title="P(no purchase)")
    return {"figures": _rows(agg, 2)[0], "chart": _json(fig, 300)}


def stakeholder_map(ws: Workspace, opps: pd.DataFrame) -> pd.DataFrame:
    """Return per owning team: the touchpoints it owns and the opportunities it should lead."""
    tps = ws.table("touchpoints").to_pandas()
    owned = tps.dropna(subset=["owner"]).groupby("owner").touchpoint.agg(", ".join)
    led = opps.groupby("owner").agg(
        opportunities=("opportunity_id", "count"),
        quick_wins=("quick_win", "sum"),
        revenue_at_risk=("revenue_at_risk", "sum"),
    )
    out = pd.concat([owned.rename("touchpoints"), led], axis=1).fillna(
        {"touchpoints": "", "opportunities": 0, "quick_wins": 0, "revenue_at_risk": 0.0}
    )
    out = out.rename_axis("owner").reset_index()
    return out.sort_values("revenue_at_risk", ascending=False).reset_index(drop=True)


def strategy_report(ws: Workspace) -> dict[str, Any]:
    """Gather every section of the report; sections without data say what is missing."""
    summary, trends = headlines(ws)
    present = summary[summary.missing.isna()] if "missing" in summary else summary
    trend_fig = go.Figure()
    for name in ("nps", "csat", "ces"):
        part = trends[trends.name == name]
        if len(part):
            trend_fig.add_scatter(x=part.period, y=part.value, mode="lines+markers", name=name)
    trend_fig.update_layout(title="Satisfaction by month")

    journeys: dict[str, Any] | None = None
    if ws.has_rows("events"):
        pains = pain_points(ws)
        cols = ["rank", "touchpoint", "affected", "revenue_at_risk", "evidence"]
        journeys = {
            "map": _json(journey_figures(ws, pains=pains)[0], 520),
            "pains": _rows(pains[cols].head(8), 0),
        }

    personas = ws.table("personas").order_by("segment").to_pandas()
    segments: list[str] = []
    if ws.has_rows("customers"):
        c = ws.table("customers")
        c = c.filter(c.segment.notnull())
        top = c.group_by("segment").aggregate(n=c.count())
        segments = list(top.order_by(top.n.desc()).limit(2).segment.to_pandas())
    empathy = (
        [empathy_map(ws, seg).to_html() for seg in segments] if ws.has_rows("feedback") else []
    )

    themes = theme_summary(ws).to_pandas().head(10) if ws.has_rows("themes") else pd.DataFrame()
    team = (
        scorecard(ws, TEAM_METRICS, "agent").to_pandas().sort_values("frt", ascending=False)
        if ws.has_rows("tickets")
        else pd.DataFrame()
    )

    opps = opportunities(ws)
    plan = roadmap(opps) if len(opps) else opps.assign(horizon=[])
    plan = plan.assign(reduction_pct=plan.churn_reduction.fillna(REDUCTION["base"]) * 100)
    answers = assessment(ws)
    scores = maturity_scores(answers)
    quick = plan[plan.quick_win] if len(plan) else plan
    return {
        "headlines": _rows(present),
        "trend": _json(trend_fig, 320) if trend_fig.data else None,
        "journeys": journeys,
        "personas": _rows(personas, 2),
        "empathy": empathy,
        "themes": _rows(themes, 2),
        "team": _rows(team.head(12), 1),
        "outlook": _outlook(ws),
        "opportunities": _rows(plan, 0),
        "stakeholders": _rows(stakeholder_map(ws, opps), 0),
        "total_at_risk": float(opps.revenue_at_risk.sum()) if len(opps) else 0.0,
        "quick_wins": _rows(quick, 0),
        "answers": _rows(answers, 0),
        "scores": _rows(scores, 1),
        "gaps": [
            f"{r['discipline']}: "
            + ("not assessed yet" if pd.isna(r["score"]) else f"{r['score']:.1f} now")
            + ("" if pd.isna(r["gap"]) else f", {r['gap']:.1f} below level 4")
            for r in scores.to_dict("records")
            if pd.isna(r["score"]) or r["gap"] > 0
        ],
        "radar": _json(maturity_figure(scores), 420),
        "dimensions": _rows(experience_dimensions(ws), 2),
        "horizons": HORIZONS,
        "steps": STEPS,
        "currency": ws.config.currency,
        "workspace": ws.path.name,
    }


def report_body(report: dict[str, Any]) -> str:
    """Render the report's sections as an HTML fragment, for a page with `report_css`.

    The page around it brings the stylesheet and draws the charts (as the web app does).
    """
    return _ENV.get_template("report_body.html").render(**report)


def report_css() -> str:
    """Return the report's own styles (page breaks, empathy maps), over ``app.css``."""
    return (_TEMPLATES / "report.css").read_text(encoding="utf-8")


def render_html(report: dict[str, Any]) -> str:
    """Render the report as one self-contained HTML page (Plotly and styles inlined)."""
    return _ENV.get_template("report.html").render(
        **report,
        plotly_js=asset("plotly.min.js"),
        charts_js=asset("charts.js"),
        css=asset("app.css") + report_css(),
    )


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError("PDF needs Chromium: install Debian's `chromium` (or use --format html)")


def write_report(ws: Workspace, path: str | Path, fmt: str | None = None) -> Path:
    """Write the report to ``path`` as ``html`` or ``pdf`` (from the suffix by default)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "html").lower()
    if fmt not in ("html", "pdf"):
        raise ConfigError(f"report format {fmt!r}: expected html or pdf")
    page = render_html(strategy_report(ws))
    if fmt == "html":
        path.write_text(page, encoding="utf-8")
        return path
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.html"
        source.write_text(page, encoding="utf-8")
        done = subprocess.run(
            [
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                "--virtual-time-budget=20000",
                f"--print-to-pdf={path.resolve()}",
                source.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    if done.returncode != 0 or not path.exists():
        raise ConfigError(f"Chromium could not print {path}: {done.stderr.strip()[-300:]}")
    return path
