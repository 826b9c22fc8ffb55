"""The ingest job: read -> map -> validate, then quarantine -> upsert -> record in one transaction.

Each step is a small function over a `Load`; the write steps run in one transaction, so a
failure anywhere leaves the workspace exactly as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from cxkit.errors import UnreadableFile
from cxkit.ingest._fields import infer_types, wider
from cxkit.ingest._mapping import Mapping
from cxkit.ingest._readers import SourceFile, prepare, shorten
from cxkit.ingest._validate import validate
from cxkit.schema import BATCHES, QUARANTINE, Column, TableSpec, now_utc, table_spec
from cxkit.store import Workspace

__all__ = ["IngestResult", "Load", "ingest", "ingest_rows"]

log = logging.getLogger(__name__)

#: Called as ``progress(step, done, total)`` after each step.
Progress = Callable[[str, int, int], None]


@dataclass
class IngestResult:
    """What one ingest did: rows read = rows stored + rows quarantined."""

    table: str
    file: str
    batch_id: str
    rows_read: int
    rows_stored: int
    rows_quarantined: int
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: Of the rows stored: new keys, and keys merged into a stored row.
    rows_inserted: int = 0
    rows_updated: int = 0
    #: Custom fields this load added to the table (name -> type).
    new_fields: dict[str, str] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        """Rows read per second of wall time."""
        return self.rows_read / self.seconds if self.seconds else float("nan")


@dataclass
class Load:
    """The state of one ingest as it moves through the steps."""

    workspace: Workspace
    spec: TableSpec
    path: Path
    mapping: Mapping
    options: dict[str, Any]
    batch_id: str = ""
    source: SourceFile | None = None
    staged: ir.Table | None = None
    rejects: list[Any] = field(default_factory=list)
    checked: ir.Table | None = None
    rows_read: int = 0
    rows_stored: int = 0
    rows_quarantined: int = 0
    warnings: list[str] = field(default_factory=list)
    #: Rows already read by an importer (text columns and ``_row``), instead of a file.
    rows: pa.Table | None = None
    file_sha256: str = ""
    #: The table as this load writes it: the source columns plus its custom fields.
    target: TableSpec | None = None
    #: Target column -> the source column (or rule) it came from, for the load log.
    columns: dict[str, str] = field(default_factory=dict)
    new_fields: dict[str, str] = field(default_factory=dict)
    widened: dict[str, str] = field(default_factory=dict)
    rows_inserted: int = 0
    rows_updated: int = 0
    seq_base: int = 0


def _new_batch(load: Load, content: str) -> None:
    """Give the load its own id; ``content`` (the file's SHA-256) says what was loaded."""
    load.file_sha256 = content
    load.batch_id = uuid.uuid4().hex[:12]


def read(load: Load) -> None:
    """Check the file, read it into a staging table, and count what was read."""
    if load.rows is not None:
        _stage_rows(load, load.rows)
        return
    options = {**load.mapping.source, **load.options}
    load.source = prepare(load.path, options)
    with open(load.path, "rb") as fh:
        _new_batch(load, hashlib.file_digest(fh, "sha256").hexdigest())
    ws = load.workspace
    try:
        load.staged, load.rejects = ws.stage(
            load.source.read_path, load.source.fmt, load.source.options
        )
    except UnreadableFile as exc:
        # The engine names its temporary copy and may quote a whole (huge) line.
        message = shorten(str(exc).replace(str(load.source.read_path), str(load.path)))
        raise UnreadableFile(message, file=str(load.path)) from None
    load.rows_read = ws.count(load.staged) + len(load.rejects)


def _stage_rows(load: Load, rows: pa.Table) -> None:
    """Stage rows an importer has read: text columns, ``_row`` numbering them in the file."""
    if load.path.is_file():
        with open(load.path, "rb") as fh:
            content = hashlib.file_digest(fh, "sha256").hexdigest()
    else:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, rows.schema) as writer:
            writer.write_table(rows)
        content = hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
    _new_batch(load, content)
    text = rows.select([c for c in rows.column_names if c != "_row"]).cast(
        pa.schema([(c, pa.string()) for c in rows.column_names if c != "_row"])
    )
    text = text.append_column("_row", rows["_row"].cast(pa.int64()))
    staged = ibis.memtable(text)
    load.staged = load.workspace.materialize(staged, f"_stage_{load.batch_id}")
    load.rows_read = rows.num_rows


