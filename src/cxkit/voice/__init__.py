"""Voice of customer: sentiment, themes, social listening and alerts, empathy maps."""

from __future__ import annotations

from cxkit.voice._discover import (
    discover_themes,
    merge_themes,
    rename_theme,
    theme_summary,
    theme_trend,
)
from cxkit.voice._empathy import EmpathyMap, empathy_map
from cxkit.voice._files import score_file
from cxkit.voice._refresh import VoiceReport, refresh
from cxkit.voice._sentiment import LABELS, SentimentModel, default_model, sentiment
from cxkit.voice._social import detect_alerts, social_daily
from cxkit.voice._texts import score_workspace, texts
from cxkit.voice._themes import Theme, ThemeModel

__all__ = [
    "LABELS",
    "EmpathyMap",
    "SentimentModel",
    "Theme",
    "ThemeModel",
    "VoiceReport",
    "default_model",
    "detect_alerts",
    "discover_themes",
    "empathy_map",
    "merge_themes",
    "refresh",
    "rename_theme",
    "score_file",
    "score_workspace",
    "sentiment",
    "social_daily",
    "texts",
    "theme_summary",
    "theme_trend",
]
