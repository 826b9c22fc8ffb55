"""A workspace: a folder with ``cx.toml`` and an embedded DuckDB file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from cxkit.errors import WorkspaceError
from cxkit.schema import SYSTEM_TABLES, TABLES, table_spec
from cxkit.store._backend import Backend, connect
from cxkit.store._config import CONFIG_FILE, DATABASE_FILE, Config

__all__ = ["Workspace"]


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

    Examples
    --------
    >>> import tempfile
    >>> with Workspace(tempfile.mkdtemp(), create=True) as ws:
    ...     ws.count("orders")
    0
    """

    def __init__(self, path: str | Path, *, create: bool = False, url: str | None = None):
        self.path = Path(path).resolve()
        if not (self.path / CONFIG_FILE).exists():
            if not create:
                raise WorkspaceError(
                    f"{self.path} is not a cxkit workspace (no {CONFIG_FILE}); "
                    "create one with `cx init` or `cx demo`"
                )
            self.path.mkdir(parents=True, exist_ok=True)
            Config().save(self.path)
        self.config = Config.load(self.path)
        self.url = url or self.config.url or f"duckdb:///{self.path / DATABASE_FILE}"
        self.backend: Backend = connect(self.url)
        for spec in (*TABLES.values(), *SYSTEM_TABLES.values()):
            self.backend.create_table(spec)

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
        self.backend.close()

    def table(self, name: str) -> ir.Table:
        """Return a canonical or system table as an Ibis expression."""
        table_spec(name)  # raises UnknownTable with the known names
        return self.backend.table(name)

    def count(self, name: str) -> int:
        """Return the number of rows in table ``name``."""
        return self.backend.execute_count(self.table(name))

    def counts(self) -> dict[str, int]:
        """Return the row count of every canonical and system table."""
        return {name: self.count(name) for name in (*TABLES, *SYSTEM_TABLES)}

    def has_rows(self, name: str) -> bool:
        """Return whether table ``name`` holds at least one row."""
        return bool(self.backend.execute_count(self.table(name).limit(1)))

    def upsert(self, name: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` into table ``name``, replacing rows with the same key, atomically."""
        spec = table_spec(name)
        frame = pd.DataFrame(list(rows), columns=list(spec.column_names))
        with self.backend.transaction():
            self.backend.upsert(name, ibis.memtable(frame, schema=spec.ibis_schema()), spec.key)

    def vocabulary(self) -> dict[str, tuple[str, ...]]:
        """Return the allowed values per vocabulary, defaults plus ``cx.toml`` extras."""
        return self.config.vocabulary()

    def replace(self, name: str, data: pa.Table | pd.DataFrame) -> None:
        """Replace all rows of table ``name`` (a derived table) with ``data``, atomically."""
        spec = table_spec(name)
        schema = spec.ibis_schema()
        frame = ibis.memtable(data)
        expr = frame.select(*[frame[c].cast(schema[c]).name(c) for c in spec.column_names])
        with self.backend.transaction():
            self.backend.con.truncate_table(name)
            self.backend.insert(name, expr)

    def to_pandas(self, name: str, **kwargs: Any) -> pd.DataFrame:
        """Return table ``name`` as a pandas DataFrame (for small tables and tests)."""
        return self.table(name).to_pandas(**kwargs)
