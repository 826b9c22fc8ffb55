"""Propose a mapping for a file (`suggest_mapping`), as a `Suggestion` that writes itself as TOML.

`suggest_mapping` runs the steps: sample the file, match its headers to every table (or the
one named), pick the best, then describe its columns from the sample (time formats,
vocabulary values, type conversions, repeated keys).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from cxkit.errors import MappingError, MissingColumn
from cxkit.ingest._mapping import Mapping
from cxkit.ingest._suggest._formats import _time_format
from cxkit.ingest._suggest._matching import (
    MISSING_PENALTY,
    ColumnGuess,
    _guess_columns,
    _missing,
    _score,
)
from cxkit.ingest._suggest._sample import SAMPLE_ROWS, _sample
from cxkit.ingest._suggest._values import _conversions, _key_repeats, _vocabulary
from cxkit.schema import TABLES, TableSpec, table_spec
from cxkit.store import Workspace


@dataclass
class Suggestion:
    """A mapping proposed for a file: `to_toml` writes it, `mapping` applies it."""

    file: str
    table: str
    #: Each table considered and its score, best first (only the named table, if given).
    scores: dict[str, float]
    columns: list[ColumnGuess]
    #: Source columns no rule takes: kept as custom fields.
    fields: list[str]
    source: dict[str, Any]
    rows: int
    sample_rows: int
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """The chosen table's score."""
        return self.scores[self.table]

    @property
    def missing(self) -> list[ColumnGuess]:
        """The required columns no header matches."""
        return [g for g in self.columns if g.required and g.rule is None]

    def rules(self) -> dict[str, Any]:
        """Return the ``[columns]`` rules: target column -> rule."""
        return {g.target: g.rule for g in self.columns if g.rule is not None}

    def problems(self) -> list[str]:
        """Say, per required column not found, which it is and the closest headers."""
        return [
            f"{self.file}: required column {g.target!r} of table {self.table!r}: no header "
            f"matches it; closest headers: {', '.join(repr(c) for c in g.closest) or 'none'}; "
            f'map one with {g.target} = "HEADER" under [columns]'
            for g in self.missing
        ]

    def check(self) -> None:
        """Raise `MissingColumn` naming every required column not found."""
        if self.missing:
            raise MissingColumn(
                "; ".join(self.problems()), file=self.file, column=self.missing[0].target
            )

    def mapping(self) -> Mapping:
        """Return the suggested mapping, read back from `to_toml` as `Mapping.load` reads it."""
        text = self.to_toml()
        data = tomllib.loads(text)
        return Mapping(
            columns=dict(data.get("columns", {})),
            source=dict(data.get("source", {})),
            table=data.get("table"),
            fields=data.get("fields", []),
            name=f"the mapping suggested for {self.file}",
            text=text,
        )

    def to_toml(self) -> str:
        """Write the mapping as TOML, each guess explained in a comment."""
        spread = ": the first half from the top, the rest spread over the file"
        others = ", ".join(f"{t} {s:.2f}" for t, s in list(self.scores.items())[1:4])
        lines = [
            f"# Mapping suggested by `cx ingest --suggest` for {self.file},",
            f"# from {self.sample_rows:,} of its {self.rows:,} rows"
            + (spread if self.sample_rows < self.rows else ""),
            f"# Check each guess, then load with: cx ingest {self.table} FILE --mapping THIS_FILE",
            f"# table: {self.table}, score {self.score:.2f} (its column matches added up, less "
            f"{MISSING_PENALTY:g} per required column not found)"
            + (f"; next: {others}" if others else ""),
            *(f"# note: {n}" for n in self.notes),
            f"table = {_toml(self.table)}",
        ]
        if self.fields:
            lines.append("# source columns no rule takes, kept as custom fields of the table:")
            lines.append("fields = [" + "".join(f"\n    {_toml(f)}," for f in self.fields) + "\n]")
        if self.source:
            lines += ["", "[source]"] + [f"{_key(k)} = {_toml(v)}" for k, v in self.source.items()]
        lines += ["", "[columns]"]
        for g in self.columns:
            lines += [f"# {g.target}: {n}" for n in g.notes]
            if g.rule is not None:
                lines.append(f"{_key(g.target)} = {_toml(g.rule)}")
        # A comment ends at a line break and takes no control characters (a path may hold
        # them); values are written escaped.
        return "\n".join(_CONTROL.sub(" ", ln) if ln.startswith("#") else ln for ln in lines) + "\n"


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _toml(value: Any) -> str:
    """Write a TOML value: a string, number, boolean, list or one-line inline table."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    # JSON's string escapes are TOML's, but for DEL, which TOML wants escaped too.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml(name)


def suggest_mapping(
    workspace: Workspace,
    path: str | Path,
    table: str | None = None,
    *,
    options: dict[str, Any] | None = None,
    sample_rows: int = SAMPLE_ROWS,
) -> Suggestion:
    r"""Propose a mapping for ``path`` from its header and a sample of its rows.

    Picks the table (unless ``table`` names it) whose columns the header matches best,
    one rule per column (exact, case-insensitive, usual and close names), strptime formats
    that read every sampled time, vocabulary values for sampled ones, and keeps the other
    source columns as custom fields. Nothing is written to the workspace.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "x.csv").write_text("Order No,Customer ID,Date,Total\nA1,C1,13/01/2024,9.5")
    >>> with Workspace(folder / "ws", create=True) as ws:
    ...     s = suggest_mapping(ws, folder / "x.csv")
    >>> s.table, s.rules()["customer_id"], s.rules()["ts"]
    ('orders', 'Customer ID', {'column': 'Date', 'format': '%d/%m/%Y'})
    """
    path = Path(path)
    sample, header, rows, source, notes = _sample(workspace, path, dict(options or {}), sample_rows)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.name.split(".")[0]) or "file"
    specs = [table_spec(table)] if table else list(TABLES.values())
    guesses = {s.name: _guess_columns(s, header, stem) for s in specs}
    scores = {name: _score(g) for name, g in guesses.items()}
    scores = dict(sorted(scores.items(), key=lambda kv: -kv[1]))
    best = next(iter(scores))
    if table is None and not any(g.source for g in guesses[best]):
        raise MappingError(
            f"{path}: no header matches a column of any table (the file has: "
            f"{', '.join(header[:20])}); name the table: cx ingest TABLE FILE --suggest",
            file=str(path),
        )
    spec, columns = table_spec(best), guesses[best]
    notes += _describe(workspace, spec, columns, sample, header)
    used = {g.source for g in columns if g.source}
    return Suggestion(
        file=str(path),
        table=best,
        scores=scores,
        columns=columns,
        fields=[h for h in header if h not in used],
        source=source,
        rows=rows,
        sample_rows=workspace.count(sample),
        notes=notes,
    )


def _describe(
    ws: Workspace,
    spec: TableSpec,
    guesses: list[ColumnGuess],
    sample: ir.Table,
    header: list[str],
) -> list[str]:
    """Fill in formats, value maps and checks from the sample; return notes on the whole."""
    vocabularies = ws.vocabulary()
    used = {g.source for g in guesses}
    free = [h for h in header if h not in used] or header
    for g in guesses:
        c = spec.column(g.target)
        if g.source is None:
            if g.rule is None:  # not a derived key or a constant either
                _missing(spec, g, free, vocabularies)
        elif c.dtype == "timestamp":
            _time_format(ws, g, sample, c)
        elif c.vocabulary:
            _vocabulary(g, sample, vocabularies[c.vocabulary])
        elif c.dtype != "string":
            _conversions(g, sample, c)
    return _key_repeats(ws, spec, guesses, sample)
