"""Ingest files into a workspace: read, map, validate, quarantine, upsert."""

from __future__ import annotations

from cxkit.ingest._mapping import Mapping, builtin_mappings
from cxkit.ingest._pipeline import IngestResult, ingest
from cxkit.ingest._readers import FORMATS

__all__ = ["FORMATS", "IngestResult", "Mapping", "builtin_mappings", "ingest"]
