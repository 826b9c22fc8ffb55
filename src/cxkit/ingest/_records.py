"""Ingest records sent by other systems (the web API): all of a batch lands, or none of it.

Records are checked by the same canonical validation as files; a batch with any bad record
is refused as a whole, with a reason per bad record, so the sender can fix and resend it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from cxkit.errors import UnknownTable
from cxkit.ingest._validate import validate
from cxkit.schema import TABLES, now_utc, table_spec
from cxkit.store import Workspace

__all__ = ["RecordsResult", "ingest_records"]


@dataclass
class RecordsResult:
    """What became of a batch: rows stored, or every bad record (numbered from 1) and why."""

    table: str
    stored: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    #: The stored rows, typed (for follow-up work such as post-ticket surveys).
    rows: pa.Table | None = None


def _text(value: Any) -> str | None:
    """Return a JSON value as the text a file would hold, so validation treats both alike."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def ingest_records(
    ws: Workspace, table: str, records: Sequence[Mapping[str, Any]], *, dry_run: bool = False
) -> RecordsResult:
    """Validate ``records`` against canonical table ``table`` and upsert them if all are valid.

    Parameters
    ----------
    ws
        The workspace; the caller holds whatever write lock it needs.
    table
        A canonical table (``events``, ``orders``, ``tickets``, ``responses``, ...).
    records
        Column name -> value; unknown column names make a record bad.
    dry_run
        Only check: report bad records, store nothing.
    """
    if table not in TABLES:
        raise UnknownTable(table, sorted(TABLES))
    spec = table_spec(table)
    result = RecordsResult(table)
    if not records:
        return result
    names = set(spec.column_names)
    for i, record in enumerate(records, start=1):
        extra = sorted(set(record) - names)
        if extra:
            result.rejected.append((i, f"{', '.join(extra)}: not a column of {table}"))
    frame = pd.DataFrame(
        [{c: _text(r.get(c)) for c in spec.column_names} for r in records],
        columns=list(spec.column_names),
        dtype=object,
    ).assign(_row=range(1, len(records) + 1))
    schema = dict.fromkeys(spec.column_names, "string") | {"_row": "int64"}
    rows = ibis.memtable(frame, schema=schema)
    checked = validate(rows, spec, ws.vocabulary(), plausible=ws.config.ingest).to_pyarrow()
    bad = checked.filter(pa.compute.not_equal(checked["_reason"], ""))
    result.rejected += [
        (int(r), str(reason))
        for r, reason in zip(bad["_row"].to_pylist(), bad["_reason"].to_pylist(), strict=True)
    ]
    if result.rejected or dry_run:
        result.rejected.sort()
        return result
    good = checked.select(list(spec.column_names))
    expr = ibis.memtable(good, schema=spec.ibis_schema())
    log = pd.DataFrame(
        {
            "batch_id": [f"api-{uuid.uuid4().hex[:12]}"],
            "table_name": [table],
            "source_file": ["api"],
            "rows_read": [len(records)],
            "rows_stored": [len(records)],
            "rows_quarantined": [0],
            "ingested_at": [now_utc()],
        }
    )
    with ws.transaction():
        ws.upsert(table, expr)
        ws.insert("batches", log)
    result.stored, result.rows = len(records), good
    return result
