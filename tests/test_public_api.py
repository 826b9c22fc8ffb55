"""Each package's __all__ is exactly its intended public API."""

from __future__ import annotations

import importlib

import pytest

EXPECTED = {
    "cxkit.schema": [
        "BATCHES",
        "CHANNELS",
        "FEEDBACK_SENTIMENT",
        "FEEDBACK_SOURCES",
        "ORDER_STATUSES",
        "QUARANTINE",
        "SCORE_SCALES",
        "STAGES",
        "SYSTEM_TABLES",
        "TABLES",
        "Column",
        "ScoreScale",
        "TableSpec",
        "TimeOrder",
        "default_vocabularies",
        "table_spec",
    ],
    "cxkit.store": ["Backend", "Config", "TableSource", "Workspace", "connect", "mirror"],
    "cxkit.journeys": [
        "PATH_SEPARATOR",
        "SegmentView",
        "cases",
        "emotion_curve",
        "funnel",
        "funnel_figure",
        "journey_map_figure",
        "loops",
        "pain_points",
        "ping_pong",
        "sankey_figure",
        "transitions",
        "unnecessary_steps",
        "variants",
        "write_html",
        "write_journey_map",
    ],
    "cxkit.metrics": [
        "PERIODS",
        "REGISTRY",
        "Metric",
        "Params",
        "cohort_retention",
        "compare",
        "compute",
        "get_metric",
    ],
    "cxkit.ingest": ["FORMATS", "IngestResult", "Mapping", "builtin_mappings", "ingest"],
    "cxkit.voice": [
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
    ],
    "cxkit.demo": ["PERSONAS", "TOUCHPOINTS", "DemoReport", "Persona", "build_demo"],
    "cxkit.errors": [
        "ConfigError",
        "CxError",
        "IngestError",
        "MappingError",
        "MissingColumn",
        "UnknownTable",
        "UnreadableFile",
        "WorkspaceError",
    ],
}


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_all_is_exact(module: str) -> None:
    # Order is ruff's (RUF022, isort-style); the names must match exactly.
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(EXPECTED[module])
    for name in mod.__all__:
        assert hasattr(mod, name)