def map_and_validate(load: Load) -> None:
    """Map the source columns to the canonical ones, type them and flag bad rows."""
    assert load.staged is not None
    ws, spec = load.workspace, load.spec
    mapped = load.mapping.apply(load.staged, spec, str(load.path))
    load.columns = load.mapping.sources(load.staged, spec)
    fields = load.mapping.custom_fields(load.staged, spec)
    stored = ws.fields(spec.name)
    declared = {n: kind for n, (_, kind) in fields.items() if n not in stored and kind}
    guessed = infer_types(mapped, [n for n in fields if n not in declared], empty="")
    load.new_fields = declared | {n: t or "string" for n, t in guessed.items() if n not in stored}
    # A stored field whose new values do not fit its type is widened (3 -> 2.5 -> "n/a"):
    # refusing them would lose them, and every stored value converts to the wider type.
    load.widened = {
        n: wider(stored[n], t)
        for n, t in guessed.items()
        if n in stored and t and wider(stored[n], t) != stored[n]
    }
    types = {n: load.widened.get(n) or stored.get(n) or load.new_fields[n] for n in fields}
    extra = tuple(Column(n, t, custom=True) for n, t in types.items())
    load.target = dataclasses.replace(spec, columns=spec.source_columns + extra)
    formats = load.mapping.timestamp_formats()
    checked = validate(mapped, load.target, ws.vocabulary(), formats, plausible=ws.config.ingest)
    load.checked = ws.materialize(checked, f"_checked_{load.batch_id}")


def warn_unknown_customers(load: Load) -> None:
    """Warn (not quarantine) about rows whose customer is not in ``customers``."""
    if not load.spec.references_customers or load.spec.name == "customers":
        return
    assert load.checked is not None
    good = load.checked.filter((load.checked._reason == "") & load.checked.customer_id.notnull())
    customers = load.workspace.table("customers")
    unknown = good.anti_join(customers, good.customer_id == customers.customer_id)
    n = load.workspace.count(unknown)
    if n:
        load.warnings.append(
            f"{load.path}: {n:,} rows reference customer ids not in the customers table "
            "(stored anyway; load customers to link them)"
        )


def quarantine(load: Load) -> None:
    """Store every bad row and malformed line, with where and why, under the batch id."""
    assert load.checked is not None and load.staged is not None
    ws = load.workspace
    # The same file loaded again into the same table replaces what its last load quarantined.
    b = ws.table("batches")
    earlier = b.filter((b.table_name == load.spec.name) & (b.file_sha256 == load.file_sha256))
    ws.delete_matching("quarantine", earlier.select("batch_id"), ["batch_id"])
    bad = load.checked.filter(load.checked._reason != "").select("_row", "_reason", "_columns")
    source_cols = [c for c in load.staged.columns if c != "_row"]
    raw = ibis.struct({c: load.staged[c] for c in source_cols}).cast("json").cast("string")
    rows = bad.join(load.staged, "_row").select(
        batch_id=ibis.literal(load.batch_id),
        table_name=ibis.literal(load.spec.name),
        source_file=ibis.literal(str(load.path)),
        row_number=bad._row.cast("int64"),
        column_name=bad._columns,
        reason=bad._reason,
        raw=raw,
    )
    n_bad = ws.count(bad)
    if n_bad:
        ws.insert("quarantine", rows)
    if load.rejects:
        frame = pd.DataFrame(
            {
                "batch_id": load.batch_id,
                "table_name": load.spec.name,
                "source_file": str(load.path),
                "row_number": [int(row) for row, _, _ in load.rejects],
                "column_name": None,
                "reason": [str(msg) for _, msg, _ in load.rejects],
                "raw": [json.dumps({"line": text}) for _, _, text in load.rejects],
            }
        )
        ws.insert("quarantine", ibis.memtable(frame, schema=QUARANTINE.ibis_schema()))
    load.rows_quarantined = n_bad + len(load.rejects)


def add_fields(load: Load) -> None:
    """Add the custom fields this load brings as typed columns; widen those it must."""
    if load.new_fields:
        load.workspace.add_fields(load.spec.name, load.new_fields)
    if load.widened:
        load.workspace.widen_fields(load.spec.name, load.widened)


def upsert(load: Load) -> None:
    """Merge the valid rows by key: values this file lacks keep what earlier loads stored."""
    assert load.checked is not None and load.target is not None
    ws = load.workspace
    checked = load.checked
    good = checked.filter(checked._reason == "")
    columns: dict[str, ir.Value] = {c: good[c] for c in load.target.column_names}
    load.seq_base = next_seq_base(ws)
    if "seq" in load.spec.column_names:
        columns["seq"] = good._row.cast("int64") + load.seq_base
    good = good.select(**columns)
    load.rows_stored = ws.count(good)
    if load.rows_stored:
        load.rows_inserted, load.rows_updated = ws.merge(
            load.spec.name, good, changes=load.batch_id
        )


