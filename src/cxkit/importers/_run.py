"""Run an importer: read its files into parts, then load each part as one ingest."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cxkit.importers._base import get_importer
from cxkit.ingest import IngestResult, ingest_rows
from cxkit.schema import TABLES
from cxkit.store import Workspace

__all__ = ["import_files"]

#: Parts load in this order: customers and touchpoints before what refers to them.
_ORDER = {name: i for i, name in enumerate(TABLES)}


def import_files(ws: Workspace, source: str, paths: Sequence[str | Path]) -> list[IngestResult]:
    """Read ``paths`` with importer ``source`` and load every part; one result per part.

    Each part is its own load (listed by ``cx loads``, undone one by one); rows read =
    rows stored + rows quarantined holds for each.
    """
    importer = get_importer(source)
    parts = importer.read([Path(p) for p in paths])
    parts.sort(key=lambda p: _ORDER[p.table])
    return [ingest_rows(ws, p.table, p.rows, file=p.file, mapping=p.mapping) for p in parts]
