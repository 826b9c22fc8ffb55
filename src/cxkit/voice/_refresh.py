"""Bring a workspace's voice-of-customer tables up to date in one call."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxkit.store import Workspace
from cxkit.voice._discover import discover_themes
from cxkit.voice._social import detect_alerts
from cxkit.voice._texts import score_workspace

__all__ = ["VoiceReport", "refresh"]


@dataclass
class VoiceReport:
    """What :func:`refresh` did."""

    scored: dict[str, int]
    themes: int
    alerts: pd.DataFrame


def refresh(ws: Workspace, n_themes: int = 16, seed: int = 0) -> VoiceReport:
    """Score every text, discover themes and detect social alerts; store all of them."""
    scored = score_workspace(ws)
    model = discover_themes(ws, n_themes=n_themes, seed=seed)
    alerts = detect_alerts(ws, source="social")
    return VoiceReport(scored, len(model.themes_), alerts)
