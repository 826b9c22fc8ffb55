"""Custom fields: the type of a source column a mapping keeps beyond the canonical ones.

A field's type is the first of `FIELD_TYPES` that every non-blank value of the load
parses as, with the parsers validation uses, so a value that fits the guess at inference
also passes validation. Leading zeros ("007", a zip code) keep a column text.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis.expr.types as ir

from cxkit.ingest._mapping import FIELD_TYPES
from cxkit.ingest._validate import _blank_to_null, _typed
from cxkit.schema import Column

__all__ = ["infer_types", "wider"]


def infer_types(mapped: ir.Table, names: Sequence[str], empty: str = "string") -> dict[str, str]:
    """Return the type of each custom field ``names`` of ``mapped`` (text columns), in one query.

    A field without any value gets ``empty``.
    """
    if not names:
        return {}
    measures: dict[str, ir.Value] = {}
    for i, name in enumerate(names):
        s = _blank_to_null(mapped[name])
        measures[f"n{i}"] = s.notnull().sum()
        measures[f"z{i}"] = s.strip().re_search(r"^[+-]?0[0-9]").fill_null(False).sum()
        for j, kind in enumerate(FIELD_TYPES[:-1]):
            parsed = _typed(Column(name, kind), s, None)
            measures[f"f{i}_{j}"] = (s.notnull() & parsed.isnull()).sum()
    row = mapped.aggregate(**measures).to_pyarrow().to_pylist()[0]
    out: dict[str, str] = {}
    for i, name in enumerate(names):
        kinds = [k for j, k in enumerate(FIELD_TYPES[:-1]) if not row[f"f{i}_{j}"]]
        if not row[f"n{i}"]:
            out[name] = empty  # no value at all: nothing to go by
            continue
        if row[f"z{i}"]:
            kinds = [k for k in kinds if k not in ("int64", "float64")]
        out[name] = kinds[0] if kinds else "string"
    return out


def wider(stored: str, seen: str) -> str:
    """Return the type that holds both a field's stored values and a new load's.

    Examples
    --------
    >>> wider("int64", "float64"), wider("float64", "int64"), wider("boolean", "int64")
    ('float64', 'float64', 'string')
    """
    if stored == seen:
        return stored
    if {stored, seen} <= {"int64", "float64"}:
        return "float64"
    return "string"
