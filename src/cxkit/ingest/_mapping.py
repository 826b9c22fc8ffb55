"""Column mappings: how a foreign export's columns become a canonical table's columns.

A mapping is a TOML file. Each canonical column takes one rule::

    [source]
    format = "csv"           # csv, parquet, ndjson or whitespace; delimiter, header, encoding
    [columns]
    customer_id = "customerID"                        # rename
    ts = { column = "date", format = "%Y%m%d" }       # parse a timestamp with a strptime format
    consent_marketing = { column = "Partner", map = { Yes = true, No = false } }
    status = { value = "completed" }                  # a constant
    order_id = { template = "cdnow-{customer_id}-{_row}" }   # derived from several columns
    attributes = { json = "rest" }                    # unmapped columns as a JSON object
    customer_id = { column = "author_id", when = { inbound = "True" } }   # else empty

``_row`` is the 1-based row number of the record in the file. Columns the mapping leaves
out are taken from a file column of the same name (case-insensitive), or left empty.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from cxkit.errors import MappingError, MissingColumn
from cxkit.schema import TableSpec

__all__ = ["FIELD_TYPES", "Mapping", "builtin_mappings", "field_name"]

_RULE_KEYS = {"column", "format", "map", "value", "template", "json", "else", "when"}


def _listed(names: list[str], most: int = 30, width: int = 60) -> str:
    """List a file's column names for a message: a header can be one huge field."""
    shown = [n if len(n) <= width else n[: width - 1] + "…" for n in names[:most]]
    more = f" and {len(names) - most:,} more" if len(names) > most else ""
    return ", ".join(shown) + more


#: The types a custom field can have, tried in this order when a mapping gives none.
FIELD_TYPES = ("int64", "float64", "boolean", "timestamp", "string")


def field_name(source: str, reserved: set[str] | frozenset[str] = frozenset()) -> str:
    """Return the custom-field name of a source column: snake_case, not a ``reserved`` name.

    Examples
    --------
    >>> field_name("Pledge frequency"), field_name("via.source.from"), field_name("2nd try")
    ('pledge_frequency', 'via_source_from', 'f_2nd_try')
    >>> field_name("status", {"status"})
    'x_status'
    """
    name = re.sub(r"[^0-9a-z]+", "_", source.strip().lower()).strip("_") or "field"
    if name[0].isdigit():
        name = f"f_{name}"
    return f"x_{name}" if name in reserved or name.startswith("_") else name


