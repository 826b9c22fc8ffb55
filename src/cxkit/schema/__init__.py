"""The canonical data model: tables, columns, keys and vocabularies, defined once."""

from __future__ import annotations

from cxkit.schema._tables import (
    BATCHES,
    FEEDBACK_SENTIMENT,
    QUARANTINE,
    SYSTEM_TABLES,
    TABLES,
    Column,
    TableSpec,
    TimeOrder,
    table_spec,
)
from cxkit.schema._time import now_utc
from cxkit.schema._vocabularies import (
    CHANNELS,
    FEEDBACK_SOURCES,
    ORDER_STATUSES,
    SCORE_SCALES,
    STAGES,
    ScoreScale,
    default_vocabularies,
)

__all__ = [
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
    "now_utc",
    "table_spec",
]
