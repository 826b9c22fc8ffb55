"""What capabilities read from: anything that hands out workspace tables by name."""

from __future__ import annotations

from typing import Protocol

import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from cxkit.schema import table_spec

__all__ = ["TableSource", "custom_fields"]


class TableSource(Protocol):
    """A workspace, a filtered view of one, or a mirror on another engine."""

    def table(self, name: str) -> ir.Table:
        """Return the table ``name`` as an Ibis expression."""
        ...


def custom_fields(source: TableSource, name: str) -> dict[str, str]:
    """Return the custom fields of table ``name``: its stored columns the schema lacks, typed.

    Imports keep a source's extra columns (a plan, a hotel, a ticket's priority) this way;
    metrics, funnels and journeys take them as slices.
    """
    declared = set(table_spec(name).column_names)
    schema = source.table(name).schema()
    return {c: _kind(t) for c, t in schema.items() if c not in declared}


def _kind(dtype: dt.DataType) -> str:
    """Name a stored column's type as the schema does (``timestamp``, not ``timestamp(6)``)."""
    if dtype.is_timestamp():
        return "timestamp"
    if dtype.is_integer():
        return "int64"
    if dtype.is_floating():
        return "float64"
    if dtype.is_boolean():
        return "boolean"
    return "string"
