"""Ingest files into a workspace: read, map, validate, quarantine, upsert."""

from __future__ import annotations

from cxkit.ingest._loads import Undone, list_loads, undo_load
from cxkit.ingest._mapping import Mapping, builtin_mappings, field_name
from cxkit.ingest._pipeline import IngestResult, ingest, ingest_rows
from cxkit.ingest._readers import FORMATS
from cxkit.ingest._records import RecordsResult, ingest_batches, ingest_records
from cxkit.ingest._suggest import Suggestion, suggest_mapping

__all__ = [
    "FORMATS",
    "IngestResult",
    "Mapping",
    "RecordsResult",
    "Suggestion",
    "Undone",
    "builtin_mappings",
    "field_name",
    "ingest",
    "ingest_batches",
    "ingest_records",
    "ingest_rows",
    "list_loads",
    "suggest_mapping",
    "undo_load",
]
