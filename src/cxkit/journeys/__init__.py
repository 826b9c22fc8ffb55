"""Journey analytics: journeys from events; paths, funnel, rework, pain points, figures."""

from __future__ import annotations

from cxkit.journeys._cases import SegmentView, cases
from cxkit.journeys._discovery import (
    PATH_SEPARATOR,
    funnel,
    touchpoint_channels,
    transitions,
    variants,
)
from cxkit.journeys._figures import funnel_figure, journey_map_figure, sankey_figure, write_html
from cxkit.journeys._painpoints import affected_customers, emotion_curve, pain_points
from cxkit.journeys._report import journey_figures, write_journey_map
from cxkit.journeys._rework import loops, ping_pong, unnecessary_steps

__all__ = [
    "PATH_SEPARATOR",
    "SegmentView",
    "affected_customers",
    "cases",
    "emotion_curve",
    "funnel",
    "funnel_figure",
    "journey_figures",
    "journey_map_figure",
    "loops",
    "pain_points",
    "ping_pong",
    "sankey_figure",
    "touchpoint_channels",
    "transitions",
    "unnecessary_steps",
    "variants",
    "write_html",
    "write_journey_map",
]
