"""The engine behind a workspace, chosen by URL, behind one small interface.

Only this package knows which engine runs; capabilities receive ``ibis.Table`` expressions.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cxkit.errors import ConfigError
from cxkit.schema import TableSpec

__all__ = ["Backend", "connect", "mirror"]


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

    def create_table(self, spec: TableSpec) -> None:
        """Create the table of ``spec`` if it does not exist yet."""
        if spec.name not in self.list_tables():
            self.con.create_table(spec.name, schema=spec.ibis_schema())

    def execute_count(self, expr: ir.Table) -> int:
        """Return the number of rows of ``expr``."""
        return int(expr.count().execute())

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


_BACKENDS: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    """Register a backend class for its URL scheme."""
    _BACKENDS[cls.scheme] = cls
    return cls


def connect(url: str) -> Backend:
    """Open the backend named by ``url`` (``duckdb:///path/to/cx.duckdb``)."""
    # Importing registers the built-in engines; Spark's module imports pyspark lazily.
    from cxkit.store import _duckdb, _spark  # noqa: F401

    scheme = url.split("://", 1)[0] if "://" in url else ""
    cls = _BACKENDS.get(scheme)
    if cls is None:
        raise ConfigError(
            f"unsupported backend URL {url!r}; expected one of the schemes {sorted(_BACKENDS)}"
        )
    return cls.from_url(url)  # type: ignore[attr-defined]


def mirror(source: Any, url: str) -> Backend:
    """Copy every canonical table of ``source`` (a workspace) to the engine at ``url``.

    The result hands out tables like a workspace, so metrics run on it unchanged.
    """
    from cxkit.schema import SYSTEM_TABLES, TABLES

    backend = connect(url)
    for name in (*TABLES, *SYSTEM_TABLES):
        backend.load(name, source.table(name).to_pyarrow())
    return backend
