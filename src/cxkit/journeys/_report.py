"""The journey map file: map, main flows and funnel of a workspace in one HTML page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from cxkit.journeys._cases import cases
from cxkit.journeys._discovery import funnel, touchpoint_channels, transitions
from cxkit.journeys._figures import funnel_figure, journey_map_figure, sankey_figure, write_html
from cxkit.journeys._painpoints import emotion_curve, pain_points
from cxkit.store import TableSource

__all__ = ["journey_figures", "write_journey_map"]


def journey_figures(source: TableSource, *, pains: pd.DataFrame | None = None) -> list[go.Figure]:
    """Return the journey map, the Sankey of main flows and the funnel, in that order."""
    pains = pain_points(source) if pains is None else pains
    return [
        journey_map_figure(
            touchpoint_channels(source).to_pandas(), emotion_curve(source).to_pandas(), pains
        ),
        sankey_figure(transitions(cases(source)).to_pandas()),
        funnel_figure(funnel(source).to_pandas()),
    ]


def write_journey_map(
    source: TableSource, path: str | Path, *, pains: pd.DataFrame | None = None
) -> Path:
    """Write the journey map, the Sankey of main flows and the funnel to ``path`` (HTML)."""
    return write_html(path, journey_figures(source, pains=pains), title="Customer journeys")
