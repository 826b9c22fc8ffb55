"""The load log: every load listed, and a file load undone exactly.

Each file load records its keys and, for keys that were stored already, the whole row as it
was (``load_changes``). Undo deletes the load's rows and puts those back. A later load that
changed some of the same rows must be undone first: otherwise undo would erase its work.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from cxkit.errors import IngestError
from cxkit.schema import now_utc, table_spec
from cxkit.store import Workspace

__all__ = ["Undone", "list_loads", "undo_load"]


@dataclass(frozen=True)
class Undone:
    """What undoing a load did."""

    batch_id: str
    table: str
    #: Rows the load had added, now gone.
    rows_removed: int
    #: Rows the load had changed, now as they were before it.
    rows_restored: int
    quarantine_removed: int


def list_loads(ws: Workspace) -> ir.Table:
    """Return the load log, newest first: file, table, rows, hash, whether undone."""
    b = ws.table("batches")
    return b.order_by([ibis.desc(b.seq_base), ibis.desc(b.ingested_at)])


def _typed(value: ir.JSONValue, dtype: dt.DataType) -> ir.Value:
    """Read a JSON value of a before-image back as a column of type ``dtype``."""
    if dtype.is_integer():
        return value.int
    if dtype.is_floating():
        return value.float
    if dtype.is_boolean():
        return value.bool
    if dtype.is_timestamp():
        return value.str.cast("timestamp")
    return value.str


def undo_load(ws: Workspace, batch_id: str) -> Undone:
    """Take back file load ``batch_id``: its new rows removed, changed rows as they were.

    Raises `IngestError` for an unknown or API load, one already undone, or one whose rows
    a later load changed again (undo that one first).
    """
    b = ws.table("batches")
    found = b.filter(b.batch_id == batch_id).to_pyarrow().to_pylist()
    if not found:
        raise IngestError(f"no load {batch_id!r}; `cx loads` lists them")
    load = found[0]
    table = load["table_name"]
    if load["undone_at"] is not None:
        raise IngestError(
            f"load {batch_id} was undone already, at {load['undone_at']:%Y-%m-%d %H:%M}"
        )
    changes = ws.table("load_changes")
    mine = changes.filter(changes.batch_id == batch_id)
    if load["seq_base"] is None or (load["rows_stored"] and not ws.count(mine.limit(1))):
        raise IngestError(
            f"load {batch_id} ({load['source_file']}) has no record of what it changed "
            "(an API batch, or a load made before cxkit kept one): it cannot be undone"
        )
    later = b.filter(
        (b.table_name == table) & b.undone_at.isnull() & (b.seq_base > load["seq_base"])
    )
    theirs = changes.join(later.select("batch_id"), "batch_id")
    clash = theirs.join(mine.select("row_key"), "row_key")
    blocking = clash.group_by(clash.batch_id).aggregate(n=clash.count()).to_pyarrow().to_pylist()
    if blocking:
        named = ", ".join(f"{r['batch_id']} ({r['n']:,} rows)" for r in blocking)
        raise IngestError(
            f"later loads changed rows of load {batch_id} again: {named}; undo those first"
        )
    spec = table_spec(table)
    stored = ws.table(table)
    schema = stored.schema()
    keyed = mine.mutate(_k=mine.row_key.cast("json"))
    keys = keyed.select(**{k: _typed(keyed._k[k], schema[k]) for k in spec.key})
    restored = mine.filter(mine.before.notnull())
    image = restored.mutate(_b=restored.before.cast("json"))
    before = image.select(**{c: _typed(image._b[c], t).cast(t).name(c) for c, t in schema.items()})
    n_restored = ws.count(restored)
    n_keys = ws.count(mine)
    q = ws.table("quarantine")
    n_quarantine = ws.count(q.filter(q.batch_id == batch_id))
    with ws.transaction():
        ws.delete_matching(table, ws.materialize(keys, f"_undo_keys_{batch_id}"))
        if n_restored:
            ws.insert(table, ws.materialize(before, f"_undo_rows_{batch_id}"))
        ws.delete_matching(
            "quarantine", q.filter(q.batch_id == batch_id).select("batch_id"), ["batch_id"]
        )
        ws.upsert("batches", [{**load, "undone_at": now_utc()}])
    return Undone(batch_id, table, n_keys - n_restored, n_restored, n_quarantine)