def _as_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass
class Mapping:
    """Rules that turn a source table's columns into a canonical table's columns."""

    columns: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    table: str | None = None
    name: str = "identity"
    text: str = ""
    #: Source columns kept as custom fields of the table: ``"rest"`` (every column the
    #: rules leave unused), a list of source columns, or field -> ``{column, type}``.
    fields: str | list[str] | dict[str, Any] = field(default_factory=list)

    @classmethod
    def load(cls, ref: str | Path) -> Mapping:
        """Load a mapping from a TOML file, or a shipped one by name (``cdnow-orders``)."""
        path = Path(ref)
        if not path.exists():
            shipped = resources.files("cxkit.ingest") / "mappings" / f"{ref}.toml"
            if not shipped.is_file():
                raise MappingError(
                    f"{ref}: no such mapping file; shipped mappings: "
                    f"{', '.join(builtin_mappings())}",
                    file=str(ref),
                )
            text = shipped.read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(f"{ref}: not valid TOML: {exc}", file=str(ref)) from None
        return cls(
            columns=dict(data.get("columns", {})),
            source=dict(data.get("source", {})),
            table=data.get("table"),
            fields=data.get("fields", []),
            name=str(ref),
            text=text,
        )

    def check(self, spec: TableSpec) -> None:
        """Raise `MappingError` if the mapping names columns ``spec`` does not have."""
        if self.table and self.table != spec.name:
            raise MappingError(
                f"{self.name}: this mapping is for table {self.table!r}, not {spec.name!r}",
                file=self.name,
            )
        for target, rule in self.columns.items():
            if target not in spec.column_names:
                raise MappingError(
                    f"{self.name}: column {target!r} is not in table {spec.name!r}; "
                    f"expected one of {', '.join(spec.column_names)}",
                    file=self.name,
                    column=target,
                )
            if isinstance(rule, dict) and (set(rule) - _RULE_KEYS or not rule):
                raise MappingError(
                    f"{self.name}: rule for {target!r} has keys {sorted(rule)}; "
                    f"expected some of {sorted(_RULE_KEYS)}",
                    file=self.name,
                    column=target,
                )

        if not (self.fields == "rest" or isinstance(self.fields, list | dict)):
            raise MappingError(
                f'{self.name}: fields must be "rest", a list of source columns or a table '
                f"of field = {{ column, type }}, not {self.fields!r}",
                file=self.name,
            )
        if isinstance(self.fields, dict):
            for name, rule in self.fields.items():
                kind = rule.get("type") if isinstance(rule, dict) else None
                if kind is not None and kind not in FIELD_TYPES:
                    raise MappingError(
                        f"{self.name}: field {name!r} has type {kind!r}; "
                        f"expected one of {', '.join(FIELD_TYPES)}",
                        file=self.name,
                        column=name,
                    )

    def timestamp_formats(self) -> dict[str, str]:
        """Return the strptime format per target column that has one."""
        return {
            t: r["format"] for t, r in self.columns.items() if isinstance(r, dict) and "format" in r
        }

    def apply(self, staged: ir.Table, spec: TableSpec, file: str) -> ir.Table:
        """Return ``staged`` as the canonical columns of ``spec`` (all strings) plus ``_row``."""
        self.check(spec)
        source_cols = [c for c in staged.columns if c != "_row"]
        lookup = {c.strip().lower(): c for c in source_cols}

        def col(name: str, target: str) -> ir.StringValue:
            if name == "_row":
                return staged._row.cast("string")
            actual = name if name in staged.columns else lookup.get(name.strip().lower())
            if actual is None:
                raise MissingColumn(
                    f"{file}: column {name!r} (for {spec.name}.{target}) is not in the file; "
                    f"the file has: {_listed(source_cols)}",
                    file=file,
                    column=name,
                )
            return staged[actual].cast("string")

        used = self._used(spec, lookup)
        out: dict[str, ir.Value] = {}
        for c in spec.source_columns:
            rule = self.columns.get(c.name)
            if rule is None:
                actual = lookup.get(c.name)
                if actual is None and c.is_required:
                    raise MissingColumn(
                        f"{file}: required column {c.name!r} of table {spec.name!r} is missing; "
                        f"the file has: {_listed(source_cols)}; add it or map it with --mapping",
                        file=file,
                        column=c.name,
                    )
                out[c.name] = (
                    staged[actual].cast("string") if actual else ibis.null().cast("string")
                )
            elif isinstance(rule, str):
                out[c.name] = col(rule, c.name)
            else:
                out[c.name] = self._rule(rule, c.name, col, staged, used, source_cols)
        for name, (source, _) in self.custom_fields(staged, spec).items():
            out[name] = col(source, name)
        return staged.select(_row=staged._row, **out)

    def _used(self, spec: TableSpec, lookup: dict[str, str]) -> set[Any]:
        """Return the source columns the rules and same-named canonical columns take."""
        used = {r if isinstance(r, str) else r.get("column") for r in self.columns.values()}
        for rule in self.columns.values():
            if isinstance(rule, dict) and "template" in rule:
                used |= {n for _, n, _, _ in string.Formatter().parse(rule["template"]) if n}
            if isinstance(rule, dict) and isinstance(rule.get("json"), list):
                used |= set(rule["json"])
        for c in spec.source_columns:
            if c.name not in self.columns and c.name in lookup:
                used.add(lookup[c.name])
        return {lookup.get(str(u).strip().lower(), u) for u in used if u}

    def sources(self, staged: ir.Table, spec: TableSpec) -> dict[str, str]:
        """Return what each column a load fills comes from: a source column or a rule."""
        lookup = {c.strip().lower(): c for c in staged.columns if c != "_row"}
        out: dict[str, str] = {}
        for c in spec.source_columns:
            rule = self.columns.get(c.name)
            if rule is None:
                if c.name in lookup:
                    out[c.name] = lookup[c.name]
            elif isinstance(rule, str):
                out[c.name] = rule
            else:
                out[c.name] = str(rule.get("column") or rule.get("template") or rule)
        for name, (source, _) in self.custom_fields(staged, spec).items():
            out[name] = source
        return out

    def custom_fields(self, staged: ir.Table, spec: TableSpec) -> dict[str, tuple[str, str | None]]:
        """Return the custom fields this mapping keeps: field -> (source column, type or None).

        ``fields = "rest"`` keeps every source column no rule uses; a list names source
        columns; a table gives each field its column and, optionally, its type. Names are
        `field_name` of the source column; a type of None is inferred from the values.
        """
        source_cols = [c for c in staged.columns if c != "_row"]
        lookup = {c.strip().lower(): c for c in source_cols}
        if self.fields == "rest":
            used = self._used(spec, lookup)
            if any(isinstance(r, dict) and r.get("json") == "rest" for r in self.columns.values()):
                return {}  # the rest already goes into a JSON column
            chosen: dict[str, Any] = {c: c for c in source_cols if c not in used}
        elif isinstance(self.fields, list):
            chosen = {c: c for c in self.fields}
        elif isinstance(self.fields, dict):
            chosen = dict(self.fields)
        else:
            chosen = {}
        reserved = set(spec.column_names)
        out: dict[str, tuple[str, str | None]] = {}
        for key, rule in chosen.items():
            source = str(rule.get("column", key)) if isinstance(rule, dict) else str(rule)
            kind = str(rule["type"]) if isinstance(rule, dict) and "type" in rule else None
            name = field_name(key if isinstance(self.fields, dict) else source, reserved)
            while name in out:  # two source columns with one snake_case name
                name += "_2"
            out[name] = (lookup.get(source.strip().lower(), source), kind)
        return out

    def _rule(
        self,
        rule: dict[str, Any],
        target: str,
        col: Any,
        staged: ir.Table,
        used: set[Any],
        source_cols: list[str],
    ) -> ir.Value:
        if "value" in rule:
            return ibis.literal(_as_text(rule["value"]), type="string")
        if "template" in rule:
            parts: list[ir.StringValue] = []
            for literal, name, _, _ in string.Formatter().parse(rule["template"]):
                if literal:
                    parts.append(ibis.literal(literal))
                if name is not None:
                    parts.append(col(name, target).fill_null(""))
            return ibis.literal("").join(parts)
        if "json" in rule:
            names = rule["json"]
            if names == "rest":
                names = [c for c in source_cols if c not in used]
            return ibis.struct({n: col(n, target) for n in names}).cast("json").cast("string")
        value = col(rule["column"], target)
        if "map" in rule:
            mapped = {str(k): _as_text(v) for k, v in rule["map"].items()}
            default = ibis.literal(_as_text(rule["else"])) if "else" in rule else value
            value = value.strip().substitute(mapped, else_=default)
        for other, expected in rule.get("when", {}).items():
            value = ibis.ifelse(
                col(other, target) == _as_text(expected), value, ibis.null("string")
            )
        return value


def builtin_mappings() -> list[str]:
    """Return the names of the mappings shipped with cxkit.

    Examples
    --------
    >>> "cdnow-orders" in builtin_mappings()
    True
    """
    folder = resources.files("cxkit.ingest") / "mappings"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )
