"""Shared presentation: chart JSON in two looks, display rows, and the assets both pages use."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from cxkit.errors import ConfigError
from cxkit.present import PLOTLY_JS, STATIC, asset, chart, records


def test_chart_looks():
    app = json.loads(chart(go.Figure(go.Bar(x=[1], y=[2]))))
    assert app["layout"]["height"] == 360 and app["layout"]["margin"]["r"] == 10
    assert app["layout"]["font"]["family"].startswith("system-ui")
    kept = json.loads(chart(go.Figure(layout={"height": 120}), height=500))
    assert kept["layout"]["height"] == 120  # the app look keeps a figure's own height
    report = json.loads(chart(go.Figure(layout={"height": 120}), 300, style="report"))
    assert report["layout"]["height"] == 300 and report["layout"]["margin"]["r"] == 20
    assert "font" not in report["layout"]


def test_records_for_the_app_and_the_report():
    frame = pd.DataFrame(
        {
            "x": [1234.5678, float("nan")],
            "ts": [pd.Timestamp("2025-01-02 13:30"), pd.Timestamp("2025-01-03")],
            "s": ["a", None],
        }
    )
    assert records(frame) == [
        {"x": 1234.57, "ts": "2025-01-02 13:30", "s": "a"},
        {"x": "", "ts": "2025-01-03", "s": ""},
    ]
    assert records(frame, 0)[0]["x"] == 1235.0
    assert records(frame, 1, style="report") == [
        {"x": "1,234.6", "ts": "2025-01-02", "s": "a"},
        {"x": "", "ts": "2025-01-03", "s": ""},
    ]


def test_assets():
    assert "--accent" in asset("app.css")
    assert "data-figure" in asset("charts.js")
    assert (STATIC / "app.css").is_file() and (STATIC / "charts.js").is_file()
    assert PLOTLY_JS.is_file() and PLOTLY_JS.stat().st_size > 1_000_000
    with pytest.raises(ConfigError, match="no asset"):
        asset("../secret.key")
