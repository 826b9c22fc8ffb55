"""The data model: tables, columns, keys and vocabularies, defined once.

Tables come in three kinds, declared apart: canonical (the company's data, `TABLES`),
derived (rebuildable outputs, `DERIVED_TABLES`) and operational (the workspace's own
records, `OPERATIONAL_TABLES`). The kind decides what `mirror` copies, what a rebuild
clears and what an erasure must touch.
"""

from __future__ import annotations

from cxkit.schema._canonical import SEQ, TABLES
from cxkit.schema._catalog import ALL_TABLES, SYSTEM_TABLES, table_spec, tables_of_kind
from cxkit.schema._derived import DERIVED_TABLES, FEEDBACK_SENTIMENT
from cxkit.schema._operational import (
    BATCHES,
    LOAD_CHANGES,
    OPERATIONAL_TABLES,
    QUARANTINE,
    WORKSPACE_META,
)
from cxkit.schema._spec import KINDS, Column, TableSpec, TimeOrder
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
    "ALL_TABLES",
    "BATCHES",
    "CHANNELS",
    "DERIVED_TABLES",
    "FEEDBACK_SENTIMENT",
    "FEEDBACK_SOURCES",
    "KINDS",
    "LOAD_CHANGES",
    "OPERATIONAL_TABLES",
    "ORDER_STATUSES",
    "QUARANTINE",
    "SCORE_SCALES",
    "SEQ",
    "STAGES",
    "SYSTEM_TABLES",
    "TABLES",
    "WORKSPACE_META",
    "Column",
    "ScoreScale",
    "TableSpec",
    "TimeOrder",
    "default_vocabularies",
    "now_utc",
    "table_spec",
    "tables_of_kind",
]
