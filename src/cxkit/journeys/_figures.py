"""Journey figures: the journey map, a Sankey of the main flows and the stage funnel.

Figures are Plotly; `write_html` embeds Plotly's JavaScript from the installed package, so
the file opens offline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxkit.schema import CHANNELS, STAGES

__all__ = ["funnel_figure", "journey_map_figure", "sankey_figure", "write_html"]

_RED = "#c0392b"


def journey_map_figure(
    touchpoints: pd.DataFrame, emotion: pd.DataFrame, pains: pd.DataFrame, *, top_pains: int = 3
) -> go.Figure:
    """Draw stages as columns and channels as lanes, with the emotion curve across the top.

    Parameters
    ----------
    touchpoints
        Touchpoint, channel, stage, owner: a touchpoint once per channel it occurs on
        (`touchpoint_channels`), so a help page used on web and app shows in both lanes.
    emotion
        `emotion_curve` output: satisfaction (0-1) per stage and touchpoint.
    pains
        `pain_points` output; the first ``top_pains`` rows are marked.
    """
    tp = touchpoints.merge(pains[["touchpoint", "visitors", "rank", "evidence"]], how="left")
    on = ["touchpoint", "channel"] if "channel" in emotion else ["touchpoint"]
    tp = tp.merge(emotion[[*on, "satisfaction"]], how="left", on=on)
    tp["x"] = tp.stage.map({s: i for i, s in enumerate(STAGES)})
    tp["channel"] = tp.channel.fillna("unknown")  # no channel on the touchpoint nor its events
    lanes = {c: i for i, c in enumerate((*CHANNELS, "unknown"))}
    tp["y"] = tp.channel.map(lanes)
    # Spread touchpoints that share a stage and lane so none hides another.
    tp["x"] = (
        tp.x
        + tp.groupby(["stage", "channel"]).cumcount() * 0.32
        - 0.16 * (tp.groupby(["stage", "channel"]).touchpoint.transform("count") - 1)
    )
    visitors = tp.visitors.fillna(0)
    size = 12 + 38 * (visitors / max(float(visitors.max()), 1.0)) ** 0.5
    fig = make_subplots(
        rows=2,
        cols=1,
        row_heights=[0.28, 0.72],
        shared_xaxes=True,
        vertical_spacing=0.04,
        subplot_titles=(
            "Emotion curve (mean satisfaction, 0-1)",
            "Touchpoints by stage and channel",
        ),
    )
    weighted = emotion.assign(w=emotion.satisfaction * emotion.n).groupby("stage")[["w", "n"]].sum()
    curve = (weighted.w / weighted.n).reindex(list(STAGES))
    fig.add_trace(
        go.Scatter(
            x=list(range(len(STAGES))),
            y=curve.values,
            mode="lines+markers",
            line={"shape": "spline", "width": 3},
            name="satisfaction",
            connectgaps=True,
        ),
        row=1,
        col=1,
    )
    hover = [
        f"<b>{name}</b><br>{stage} / {channel}<br>owner: {owner}<br>"
        f"visitors: {int(v):,}<br>satisfaction: " + ("n/a" if sat != sat else f"{sat:.2f}")
        for name, stage, channel, owner, v, sat in zip(
            tp.touchpoint,
            tp.stage,
            tp.channel,
            tp.owner,
            visitors,
            tp.satisfaction.astype(float),
            strict=True,
        )
    ]
    scored = tp.satisfaction.notna().to_numpy()
    hover_s = pd.Series(hover)
    fig.add_trace(
        go.Scatter(
            x=tp.x[scored],
            y=tp.y[scored],
            mode="markers+text",
            text=tp.touchpoint[scored],
            textposition="top center",
            hovertext=hover_s[scored],
            hoverinfo="text",
            name="scored",
            marker={
                "size": size[scored],
                "color": tp.satisfaction[scored],
                "colorscale": "RdYlGn",
                "cmin": 0.3,
                "cmax": 0.9,
                "showscale": True,
                "colorbar": {"title": "satisfaction", "len": 0.6, "y": 0.35},
            },
        ),
        row=2,
        col=1,
    )
    # Touchpoints nobody scored are grey: no colour that could be read as a score.
    fig.add_trace(
        go.Scatter(
            x=tp.x[~scored],
            y=tp.y[~scored],
            mode="markers+text",
            text=tp.touchpoint[~scored],
            textposition="top center",
            hovertext=hover_s[~scored],
            hoverinfo="text",
            name="not scored",
            marker={"size": size[~scored], "color": "#bdc3c7"},
        ),
        row=2,
        col=1,
    )
    pain = tp[tp["rank"] <= top_pains].sort_values("rank")
    fig.add_trace(
        go.Scatter(
            x=pain.x,
            y=pain.y,
            mode="markers",
            name="pain points",
            marker={
                "size": size[pain.index] + 14,
                "color": "rgba(0,0,0,0)",
                "line": {"color": _RED, "width": 3},
            },
            hovertext=[f"pain point #{int(r['rank'])}: {r.evidence}" for _, r in pain.iterrows()],
            hoverinfo="text",
        ),
        row=2,
        col=1,
    )
    for _, r in pain.iterrows():
        fig.add_annotation(
            x=r.x,
            y=r.y,
            text=f"#{int(r['rank'])} pain point",
            showarrow=True,
            arrowcolor=_RED,
            font={"color": _RED},
            ax=40,
            ay=-30,
            row=2,
            col=1,
        )
    fig.update_xaxes(tickvals=list(range(len(STAGES))), ticktext=list(STAGES), row=2, col=1)
    fig.update_yaxes(tickvals=list(lanes.values()), ticktext=list(lanes), row=2, col=1)
    fig.update_yaxes(range=[0, 1], row=1, col=1)
    fig.update_layout(
        title="Customer journey map",
        height=760,
        showlegend=False,
        margin={"l": 60, "r": 30, "t": 80, "b": 40},
    )
    return fig


def sankey_figure(transitions: pd.DataFrame, *, top: int = 40) -> go.Figure:
    """Draw the ``top`` most frequent transitions between touchpoints as a Sankey diagram."""
    t = transitions.sort_values("count", ascending=False).head(top)
    t = t[t.source != t.target]  # a Sankey cannot draw self-loops
    nodes = sorted(set(t.source) | set(t.target))
    index = {n: i for i, n in enumerate(nodes)}
    fig = go.Figure(
        go.Sankey(
            node={"label": nodes, "pad": 12, "thickness": 14},
            link={
                "source": t.source.map(index),
                "target": t.target.map(index),
                "value": t["count"],
            },
        )
    )
    fig.update_layout(title=f"Main flows (top {len(t)} transitions)", height=620)
    return fig


def funnel_figure(funnel: pd.DataFrame) -> go.Figure:
    """Draw customers reaching each stage, with the share kept from the previous stage."""
    f = funnel.sort_values("stage_order")
    fig = go.Figure(go.Funnel(y=f.stage, x=f.customers, textinfo="value+percent previous"))
    fig.update_layout(title="Stage funnel", height=420)
    return fig


def write_html(path: str | Path, figures: list[go.Figure], title: str = "Journeys") -> Path:
    """Write ``figures`` into one self-contained HTML file (Plotly's JS embedded once)."""
    parts = [
        fig.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, fig in enumerate(figures)
    ]
    html = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'></head><body>"
        + "".join(parts)
        + "</body></html>"
    )
    out = Path(path)
    out.write_text(html, encoding="utf-8")
    return out
