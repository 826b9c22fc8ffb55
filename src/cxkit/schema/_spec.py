"""How a table is declared: its columns, types, keys, checks and kind."""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.datatypes as dt

__all__ = ["KINDS", "TEXT_FORMATS", "TIMESTAMP", "Column", "TableSpec", "TimeOrder", "col"]

#: What a table holds, which decides what `mirror` copies, a rebuild clears and an erasure
#: touches: the company's data, outputs computed from it, or the workspace's own records.
KINDS = ("canonical", "derived", "operational")

TIMESTAMP = "timestamp"

#: Shapes a text column's values must have (checked by ingest, files and API alike):
#: ``email``: one ``@``, a non-empty local part, a dotted domain, no spaces (deliberately
#: simple: it catches typos and swapped columns, not every address RFC 5322 forbids);
#: ``json``: a JSON object (``{...}``), as the column is read back with JSON functions.
TEXT_FORMATS = ("email", "json")


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    Parameters
    ----------
    name
        Column name, snake_case.
    dtype
        Ibis type name: ``string``, ``int64``, ``float64``, ``boolean`` or ``timestamp``.
    key
        Part of the table's key; keys are also required.
    required
        A value must be present (not null, not blank).
    pii
        Personal data, removed on erasure and hidden from viewers.
    vocabulary
        Name of the vocabulary that lists the allowed values (``channels``, ``stages``...).
    low, high
        Inclusive numeric range.
    format
        One of `TEXT_FORMATS` for a text column whose values have a shape (``email``,
        ``json``); the DuckDB type stays text.
    managed
        Set by cxkit when rows are stored (``seq``), never read from a source.
    custom
        A custom field a load brought (not declared here): checked for its type only, as
        its meaning is the source's (a due date may lie in the future, a birth date before
        1970).
    description
        One line for docs and ``cx schema``.
    """

    name: str
    dtype: str
    key: bool = False
    required: bool = False
    pii: bool = False
    vocabulary: str | None = None
    low: float | None = None
    high: float | None = None
    format: str | None = None
    description: str = ""
    managed: bool = False
    custom: bool = False

    def __post_init__(self) -> None:
        if self.format is not None and (self.format not in TEXT_FORMATS or self.dtype != "string"):
            raise ValueError(
                f"column {self.name!r}: format {self.format!r} needs a string column and one "
                f"of {TEXT_FORMATS}"
            )

    @property
    def ibis_type(self) -> dt.DataType:
        """The column's Ibis data type (nullable unless required)."""
        return dt.dtype(self.dtype).copy(nullable=not (self.key or self.required))

    @property
    def is_required(self) -> bool:
        """Whether a value must be present: keys always are."""
        return self.key or self.required


@dataclass(frozen=True)
class TimeOrder:
    """A check that one timestamp column is not earlier than another when both are set."""

    later: str
    earlier: str


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its columns in order and the row checks that span columns."""

    name: str
    columns: tuple[Column, ...]
    description: str = ""
    time_orders: tuple[TimeOrder, ...] = ()
    #: (kind column, score column): the score's range depends on the kind (NPS 0-10, ...).
    score_by_kind: tuple[str, str] | None = None
    #: Whether rows reference ``customers.customer_id`` (unknown ids are warned about).
    references_customers: bool = False
    #: One of `KINDS`.
    kind: str = "canonical"
    #: Holds credentials (password, session or key hashes): never copied out of the workspace.
    secret: bool = False
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"table {self.name!r}: kind {self.kind!r}, expected one of {KINDS}")
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def key(self) -> tuple[str, ...]:
        """Names of the key columns, in order."""
        return tuple(c.name for c in self.columns if c.key)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of all columns, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def source_columns(self) -> tuple[Column, ...]:
        """The columns a source provides: all but those cxkit sets (`Column.managed`)."""
        return tuple(c for c in self.columns if not c.managed)

    @property
    def pii_columns(self) -> tuple[str, ...]:
        """Names of the columns holding personal data."""
        return tuple(c.name for c in self.columns if c.pii)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        return self._by_name[name]

    def ibis_schema(self) -> ibis.Schema:
        """Return the table's schema as an Ibis schema."""
        return ibis.schema({c.name: c.ibis_type for c in self.columns})


def col(name: str, dtype: str = "string", **kw: object) -> Column:
    """Declare a column (a short form for the table declarations)."""
    return Column(name, dtype, **kw)  # type: ignore[arg-type]
