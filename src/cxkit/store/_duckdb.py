"""The embedded DuckDB backend: the default engine of a workspace."""

from __future__ import annotations

import contextlib
import re
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cxkit.errors import ConfigError, UnreadableFile
from cxkit.store._backend import Backend

__all__ = ["DuckDBBackend"]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _nested(dtype: str) -> bool:
    """Return whether a DuckDB type name is nested (or JSON): read as JSON text."""
    return any(t in dtype for t in ("STRUCT", "[]", "MAP", "JSON"))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class DuckDBBackend(Backend):
    """A workspace stored in one DuckDB file, all times in UTC."""

    scheme = "duckdb"

    @classmethod
    def from_url(cls, url: str) -> DuckDBBackend:
        """Open ``duckdb:///abs/path.duckdb`` (or ``duckdb://`` for an in-memory database)."""
        parsed = urlparse(url)
        path = (parsed.netloc + parsed.path) or ":memory:"
        con = ibis.duckdb.connect(path)
        # Times are UTC everywhere; strptime with %z yields TIMESTAMPTZ, converted in this zone.
        con.raw_sql("SET TimeZone = 'UTC'")
        backend = cls(con)
        backend._compiled = {}
        backend.path = None if path == ":memory:" else Path(path)
        return backend

    #: The database file (``None`` in memory).
    path: Path | None = None
    #: Compiled SQL of the expressions `run` has seen, by expression.
    _compiled: dict[Any, str]

    def backup(self, dest: Path) -> Path:
        """Checkpoint (the write-ahead log into the file), then copy the file to ``dest``."""
        if self.path is None:
            raise ConfigError("an in-memory workspace has no file to back up")
        self.raw.execute("CHECKPOINT")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, dest)
        return dest

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection, for this package's own SQL only."""
        return self.con.con

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one DuckDB transaction: all of it lands, or none."""
        self.raw.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        else:
            self.raw.execute("COMMIT")

    def delete_matching(self, name: str, expr: ir.Table, keys: Sequence[str]) -> None:
        """Delete rows of ``name`` whose key equals a key in ``expr``."""
        # Materialize the keys first: this also registers in-memory tables the SQL refers to.
        target = f"_keys_{uuid.uuid4().hex[:12]}"
        self.materialize(expr.select(*keys).distinct(), target)
        cond = " AND ".join(f"{_quote(name)}.{_quote(k)} = _m.{_quote(k)}" for k in keys)
        self.raw.execute(f"DELETE FROM {_quote(name)} USING {target} AS _m WHERE {cond}")
        self.raw.execute(f"DROP TABLE {target}")

    def run(self, expr: ir.Table, inputs: Mapping[str, pa.Table]) -> pa.Table:
        """Run ``expr``'s SQL (compiled on first use) over ``inputs`` registered as views."""
        op = expr.op()
        sql = self._compiled.get(op)
        if sql is None:
            if len(self._compiled) > 256:  # a bound: callers reuse a few expressions
                self._compiled.clear()
            sql = self._compiled[op] = ibis.to_sql(expr, dialect="duckdb")
        for name, rows in inputs.items():
            self.raw.register(name, rows)
        try:
            return self.raw.execute(sql).to_arrow_table()
        finally:
            for name in inputs:
                self.raw.unregister(name)

    def upsert_rows(self, name: str, rows: pa.Table, keys: Sequence[str]) -> None:
        """Delete rows with the keys of ``rows``, then insert ``rows``: two plain statements."""
        view = f"_rows_{uuid.uuid4().hex[:12]}"
        self.raw.register(view, rows)
        try:
            if keys:
                cond = " AND ".join(f"{_quote(name)}.{_quote(k)} = _u.{_quote(k)}" for k in keys)
                self.raw.execute(f"DELETE FROM {_quote(name)} USING {view} AS _u WHERE {cond}")
            cols = ", ".join(_quote(c) for c in rows.column_names)
            self.raw.execute(f"INSERT INTO {_quote(name)} ({cols}) SELECT {cols} FROM {view}")
        finally:
            self.raw.unregister(view)

    def row_count(self, name: str) -> int:
        """Count with one plain statement: no Ibis compilation (the API's hot path asks)."""
        row = self.raw.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()
        return int(row[0]) if row else 0

    def merge_rows(self, name: str, rows: pa.Table, keys: Sequence[str]) -> None:
        """UPDATE the stored rows (a null keeps the stored value), then INSERT the new keys."""
        view = f"_rows_{uuid.uuid4().hex[:12]}"
        t = _quote(name)
        on = " AND ".join(f"{t}.{_quote(k)} = _u.{_quote(k)}" for k in keys)
        values = [c for c in rows.column_names if c not in keys]
        sets = ", ".join(f"{_quote(c)} = COALESCE(_u.{_quote(c)}, {t}.{_quote(c)})" for c in values)
        cols = ", ".join(_quote(c) for c in rows.column_names)
        self.raw.register(view, rows)
        try:
            if sets:
                self.raw.execute(f"UPDATE {t} SET {sets} FROM {view} AS _u WHERE {on}")
            self.raw.execute(
                f"INSERT INTO {t} ({cols}) SELECT {cols} FROM {view} AS _u "
                f"WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE {on})"
            )
        finally:
            self.raw.unregister(view)

    def append(self, name: str, rows: pa.Table) -> None:
        """Append Arrow ``rows`` to ``name`` in one INSERT (no SQL compilation per call)."""
        view = f"_rows_{uuid.uuid4().hex[:12]}"
        self.raw.register(view, rows)
        try:
            # By name: a table may hold custom fields after the schema's columns.
            cols = ", ".join(_quote(c) for c in rows.column_names)
            self.raw.execute(f"INSERT INTO {_quote(name)} ({cols}) SELECT {cols} FROM {view}")
        finally:
            self.raw.unregister(view)

    def claim(self, name: str, rows: pa.Table, key: str, flag: str) -> list[str]:
        """UPDATE ... WHERE flag IS NULL RETURNING key: check and write in one statement."""
        view = f"_rows_{uuid.uuid4().hex[:12]}"
        cols = ", ".join(f"{_quote(c)} = _u.{_quote(c)}" for c in rows.column_names if c != key)
        self.raw.register(view, rows)
        try:
            claimed = self.raw.execute(
                f"UPDATE {_quote(name)} SET {cols} FROM {view} AS _u "
                f"WHERE {_quote(name)}.{_quote(key)} = _u.{_quote(key)} "
                f"AND {_quote(name)}.{_quote(flag)} IS NULL RETURNING {_quote(name)}.{_quote(key)}"
            ).fetchall()
        finally:
            self.raw.unregister(view)
        return [str(r[0]) for r in claimed]

    def materialize(self, expr: ir.Table, name: str) -> ir.Table:
        """Compute ``expr`` into a temporary table called ``name``."""
        return self.con.create_table(name, expr, temp=True, overwrite=True)

    def stage(self, path: Path, fmt: str, options: dict[str, Any]) -> tuple[ir.Table, list[Any]]:
        """Read ``path`` into a temporary all-string table with a ``_row`` column.

        Malformed lines come back as ``(row, reason, text)``; ``row`` counts data records
        from 1 like ``_row``, assuming no record before it spans several lines.
        """
        name = f"_stage_{uuid.uuid4().hex[:12]}"
        reader = {
            "csv": self._stage_csv,
            "parquet": self._stage_parquet,
            "ndjson": self._stage_ndjson,
            "whitespace": self._stage_whitespace,
        }[fmt]
        try:
            rejects = reader(path, name, options)
        except duckdb.Error as exc:
            message = str(exc).split("\n\n")[0].strip()
            raise UnreadableFile(
                f"{path}: cannot read as {fmt}: {message}", file=str(path)
            ) from None
        return self.con.table(name), rejects

    def _stage_csv(self, path: Path, name: str, options: dict[str, Any]) -> list[Any]:
        args = ["all_varchar = true", "store_rejects = true"]
        args += [f"rejects_table = '{name}_rej'", f"rejects_scan = '{name}_scan'"]
        if options.get("delimiter"):
            args.append(f"delim = {_literal(options['delimiter'])}")
        if options.get("header") is not None:
            args.append(f"header = {str(bool(options['header'])).lower()}")
        if options.get("quote") is not None:
            args.append(f"quote = {_literal(options['quote'])}")
        if options.get("strict") is not None:
            args.append(f"strict_mode = {str(bool(options['strict'])).lower()}")
        if options.get("names"):
            args.append("names = [" + ", ".join(_literal(n) for n in options["names"]) + "]")
        src = f"read_csv({_literal(str(path))}, {', '.join(args)})"
        self.raw.execute(
            f"CREATE TEMP TABLE {name} AS SELECT row_number() OVER () AS _row, * FROM {src}"
        )
        names = [r[0] for r in self.raw.execute(f"DESCRIBE {name}").fetchall()[1:]]
        ncols = len(names)
        # DuckDB names the columns of a headerless file column0, column1, ...
        header = options.get("header")
        if header is None:
            header = not all(re.fullmatch(r"column\d+", n) for n in names)
        # A short line can be reported once per missing column: keep one per line.
        rows = [
            (line - int(header), f"malformed line {line}: {kind.lower()} (expected {ncols})", text)
            for line, kind, text in self.raw.execute(
                f"SELECT line, any_value(error_type), any_value(csv_line) "
                f"FROM {name}_rej GROUP BY line ORDER BY line"
            ).fetchall()
        ]
        self.raw.execute(f"DROP TABLE IF EXISTS {name}_rej; DROP TABLE IF EXISTS {name}_scan")
        if rows:
            # Parsed rows were numbered without the rejected records: the k-th parsed row is
            # the k-th record number not taken by a reject. Reject j (1-based) at record p
            # shifts every parsed row numbered >= p - j + 1 by one.
            shifts = ", ".join(f"({row - j})" for j, (row, _, _) in enumerate(rows))
            self.raw.execute(
                f"UPDATE {name} SET _row = _row + (SELECT count(*) FROM (VALUES {shifts}) "
                f"AS s(v) WHERE s.v <= {name}._row)"
            )
        return rows

    def _stage_parquet(self, path: Path, name: str, options: dict[str, Any]) -> list[Any]:
        src = f"read_parquet({_literal(str(path))})"
        described = self.raw.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
        # Nested values (structs, lists, maps) become JSON text, as JSON columns expect.
        columns = ", ".join(
            (f"to_json({_quote(col)})" if _nested(typ) else _quote(col))
            + f"::VARCHAR AS {_quote(col)}"
            for col, typ, *_ in described
        )
        self.raw.execute(
            f"CREATE TEMP TABLE {name} AS SELECT row_number() OVER () AS _row, {columns} FROM {src}"
        )
        return []

    def _stage_ndjson(self, path: Path, name: str, options: dict[str, Any]) -> list[Any]:
        src = f"read_json({_literal(str(path))}, format = 'newline_delimited')"
        described = self.raw.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
        # Nested values are read as JSON text, as written, not as inferred structs that
        # would add the keys of other records as nulls.
        columns = ", ".join(
            f"{_literal(col)}: " + ("'JSON'" if _nested(typ) else "'VARCHAR'")
            for col, typ, *_ in described
        )
        self.raw.execute(
            f"CREATE TEMP TABLE {name} AS SELECT row_number() OVER () AS _row, "
            f"COLUMNS(*)::VARCHAR FROM read_json({_literal(str(path))}, "
            f"format = 'newline_delimited', columns = {{{columns}}})"
        )
        return []

    def _stage_whitespace(self, path: Path, name: str, options: dict[str, Any]) -> list[Any]:
        names: list[str] = list(options["names"])
        src = (
            f"read_csv({_literal(str(path))}, columns = {{'line': 'VARCHAR'}}, "
            "delim = '\x1f', quote = '', escape = '', header = false)"
        )
        skip = 1 if options.get("header") else 0
        fields = ", ".join(f"_f[{i + 1}] AS {_quote(n)}" for i, n in enumerate(names))
        self.raw.execute(
            f"CREATE TEMP TABLE {name}_lines AS SELECT row_number() OVER () AS _line, line, "
            f"string_split_regex(trim(line), '\\s+') AS _f FROM {src}"
        )
        where = f"_line > {skip} AND trim(line) <> ''"
        self.raw.execute(
            f"CREATE TEMP TABLE {name} AS SELECT row_number() OVER (ORDER BY _line) AS _row, "
            f"{fields} FROM {name}_lines WHERE {where} AND len(_f) = {len(names)} ORDER BY _line"
        )
        rejects = self.raw.execute(
            f"SELECT _line - {skip}, 'malformed line ' || _line || ': expected {len(names)} "
            "fields, found ' || len(_f), line "
            f"FROM {name}_lines WHERE {where} AND len(_f) <> {len(names)} ORDER BY _line"
        ).fetchall()
        self.raw.execute(f"DROP TABLE {name}_lines")
        return rejects
