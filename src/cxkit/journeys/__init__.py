"""Journey analytics: journeys discovered from events, their paths, funnel, rework and pain points."""

from __future__ import annotations

from cxkit.journeys._cases import cases
from cxkit.journeys._discovery import PATH_SEPARATOR, funnel, transitions, variants
from cxkit.journeys._painpoints import emotion_curve, pain_points
from cxkit.journeys._rework import loops, ping_pong, unnecessary_steps

__all__ = [
    "PATH_SEPARATOR",
    "cases",
    "emotion_curve",
    "funnel",
    "loops",
    "pain_points",
    "ping_pong",
    "transitions",
    "unnecessary_steps",
    "variants",
]
