"""Row validation against the canonical schema, as one Ibis expression.

Every problem of a row is collected (not just the first) into ``_reason``; the failing
columns go to ``_columns``. A row is valid when ``_reason`` is empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from cxkit.schema import SCORE_SCALES, Column, TableSpec

__all__ = ["validate"]

_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
_SHOWN = 60  # characters of a bad value quoted in a reason
_TYPE_WORDS = {
    "int64": "an integer",
    "float64": "a number",
    "timestamp": "a timestamp",
    "boolean": "true or false",
}


@ibis.udf.scalar.builtin(signature=((dt.string, dt.string), dt.timestamp))  # type: ignore[untyped-decorator]
def try_strptime(text: str, fmt: str) -> dt.Timestamp:
    """Parse ``text`` with a strptime format, NULL when it does not match (DuckDB builtin)."""


def _blank_to_null(s: ir.StringValue) -> ir.StringValue:
    return ibis.ifelse(s.strip().length() == 0, ibis.null("string"), s)


def _typed(c: Column, s: ir.StringValue, fmt: str | None) -> ir.Value:
    """Convert the string ``s`` to the column's type, NULL where it does not convert."""
    if c.vocabulary:
        return s.strip().lower()
    if c.dtype == "string":
        return s
    if c.dtype == "timestamp":
        parsed = try_strptime(s.strip(), fmt) if fmt else s.strip().try_cast("timestamp")
        return parsed.cast("timestamp")
    if c.dtype == "boolean":
        v = s.strip().lower()
        return ibis.cases((v.isin(_TRUE), True), (v.isin(_FALSE), False), else_=None)
    if c.dtype == "int64":
        # "3.0" is a fine integer; "3.5" is not (DuckDB's TRY_CAST would round it to 4).
        # (f % 1, not floor: Ibis's floor casts to int64, which overflows on huge values;
        # try_cast: a whole number too large for int64 is not an integer either.)
        f = s.strip().try_cast("float64")
        return ibis.ifelse(f % 1 == 0, f.try_cast("int64"), ibis.null("int64"))
    return s.strip().try_cast(c.dtype)


def _quoted(s: ir.StringValue) -> ir.StringValue:
    return "'" + s.substr(0, _SHOWN) + "'"


def validate(
    mapped: ir.Table,
    spec: TableSpec,
    vocabularies: Mapping[str, tuple[str, ...]],
    formats: Mapping[str, str] | None = None,
) -> ir.Table:
    """Type the mapped string columns and find every problem of every row.

    Parameters
    ----------
    mapped
        The canonical columns as strings, plus ``_row``.
    spec
        The table to validate against.
    vocabularies
        Allowed values per vocabulary name.
    formats
        strptime formats of timestamp columns, where the source needs one.

    Returns
    -------
    The typed canonical columns, ``_row``, ``_reason`` ('' when valid) and ``_columns``.
    """
    formats = formats or {}
    raw = {c.name: _blank_to_null(mapped[c.name]) for c in spec.columns}
    typed = {c.name: _typed(c, raw[c.name], formats.get(c.name)) for c in spec.columns}
    problems: list[tuple[str, ir.BooleanValue, ir.StringValue]] = []

    for c in spec.columns:
        s, v = raw[c.name], typed[c.name]
        if c.is_required:
            problems.append((c.name, s.isnull(), ibis.literal(f"{c.name}: missing required value")))
        if c.dtype != "string" and not c.vocabulary:
            expected = _TYPE_WORDS[c.dtype] + (
                f" like {formats[c.name]!r}" if c.name in formats else ""
            )
            problems.append(
                (
                    c.name,
                    s.notnull() & v.isnull(),
                    f"{c.name}: expected {expected}, got " + _quoted(s),
                )
            )
        if c.vocabulary:
            allowed = vocabularies[c.vocabulary]
            problems.append(
                (
                    c.name,
                    v.notnull() & ~v.isin(allowed),
                    f"{c.name}: "
                    + _quoted(s)
                    + f" is not one of {c.vocabulary} ({', '.join(allowed)})",
                )
            )
        if c.low is not None or c.high is not None:
            low = v < c.low if c.low is not None else ibis.literal(False)
            high = v > c.high if c.high is not None else ibis.literal(False)
            lo = "-inf" if c.low is None else f"{c.low:g}"
            hi = "inf" if c.high is None else f"{c.high:g}"
            bounds = f"{lo}..{hi}"
            problems.append(
                (c.name, v.notnull() & (low | high), f"{c.name}: " + s + f" is outside {bounds}")
            )
    if spec.score_by_kind:
        kind_col, score_col = spec.score_by_kind
        kind, score = typed[kind_col], typed[score_col]
        for scale in SCORE_SCALES.values():
            out = (kind == scale.kind) & ((score < scale.low) | (score > scale.high))
            problems.append(
                (
                    score_col,
                    score.notnull() & out.fill_null(False),
                    f"{score_col}: "
                    + raw[score_col]
                    + f" is outside {scale.low}..{scale.high} for kind {scale.kind}",
                )
            )
    for order in spec.time_orders:
        later, earlier = typed[order.later], typed[order.earlier]
        problems.append(
            (
                order.later,
                (later < earlier).fill_null(False),
                f"{order.later} ("
                + raw[order.later]
                + f") is before {order.earlier} ("
                + raw[order.earlier]
                + ")",
            )
        )

    def flagged(parts: list[Any]) -> ir.StringValue:
        return ibis.literal("; ").join(
            [ibis.ifelse(bad.fill_null(False), text, ibis.null("string")) for bad, text in parts]
        )

    checked = mapped.select(
        _row=mapped._row,
        _reason=flagged([(bad, msg) for _, bad, msg in problems]),
        _columns=ibis.literal(",").join(
            [
                ibis.ifelse(
                    ibis.or_(*[bad.fill_null(False) for n, bad, _ in problems if n == name]),
                    name,
                    ibis.null("string"),
                )
                for name in dict.fromkeys(n for n, _, _ in problems)
            ]
        ),
        **{
            name: value.cast(spec.column(name).ibis_type.copy(nullable=True))
            for name, value in typed.items()
        },
    )
    return _flag_duplicate_keys(checked, spec)


def _flag_duplicate_keys(checked: ir.Table, spec: TableSpec) -> ir.Table:
    """Mark every valid row but the last of a repeated key: the last one in the file wins."""
    ok = checked._reason == ""
    window = ibis.window(group_by=[checked[k] for k in spec.key])
    last = ibis.ifelse(ok, checked._row, ibis.null("int64")).max().over(window)
    dup = ok & (checked._row != last)
    key = ", ".join(spec.key)
    return checked.mutate(
        _reason=ibis.ifelse(
            dup,
            f"{key}: duplicate key; row "
            + last.cast("string")
            + " of this file has the same key and wins",
            checked._reason,
        ),
        _columns=ibis.ifelse(dup, ibis.literal(key), checked._columns),
    )
