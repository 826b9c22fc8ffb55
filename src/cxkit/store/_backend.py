"""The engine behind a workspace, chosen by URL, behind one small interface.

Only this package knows which engine runs; capabilities receive ``ibis.Table`` expressions.
"""

from __future__ import annotations

import abc
import contextlib
import importlib
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cxkit.errors import ConfigError
from cxkit.schema import ALL_TABLES, TableSpec

__all__ = ["ENGINES", "Backend", "connect", "mirror"]


class Backend(abc.ABC):
    """An Ibis connection plus the few writes and file reads ingest needs."""

    #: URL scheme this backend serves, e.g. ``duckdb``.
    scheme: str

    def __init__(self, con: Any) -> None:
        self.con = con

    def table(self, name: str) -> ir.Table:
        """Return the table ``name`` as an Ibis expression."""
        return self.con.table(name)

    def list_tables(self) -> list[str]:
        """Return the names of the tables that exist."""
        return list(self.con.list_tables())

    def create_tables(self, specs: Iterable[TableSpec]) -> list[str]:
        """Create the tables of ``specs`` that do not exist yet; return their names."""
        existing = set(self.list_tables())
        made = []
        for spec in specs:
            if spec.name not in existing:
                self.create_table(spec)
                made.append(spec.name)
        return made

    def create_table(self, spec: TableSpec) -> None:
        """Create the (missing) table of ``spec``."""
        self.con.create_table(spec.name, schema=spec.ibis_schema())

    def add_columns(self, name: str, columns: Mapping[str, Any]) -> None:
        """Add nullable ``columns`` (name -> Ibis type) to table ``name`` (custom fields)."""
        self._alter(name, columns, "ADD COLUMN {column} {type}")

    def retype_columns(self, name: str, columns: Mapping[str, Any]) -> None:
        """Change the type of ``columns`` (name -> Ibis type) of table ``name``, values cast."""
        self._alter(name, columns, "ALTER COLUMN {column} TYPE {type}")

    def _alter(self, name: str, columns: Mapping[str, Any], clause: str) -> None:
        """Run ``ALTER TABLE name <clause>`` per column, names quoted, types in the dialect."""
        import sqlglot.expressions as sge

        mapper, dialect = self.con.compiler.type_mapper, self.con.compiler.dialect
        table = sge.to_identifier(name, quoted=True).sql(dialect)
        for column, dtype in columns.items():
            sql_type = mapper.from_ibis(ibis.dtype(dtype)).sql(dialect)
            quoted = sge.to_identifier(column, quoted=True).sql(dialect)
            self.con.raw_sql(f"ALTER TABLE {table} {clause.format(column=quoted, type=sql_type)}")

    def backup(self, dest: Path) -> Path:
        """Copy the whole database to ``dest`` (taken before a migration)."""
        raise ConfigError(f"the {self.scheme} backend cannot back up a workspace")

    def execute_count(self, expr: ir.Table) -> int:
        """Return the number of rows of ``expr``."""
        return int(expr.count().execute())

    def row_count(self, name: str) -> int:
        """Return the number of rows of table ``name``."""
        return self.execute_count(self.table(name))

    def insert(self, name: str, expr: ir.Table) -> None:
        """Append the rows of ``expr`` to table ``name``."""
        self.con.insert(name, expr)

    @abc.abstractmethod
    def delete_matching(self, name: str, expr: ir.Table, keys: Sequence[str]) -> None:
        """Delete rows of ``name`` whose ``keys`` match a row of ``expr``."""

    def upsert(self, name: str, expr: ir.Table, keys: Sequence[str]) -> None:
        """Insert the rows of ``expr`` into ``name``, replacing rows with the same key."""
        if self.execute_count(self.table(name).limit(1)):
            self.delete_matching(name, expr, keys)
        self.insert(name, expr)

    def upsert_rows(self, name: str, rows: pa.Table, keys: Sequence[str]) -> None:
        """`upsert` Arrow ``rows`` holding the table's columns in order."""
        self.upsert(name, ibis.memtable(rows), keys)

    def merge(
        self, name: str, expr: ir.Table, keys: Sequence[str], changes: str | None = None
    ) -> tuple[int, int]:
        """Merge ``expr`` into ``name`` by ``keys``; return (rows inserted, rows updated).

        A stored row keeps every value ``expr`` does not give: a column it lacks, or a null
        in it (unknown, not erased). With ``changes`` (a batch id), each key and the row as
        it was before go to ``load_changes``, so the merge can be undone exactly.
        """
        tag = uuid.uuid4().hex[:12]
        old = self.table(name)
        types = old.schema()
        new = self.materialize(
            expr.select(
                *[expr[c].cast(types[c].copy(nullable=True)).name(c) for c in expr.columns]
            ),
            f"_new_{tag}",
        )
        prior = old.rename({f"_old_{c}": c for c in old.columns})
        joined = new.left_join(prior, [new[k] == prior[f"_old_{k}"] for k in keys])
        known = joined[f"_old_{keys[0]}"].notnull()
        merged = self.materialize(
            joined.select(
                _known=known,
                **{
                    c: ibis.coalesce(joined[c], joined[f"_old_{c}"])
                    if c in new.columns
                    else joined[f"_old_{c}"]
                    for c in old.columns
                },
                **(
                    {}
                    if changes is None
                    else {
                        "_before": ibis.ifelse(
                            known,
                            ibis.struct({c: joined[f"_old_{c}"] for c in old.columns})
                            .cast("json")
                            .cast("string"),
                            ibis.null("string"),
                        )
                    }
                ),
            ),
            f"_merged_{tag}",
        )
        updated = self.execute_count(merged.filter(merged._known))
        total = self.execute_count(merged)
        if changes is not None:
            self.insert(
                "load_changes",
                merged.select(
                    batch_id=ibis.literal(changes),
                    table_name=ibis.literal(name),
                    row_key=ibis.struct({k: merged[k] for k in keys}).cast("json").cast("string"),
                    before=merged._before,
                ),
            )
        if updated:
            self.delete_matching(name, merged.filter(merged._known), keys)
        self.insert(name, merged.select(*old.columns))
        return total - updated, updated

    def merge_rows(self, name: str, rows: pa.Table, keys: Sequence[str]) -> None:
        """`merge` Arrow ``rows`` (no undo record): the API's path, for small batches."""
        self.merge(name, ibis.memtable(rows), keys)

    def run(self, expr: ir.Table, inputs: Mapping[str, pa.Table]) -> pa.Table:
        """Compute ``expr`` over the unbound tables named in ``inputs`` (temporary tables here)."""
        for name, rows in inputs.items():
            self.con.create_table(name, rows, temp=True, overwrite=True)
        return self.con.sql(ibis.to_sql(expr, dialect=self.con.name)).to_pyarrow()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block atomically where the engine supports it."""
        yield

    @abc.abstractmethod
    def stage(self, path: Path, fmt: str, options: dict[str, Any]) -> tuple[ir.Table, list[Any]]:
        """Read a file into a temporary all-string table with a 1-based ``_row`` column.

        Returns the table and the file's malformed lines as ``(line, message, text)``.
        """

    @abc.abstractmethod
    def materialize(self, expr: ir.Table, name: str) -> ir.Table:
        """Compute ``expr`` once into a temporary table and return that table."""

    def load(self, name: str, data: Any) -> None:
        """Replace table ``name`` with ``data`` (an Arrow table)."""
        self.con.create_table(name, data, overwrite=True)

    def append(self, name: str, rows: pa.Table) -> None:
        """Append Arrow ``rows`` (the table's columns, in order) to table ``name``."""
        self.insert(name, ibis.memtable(rows))

    def claim(self, name: str, rows: pa.Table, key: str, flag: str) -> list[str]:
        """Copy ``rows`` onto rows of ``name`` with the same ``key`` and a null ``flag``.

        Returns the keys claimed this way. The check and the write are one step, so two
        writers cannot claim the same row (survey invitations are answered once this way).
        """
        t = self.table(name)
        keys = rows.column(key).to_pylist()
        open_ = t.filter(t[key].isin(keys) & t[flag].isnull()).select(key).to_pyarrow()
        claimed = set(open_.column(key).to_pylist())
        if not claimed:
            return []
        mask = pa.array([k in claimed for k in keys])
        updates = ibis.memtable(rows.filter(mask))
        current = t.filter(t[key].isin(list(claimed))).drop(
            *[c for c in rows.column_names if c != key]
        )
        merged = current.join(updates, key).select(*t.columns)
        self.upsert(name, self.materialize(merged, f"_claim_{name}"), [key])
        return [k for k in keys if k in claimed]

    def close(self) -> None:
        """Release the connection."""
        with contextlib.suppress(Exception):
            self.con.disconnect()


#: Engines by URL scheme, as ``module:class``; imported only when a URL asks for one, so
#: an engine's own dependencies (pyspark) are needed only by those who use it.
ENGINES: dict[str, str] = {
    "duckdb": "cxkit.store._duckdb:DuckDBBackend",
    "pyspark": "cxkit.store._spark:SparkBackend",
}


def connect(url: str) -> Backend:
    """Open the backend named by ``url`` (``duckdb:///path/to/cx.duckdb``)."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    target = ENGINES.get(scheme)
    if target is None:
        raise ConfigError(
            f"unsupported backend URL {url!r}; expected one of the schemes {sorted(ENGINES)}"
        )
    module, name = target.split(":")
    cls: type[Backend] = getattr(importlib.import_module(module), name)
    return cls.from_url(url)  # type: ignore[attr-defined]


def mirror(source: Any, url: str) -> Backend:
    """Copy the tables of ``source`` (a workspace) to the engine at ``url``.

    Canonical, derived and operational tables are copied, except those holding credentials
    (users, sessions, API keys). The result hands out tables like a workspace, so metrics
    run on it unchanged.
    """
    backend = connect(url)
    for name, spec in ALL_TABLES.items():
        if not spec.secret:
            backend.load(name, source.table(name).to_pyarrow())
    return backend
