"""Analyse the demo workspace as ``cx demo`` shows it: voice, headlines, journeys, predictions.

The CLI prints what :func:`analyse_demo` returns; the test fixtures take the same path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cxkit.journeys import pain_points, write_journey_map
from cxkit.metrics import HEADLINES, compute
from cxkit.predict import PredictReport
from cxkit.predict import refresh as predict_refresh
from cxkit.store import Workspace
from cxkit.strategy import write_report
from cxkit.voice import VoiceReport, theme_summary
from cxkit.voice import refresh as voice_refresh
from cxkit.web import User, add_user

__all__ = ["DEMO_ADMIN", "DemoAnalysis", "analyse_demo"]

#: The demo workspace's admin login (username, password); demo only, never used elsewhere.
DEMO_ADMIN = ("admin", "cxkit-demo")
#: Themes shown: the largest, then the most negative of at least this share of texts.
_TOP_THEMES = 5
_WORST_THEMES = 3
_WORST_MIN_SHARE = 0.02
_STEPS = ("voice of customer", "headline metrics", "journeys", "predictions", "strategy report")

Progress = Callable[[str, int, int], None]


@dataclass
class DemoAnalysis:
    """What :func:`analyse_demo` computed and wrote.

    Attributes
    ----------
    voice
        The voice refresh: texts scored, themes found, social alerts.
    top_themes
        The five largest themes, then the three most negative with 2% of texts or more,
        each theme once (columns of ``theme_summary``).
    headlines
        Each headline metric's overall row (``value``, ``n`` and the metric's own
        statistics, e.g. ``moe`` or ``median``), by metric name.
    inactivity_days
        The workspace's churn inactivity window.
    pain_points
        Every touchpoint ranked by pain, with its evidence.
    journey_map
        The journey map HTML file.
    predict
        The prediction refresh: CLV, churn, segments, personas and outreach.
    admin
        The demo admin user (password :data:`DEMO_ADMIN`).
    report
        The strategy report HTML file.
    """

    voice: VoiceReport
    top_themes: pd.DataFrame = field(repr=False)
    headlines: dict[str, dict[str, Any]]
    inactivity_days: int
    pain_points: pd.DataFrame = field(repr=False)
    journey_map: Path
    predict: PredictReport = field(repr=False)
    admin: User
    report: Path


def analyse_demo(path: str | Path, *, progress: Progress | None = None) -> DemoAnalysis:
    """Run every analysis of the demo workspace and store and write its outputs.

    Scores texts and finds themes and alerts, computes the headline metrics, ranks pain
    points and writes ``journey_map.html``, fits the prediction models, adds the
    :data:`DEMO_ADMIN` user and writes ``cx_strategy_report.html``, all in ``path``.

    Parameters
    ----------
    path
        A workspace built by :func:`build_demo`.
    progress
        Called as ``progress(step, done, total)`` as each step starts.

    Returns
    -------
    DemoAnalysis
        What each step found, for the caller to present.
    """

    def step(i: int, detail: str = "") -> None:
        if progress:
            progress(_STEPS[i] + (f": {detail}" if detail else ""), i, len(_STEPS))

    with Workspace(path) as ws:
        step(0)
        voice = voice_refresh(ws)
        themes = theme_summary(ws).to_pandas()
        step(1)
        headlines = {name: _overall(ws, name) for name in HEADLINES}
        step(2)
        pains = pain_points(ws)
        journey_map = write_journey_map(ws, ws.layout.output("journey_map.html"), pains=pains)
        predicted = predict_refresh(ws, progress=lambda s, _done, _total: step(3, s))
        admin = add_user(ws, *DEMO_ADMIN, role="admin")
        step(4)
        report = write_report(ws, ws.layout.output("cx_strategy_report.html"))
        inactivity_days = ws.config.inactivity_days
    return DemoAnalysis(
        voice=voice,
        top_themes=_top_themes(themes),
        headlines=headlines,
        inactivity_days=inactivity_days,
        pain_points=pains,
        journey_map=journey_map,
        predict=predicted,
        admin=admin,
        report=report,
    )


def _overall(ws: Workspace, name: str) -> dict[str, Any]:
    """Return metric ``name`` over all the data: value, n and its own statistics."""
    row = compute(ws, name).to_pandas().iloc[0]
    return {str(k): v for k, v in row.items()}


def _top_themes(themes: pd.DataFrame) -> pd.DataFrame:
    """Return the largest themes, then the most negative sizeable ones, each once."""
    worst = themes[themes.share >= _WORST_MIN_SHARE].sort_values("sentiment").head(_WORST_THEMES)
    return pd.concat([themes.head(_TOP_THEMES), worst]).drop_duplicates("theme_id")