def next_seq_base(ws: Workspace) -> int:
    """Return the ``seq`` of row 0 of the next load: loads sort in order, rows within them."""
    return (ws.count("batches") + 1) << 32


def record(load: Load) -> None:
    """Log the load: file, hash, columns, counts (`cx loads` lists it; undo reads it)."""
    row = {
        "batch_id": load.batch_id,
        "table_name": load.spec.name,
        "source_file": str(load.path),
        "rows_read": load.rows_read,
        "rows_stored": load.rows_stored,
        "rows_quarantined": load.rows_quarantined,
        "ingested_at": now_utc(),
        "file_sha256": load.file_sha256,
        "columns": json.dumps(load.columns),
        "rows_inserted": load.rows_inserted,
        "rows_updated": load.rows_updated,
        "seq_base": load.seq_base,
        "undone_at": None,
    }
    load.workspace.insert("batches", pd.DataFrame([row], columns=list(BATCHES.column_names)))


#: Steps that only read and stage; nothing in the workspace changes.
READ_STEPS: tuple[Callable[[Load], None], ...] = (read, map_and_validate, warn_unknown_customers)
#: Steps that write, run in one transaction.
WRITE_STEPS: tuple[Callable[[Load], None], ...] = (quarantine, add_fields, upsert, record)


def ingest(
    workspace: Workspace,
    table: str,
    path: str | Path,
    *,
    mapping: str | Path | Mapping | None = None,
    options: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Load a CSV, Parquet or NDJSON file into a canonical table.

    Valid rows are upserted by the table's key; bad rows go to ``quarantine`` with the
    reason. The writes are one transaction: on any error nothing changes.

    Parameters
    ----------
    workspace
        The workspace to load into.
    table
        Canonical table name, e.g. ``orders``.
    path
        The file.
    mapping
        A mapping file, a shipped mapping's name, or a `Mapping`; default: columns by name.
    options
        Reader options (``format``, ``delimiter``, ``header``, ``encoding``) overriding the
        mapping's ``[source]``.
    progress
        Called as ``progress(step, done, total)`` after each step.
    """
    spec = table_spec(table)
    if not isinstance(mapping, Mapping):
        mapping = Mapping.load(mapping) if mapping is not None else Mapping()
    load = Load(workspace, spec, Path(path), mapping, dict(options or {}))
    return _run(load, progress)


def ingest_rows(
    workspace: Workspace,
    table: str,
    rows: pa.Table,
    *,
    file: str | Path,
    mapping: Mapping | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Load rows an importer has read from ``file`` into a canonical table, as `ingest` does.

    ``rows`` holds the source's columns (cast to text) and ``_row``, each row's record
    number in ``file`` (quarantine names it); ``mapping`` turns them into the table's columns.
    """
    if "_row" not in rows.column_names:
        raise ValueError("rows need a _row column: the record's number in its file")
    load = Load(workspace, table_spec(table), Path(file), mapping or Mapping(), {}, rows=rows)
    return _run(load, progress)


def _run(load: Load, progress: Progress | None) -> IngestResult:
    """Run the read steps, then the write steps in one transaction."""
    started = time.perf_counter()
    spec, workspace, path = load.spec, load.workspace, load.path
    load.mapping.check(spec)
    steps = len(READ_STEPS) + len(WRITE_STEPS)
    try:
        for i, step in enumerate(READ_STEPS, 1):
            step(load)
            if progress:
                progress(step.__name__, i, steps)
        with workspace.transaction():
            for i, step in enumerate(WRITE_STEPS, len(READ_STEPS) + 1):
                step(load)
                if progress:
                    progress(step.__name__, i, steps)
    finally:
        if load.source is not None:
            load.source.cleanup()
    elapsed = time.perf_counter() - started
    log.info(
        "%s -> %s: %d read, %d stored, %d quarantined in %.2fs",
        path,
        spec.name,
        load.rows_read,
        load.rows_stored,
        load.rows_quarantined,
        elapsed,
    )
    return IngestResult(
        spec.name,
        str(load.path),
        load.batch_id,
        load.rows_read,
        load.rows_stored,
        load.rows_quarantined,
        load.warnings,
        elapsed,
        load.rows_inserted,
        load.rows_updated,
        load.new_fields,
    )
