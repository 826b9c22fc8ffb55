"""Ingest records sent by other systems (the web API): all of a batch lands, or none of it.

Records are checked by the same canonical validation as files; a batch with any bad record
is refused as a whole, with a reason per bad record, so the sender can fix and resend it.
A busy server gets many small batches: `ingest_batches` checks several at once with one
query (its SQL compiled once per connection, `Workspace.run`) and writes the clean ones in
one transaction; a bad record refuses only its own batch, and the later batch wins a key
two of them share.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from cxkit.errors import UnknownTable
from cxkit.ingest._pipeline import next_seq_base
from cxkit.ingest._validate import validate
from cxkit.schema import BATCHES, TABLES, now_utc, table_spec
from cxkit.store import IngestSettings, Workspace

__all__ = ["RecordsResult", "ingest_batches", "ingest_records"]

#: The name the validation query gives its input rows.
_INPUT = "_cx_records"


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


def _encodable(text: str) -> bool:
    """Return whether ``text`` can be stored: UTF-8 has no lone surrogates (JSON can send them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@functools.lru_cache(maxsize=64)
def _validator(
    table: str, vocabulary: tuple[tuple[str, tuple[str, ...]], ...], plausible: tuple[str, float]
) -> ir.Table:
    """Build the validation query of ``table`` over an unbound input table (once)."""
    spec = table_spec(table)
    schema = {c.name: "string" for c in spec.source_columns} | {"_row": "int64", "_batch": "int64"}
    rows = ibis.table(schema, name=_INPUT)
    return validate(
        rows, spec, dict(vocabulary), within=("_batch",), plausible=IngestSettings(*plausible)
    )


def ingest_batches(
    ws: Workspace,
    table: str,
    batches: Sequence[Sequence[Mapping[str, Any]]],
    *,
    dry_run: bool = False,
) -> list[RecordsResult]:
    """Validate each batch of ``records`` against ``table``; store every batch that is clean.

    Parameters
    ----------
    ws
        The workspace; the caller holds whatever write lock it needs.
    table
        A canonical table (``events``, ``orders``, ``tickets``, ``responses``, ...).
    batches
        Batches of records (column name -> JSON value); unknown columns make a record bad.
    dry_run
        Only check: report bad records, store nothing.

    Returns
    -------
    One result per batch, in order: rows stored, or every bad record (numbered from 1
    within its batch) and why.
    """
    if table not in TABLES:
        raise UnknownTable(table, sorted(TABLES))
    spec = table_spec(table)
    names = tuple(c.name for c in spec.source_columns)
    results = [RecordsResult(table) for _ in batches]
    origin: list[tuple[int, int]] = []  # (batch, record number) of each input row
    values: dict[str, list[str | None]] = {c: [] for c in names}
    for b, records in enumerate(batches):
        for i, record in enumerate(records, start=1):
            extra = sorted(set(record) - set(names))
            if extra:
                results[b].rejected.append((i, f"{', '.join(extra)}: not a column of {table}"))
            for c in names:
                text = _text(record.get(c))
                if text is not None and not _encodable(text):
                    results[b].rejected.append((i, f"{c}: not valid Unicode (a lone surrogate)"))
                    text = None
                values[c].append(text)
            origin.append((b, i))
    if not origin:
        return results
    rows = pa.table(
        {c: pa.array(values[c], pa.string()) for c in names}
        | {
            "_row": pa.array([i for _, i in origin], pa.int64()),  # numbered per batch
            "_batch": pa.array([b for b, _ in origin], pa.int64()),
        }
    )
    vocabulary = tuple(sorted(ws.vocabulary().items()))
    plausible = (ws.config.ingest.earliest, ws.config.ingest.days_ahead)  # [ingest], hashable
    checked = ws.run(_validator(table, vocabulary, plausible), {_INPUT: rows})
    checked = checked.sort_by([("_batch", "ascending"), ("_row", "ascending")])
    bad = checked.filter(pc.not_equal(checked["_reason"], ""))
    for b, i, reason in zip(
        *(bad[c].to_pylist() for c in ("_batch", "_row", "_reason")), strict=True
    ):
        results[b].rejected.append((i, str(reason)))
    for result in results:
        result.rejected.sort()
    clean = [b for b, r in enumerate(results) if not r.rejected and batches[b]]
    if dry_run or not clean:
        return results
    good = checked.filter(pc.is_in(checked["_batch"], pa.array(clean, pa.int64())))
    with ws.transaction():
        base = next_seq_base(ws)
        rows = _last_per_key(good, spec.key)
        stored = rows.select(list(names))
        if "seq" in spec.column_names:  # the batch's order, after every earlier load
            place = {b: i for i, b in enumerate(clean)}  # each stored batch: one log row
            seq = [
                base + (place[b] << 32) + i
                for b, i in zip(rows["_batch"].to_pylist(), rows["_row"].to_pylist(), strict=True)
            ]
            stored = stored.append_column("seq", pa.array(seq, pa.int64()))
        ws.merge(table, stored)
        ws.append("batches", _log(table, [len(batches[b]) for b in clean], base))
    for b in clean:
        result = results[b]
        result.stored = len(batches[b])
        mine = good.filter(pc.equal(good["_batch"], b))
        result.rows = mine.select(list(names))
    return results


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
    return ingest_batches(ws, table, [records], dry_run=dry_run)[0]


def _last_per_key(rows: pa.Table, key: Sequence[str]) -> pa.Table:
    """Keep, of rows sharing a key (from different batches), the last one."""
    if not key or rows.num_rows < 2:
        return rows
    seen: set[tuple[Any, ...]] = set()
    keep = [False] * rows.num_rows
    columns = [rows[k].to_pylist() for k in key]
    for j in range(rows.num_rows - 1, -1, -1):
        k = tuple(col[j] for col in columns)
        if k not in seen:
            seen.add(k)
            keep[j] = True
    return rows.filter(pa.array(keep))


def _log(table: str, sizes: list[int], base: int) -> pa.Table:
    """One `batches` row per stored API batch (the load log; not undoable: no changes kept)."""
    now = now_utc()
    n = len(sizes)
    columns: dict[str, pa.Array] = {
        "batch_id": pa.array([f"api-{uuid.uuid4().hex[:12]}" for _ in sizes]),
        "table_name": pa.array([table] * n),
        "source_file": pa.array(["api"] * n),
        "rows_read": pa.array(sizes, pa.int64()),
        "rows_stored": pa.array(sizes, pa.int64()),
        "rows_quarantined": pa.array([0] * n, pa.int64()),
        "ingested_at": pa.array([now] * n, pa.timestamp("us")),
        "file_sha256": pa.nulls(n, pa.string()),
        "columns": pa.nulls(n, pa.string()),
        "rows_inserted": pa.nulls(n, pa.int64()),
        "rows_updated": pa.nulls(n, pa.int64()),
        "seq_base": pa.array([base + (b << 32) for b in range(n)], pa.int64()),
        "undone_at": pa.nulls(n, pa.timestamp("us")),
    }
    assert list(columns) == list(BATCHES.column_names)
    return pa.table(columns)
