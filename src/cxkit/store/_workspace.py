"""A workspace: a folder with ``cx.toml`` and an embedded DuckDB file.

`Workspace` is the only door to the store: capabilities read tables and write through its
methods, never through the engine behind it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeAlias

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from cxkit.errors import WorkspaceError
from cxkit.schema import ALL_TABLES, table_spec
from cxkit.store._backend import Backend, connect
from cxkit.store._config import Config
from cxkit.store._layout import Layout
from cxkit.store._migrations import MigrationPlan, plan, upgrade
from cxkit.store._source import custom_fields

__all__ = ["Access", "Workspace", "migration_plan"]

#: What `Workspace.upsert` and `Workspace.insert` take: rows as mappings, or a table.
Rows: TypeAlias = Sequence[Mapping[str, Any]] | ir.Table | pa.Table | pd.DataFrame


@dataclass
class Access:
    """The tables a block of code read and wrote, as recorded by `Workspace.tracking`."""

    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)


class Workspace:
    """One company's CX data: the canonical tables behind an Ibis backend.

    Parameters
    ----------
    path
        The workspace folder; created with ``create=True``.
    create
        Create the folder, ``cx.toml`` and the tables when missing.
    url
        Backend URL overriding ``cx.toml`` (default: ``duckdb:///<path>/cx.duckdb``).

    Opening a workspace made by an older cxkit migrates it (a backup first); `migrated`
    says what changed.

    Examples
    --------
    >>> import tempfile
    >>> with Workspace(tempfile.mkdtemp(), create=True) as ws:
    ...     ws.count("orders")
    0
    """

    def __init__(self, path: str | Path, *, create: bool = False, url: str | None = None):
        self.path = Path(path).resolve()
        self.layout = Layout(self.path)
        if not self.layout.config.exists():
            if not create:
                raise WorkspaceError(
                    f"{self.path} is not a cxkit workspace (no {self.layout.config.name}); "
                    "create one with `cx init` or `cx demo`"
                )
            self.path.mkdir(parents=True, exist_ok=True)
            Config().save(self.path)
        self.config = Config.load(self.path)
        self.url = url or self.config.url or f"duckdb:///{self.layout.database}"
        self._backend: Backend = connect(self.url)
        self._depth = 0
        self._trackers: list[Access] = []
        self.migrated: MigrationPlan = upgrade(
            self._backend, lambda version: self._backend.backup(self.layout.backup(f"v{version}"))
        )

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the backend connection."""
        self._backend.close()

    # Reading ---------------------------------------------------------------------------

    def table(self, name: str) -> ir.Table:
        """Return a table of the workspace as an Ibis expression."""
        table_spec(name)  # raises UnknownTable with the known names
        for access in self._trackers:
            access.reads.add(name)
        return self._backend.table(name)

    @contextlib.contextmanager
    def tracking(self) -> Iterator[Access]:
        """Record the tables the block reads and writes (so caches know what a write spoils)."""
        access = Access()
        self._trackers.append(access)
        try:
            yield access
        finally:
            self._trackers.remove(access)

    def _wrote(self, name: str) -> None:
        for access in self._trackers:
            access.writes.add(name)

    def run(self, expr: ir.Table, inputs: Mapping[str, pa.Table]) -> pa.Table:
        """Compute ``expr``, whose unbound tables are named in ``inputs``, as Arrow.

        The expression is compiled once per connection and reused: for small, frequent
        queries such as validating one API record, where compiling costs more than running.
        """
        return self._backend.run(expr, inputs)

    def count(self, what: str | ir.Table) -> int:
        """Return the number of rows of table ``what``, or of an expression over the tables."""
        if isinstance(what, str):
            self.table(what)  # checks the name, records the read
            return self._backend.row_count(what)
        return self._backend.execute_count(what)

    def counts(self) -> dict[str, int]:
        """Return the row count of every table."""
        return {name: self.count(name) for name in ALL_TABLES}

    def has_rows(self, name: str) -> bool:
        """Return whether table ``name`` holds at least one row."""
        return bool(self.count(self.table(name).limit(1)))

    def vocabulary(self) -> dict[str, tuple[str, ...]]:
        """Return the allowed values per vocabulary, defaults plus ``cx.toml`` extras."""
        return self.config.vocabulary()

    def to_pandas(self, name: str, **kwargs: Any) -> pd.DataFrame:
        """Return table ``name`` as a pandas DataFrame (for small tables and tests)."""
        return self.table(name).to_pandas(**kwargs)

    # Writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block atomically; a block inside another joins the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._backend.transaction():
            self._depth = 1
            try:
                yield
            finally:
                self._depth = 0

    def _expr(self, name: str, data: Rows) -> ir.Table:
        """Return ``data`` as an Ibis table with table ``name``'s columns and types."""
        if isinstance(data, ir.Table):
            return data
        schema = table_spec(name).ibis_schema()
        if isinstance(data, pa.Table | pd.DataFrame):
            frame = ibis.memtable(data)
            return frame.select(
                *[
                    (frame[c] if c in frame.columns else ibis.null()).cast(schema[c]).name(c)
                    for c in schema.names
                ]
            )
        rows = pd.DataFrame(list(data), columns=list(schema.names))
        return ibis.memtable(rows, schema=schema)

    def insert(self, name: str, data: Rows) -> None:
        """Append ``data`` to table ``name`` (no key check: for logs and fresh rows)."""
        self._wrote(name)
        self._backend.insert(name, self._expr(name, data))

    def append(self, name: str, rows: pa.Table) -> None:
        """Append Arrow ``rows`` (the table's columns, in order) in one fast write."""
        self._wrote(name)
        self._backend.append(name, rows)

    def upsert(self, name: str, data: Rows) -> None:
        """Insert ``data`` into table ``name``, replacing rows with the same key, atomically.

        Arrow rows with the table's columns take a fast path: no SQL compilation per call.
        """
        self._wrote(name)
        spec = table_spec(name)
        with self.transaction():
            if isinstance(data, pa.Table) and set(data.column_names) == set(spec.column_names):
                self._backend.upsert_rows(name, data.select(list(spec.column_names)), spec.key)
            else:
                self._backend.upsert(name, self._expr(name, data), spec.key)

    def merge(self, name: str, data: Rows, *, changes: str | None = None) -> tuple[int, int]:
        """Merge ``data`` into canonical table ``name`` by key; return (inserted, updated).

        Loading a file that covers some columns updates those only: a column ``data``
        lacks, or a null in it, keeps the stored value (unknown is not erased). With
        ``changes`` (the load's batch id) the rows as they were are kept for `undo`.
        Arrow rows without ``changes`` take a fast path (the API's small batches).
        """
        self._wrote(name)
        key = table_spec(name).key
        if changes is not None:
            self._wrote("load_changes")
        with self.transaction():
            if isinstance(data, pa.Table) and changes is None:
                self._backend.merge_rows(name, data, key)
                return data.num_rows, 0  # the fast path does not count (API batches)
            expr = data if isinstance(data, ir.Table) else self._expr(name, data)
            return self._backend.merge(name, expr, key, changes)

    def fields(self, name: str) -> dict[str, str]:
        """Return the custom fields of table ``name``: stored columns the schema lacks, typed."""
        return custom_fields(self, name)

    def add_fields(self, name: str, fields: Mapping[str, str]) -> None:
        """Add custom fields (name -> Ibis type) to canonical table ``name``."""
        if table_spec(name).kind != "canonical":
            raise WorkspaceError(f"table {name!r} takes no custom fields (not a canonical table)")
        self._wrote(name)
        with self.transaction():
            self._backend.add_columns(name, fields)

    def widen_fields(self, name: str, fields: Mapping[str, str]) -> None:
        """Change custom fields of ``name`` to wider types (name -> Ibis type), values kept."""
        declared = set(table_spec(name).column_names)
        if declared & set(fields):
            raise WorkspaceError(
                f"{sorted(declared & set(fields))}: schema columns keep their type"
            )
        self._wrote(name)
        with self.transaction():
            self._backend.retype_columns(name, fields)

    def delete_matching(self, name: str, expr: ir.Table, keys: Sequence[str] = ()) -> None:
        """Delete rows of ``name`` whose key (or ``keys``) matches a row of ``expr``."""
        self._wrote(name)
        with self.transaction():
            self._backend.delete_matching(name, expr, list(keys or table_spec(name).key))

    def replace(self, name: str, data: pa.Table | pd.DataFrame) -> None:
        """Replace all rows of table ``name`` (a derived table) with ``data``, atomically."""
        self._wrote(name)
        expr = self._expr(name, data)
        with self.transaction():
            self._backend.con.truncate_table(name)
            self._backend.insert(name, expr)

    def claim(self, name: str, rows: pa.Table, key: str, flag: str) -> list[str]:
        """Write ``rows`` onto rows of ``name`` with the same ``key`` whose ``flag`` is null.

        Returns the keys claimed. Check and write are one step, so two writers cannot
        claim one row (a survey invitation is answered once this way).
        """
        self._wrote(name)
        return self._backend.claim(name, rows, key, flag)

    # For ingest: files and intermediate results ----------------------------------------

    def stage(self, path: Path, fmt: str, options: dict[str, Any]) -> tuple[ir.Table, list[Any]]:
        """Read a file into a temporary all-string table with a 1-based ``_row`` column.

        Returns the table and the file's malformed lines as ``(row, reason, text)``.
        """
        return self._backend.stage(path, fmt, options)

    def materialize(self, expr: ir.Table, name: str) -> ir.Table:
        """Compute ``expr`` once into a temporary table ``name`` and return that table."""
        return self._backend.materialize(expr, name)


def migration_plan(path: str | Path) -> MigrationPlan:
    """Return what opening the workspace at ``path`` would change, changing nothing.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> Workspace(folder, create=True).close()
    >>> migration_plan(folder).describe()
    ['format 3 is current: nothing to change']
    """
    folder = Path(path).resolve()
    layout = Layout(folder)
    if not layout.config.exists():
        raise WorkspaceError(f"{folder} is not a cxkit workspace (no {layout.config.name})")
    config = Config.load(folder)
    backend = connect(config.url or f"duckdb:///{layout.database}")
    try:
        return plan(backend)
    finally:
        backend.close()
