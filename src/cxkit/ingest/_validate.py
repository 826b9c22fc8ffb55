"""Row validation against the canonical schema, as one Ibis expression.

Every problem of a row is collected (not just the first) into ``_reason``; the failing
columns go to ``_columns``. A row is valid when ``_reason`` is empty. What can never be
stored is refused here, for files and API records alike: numbers that are not finite
(NaN, Infinity, 1e309), NUL characters in text, times outside the plausible range
(``[ingest]`` in ``cx.toml``), JSON columns that are not JSON objects and malformed
e-mail addresses. Every reason quotes at most `_SHOWN` characters of a value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from cxkit.errors import ConfigError
from cxkit.schema import SCORE_SCALES, Column, TableSpec
from cxkit.store import IngestSettings

__all__ = ["validate"]

_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
_SHOWN = 60  # characters of a bad value quoted in a reason
_TYPE_WORDS = {
    "int64": "an integer",
    "float64": "a finite number",
    "timestamp": "a timestamp",
    "boolean": "true or false",
}
#: One @, a non-empty local part, a domain of non-empty dotted labels, no spaces: the
#: simple rule of `cxkit.schema.TEXT_FORMATS` (RE2 syntax, as DuckDB runs it).
EMAIL = r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$"


@ibis.udf.scalar.builtin(signature=((dt.string, dt.string), dt.timestamp))  # type: ignore[untyped-decorator]
def try_strptime(text: str, fmt: str) -> dt.Timestamp:
    """Parse ``text`` with a strptime format, NULL when it does not match (DuckDB builtin)."""


@ibis.udf.scalar.builtin(name="chr", signature=((dt.int32,), dt.string))  # type: ignore[untyped-decorator]
def _chr(code: int) -> dt.String:
    """Return the character ``code`` (DuckDB builtin): a NUL cannot be written in SQL text."""


@ibis.udf.scalar.builtin(signature=((dt.string,), dt.boolean))  # type: ignore[untyped-decorator]
def json_valid(text: str) -> dt.Boolean:
    """Whether ``text`` parses as JSON (DuckDB builtin)."""


@ibis.udf.scalar.builtin(  # type: ignore[untyped-decorator]
    name="get_current_timestamp", signature=((), dt.Timestamp(timezone="UTC"))
)
def _current_timestamp() -> dt.Timestamp:
    """Return the time the query runs (DuckDB builtin), so a query built once stays right."""


@ibis.udf.scalar.builtin(  # type: ignore[untyped-decorator]
    name="timezone", signature=((dt.string, dt.Timestamp(timezone="UTC")), dt.timestamp)
)
def _in_zone(zone: str, ts: dt.Timestamp) -> dt.Timestamp:
    """Return ``ts`` as wall-clock time in ``zone`` (DuckDB builtin), whatever the session's."""


def _plausible(settings: IngestSettings) -> tuple[ir.TimestampValue, ir.TimestampValue, str]:
    """Return the earliest and latest plausible time (naive UTC) and how to describe them.

    The latest is computed when the query runs: validation queries may be compiled once.
    """
    try:
        earliest = datetime.fromisoformat(settings.earliest)
    except ValueError:
        raise ConfigError(
            f"[ingest] earliest = {settings.earliest!r}: expected an ISO date like 1970-01-01"
        ) from None
    if earliest.tzinfo is not None:
        earliest = earliest.astimezone(UTC).replace(tzinfo=None)
    ahead = round(settings.days_ahead * 86_400)
    latest = _in_zone("UTC", _current_timestamp()) + ibis.interval(seconds=ahead)
    words = (
        f"the plausible times, {settings.earliest} to {settings.days_ahead:g} "
        f"day{'' if settings.days_ahead == 1 else 's'} after the load "
        "([ingest] earliest, days_ahead in cx.toml)"
    )
    return ibis.timestamp(earliest), latest, words


def _blank_to_null(s: ir.StringValue) -> ir.StringValue:
    return ibis.ifelse(s.strip().length() == 0, ibis.null("string"), s)


def _typed(c: Column, s: ir.StringValue, fmt: str | None) -> ir.Value:
    """Convert the string ``s`` to the column's type, NULL where it does not convert."""
    if c.vocabulary:
        return s.strip().lower()
    if c.dtype == "string":
        return s
    if c.dtype == "timestamp":
        if fmt:
            return try_strptime(s.strip(), fmt).cast("timestamp")
        # Through TIMESTAMPTZ, so an offset ("-05:00", " -0500") gives the UTC instant;
        # a plain TIMESTAMP cast would drop the offset and keep the local time.
        text = s.strip().re_replace(r" ([+-]\d\d:?\d\d)$", r"\1")
        return text.try_cast(dt.Timestamp(timezone="UTC")).cast("timestamp")
    if c.dtype == "boolean":
        v = s.strip().lower()
        return ibis.cases((v.isin(_TRUE), True), (v.isin(_FALSE), False), else_=None)
    if c.dtype == "int64":
        # "3.0" is a fine integer; "3.5" is not (DuckDB's TRY_CAST would round it to 4).
        # (f % 1, not floor: Ibis's floor casts to int64, which overflows on huge values;
        # try_cast: a whole number too large for int64 is not an integer either.
        # NaN and infinities leave NaN as the remainder, so they are not integers.)
        f = s.strip().try_cast("float64")
        return ibis.ifelse(f % 1 == 0, f.try_cast("int64"), ibis.null("int64"))
    f = s.strip().try_cast(c.dtype)
    # DuckDB reads 'NaN', 'Infinity' and 1e309 as doubles; none is a measurement.
    return ibis.ifelse(f.isnan() | f.isinf(), ibis.null(c.dtype), f)


def _shown(s: ir.StringValue) -> ir.StringValue:
    """Return at most `_SHOWN` characters of ``s`` (NUL written as a backslash and 0)."""
    cut = ibis.ifelse(s.length() > _SHOWN, s.substr(0, _SHOWN - 1) + "…", s)
    return cut.replace(_chr(0), "\\0")


def _quoted(s: ir.StringValue) -> ir.StringValue:
    return "'" + _shown(s) + "'"


def _text_problems(c: Column, s: ir.StringValue) -> list[tuple[ir.BooleanValue, ir.StringValue]]:
    """Find text that cannot be stored or lacks the column's format."""
    found = [(s.contains(_chr(0)), f"{c.name}: " + _quoted(s) + " holds a NUL character (\\0)")]
    if c.format == "json":
        is_object = json_valid(s) & s.lstrip().startswith("{")
        found.append(
            (
                s.notnull() & ~is_object.fill_null(False),
                f'{c.name}: expected a JSON object like {{"key": "value"}}, got ' + _quoted(s),
            )
        )
    if c.format == "email":
        found.append(
            (
                s.notnull() & ~s.re_search(EMAIL),
                f"{c.name}: "
                + _quoted(s)
                + " is not an e-mail address (expected name@domain.tld, no spaces)",
            )
        )
    return found


def validate(
    mapped: ir.Table,
    spec: TableSpec,
    vocabularies: Mapping[str, tuple[str, ...]],
    formats: Mapping[str, str] | None = None,
    within: Sequence[str] = (),
    plausible: IngestSettings | None = None,
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
    within
        Columns of ``mapped`` that split it into independent parts (API batches checked
        together): a key repeated across parts is no duplicate. Kept in the result.
    plausible
        The plausible time range (``ws.config.ingest``); default 1970-01-01 to one day
        after the load.

    Returns
    -------
    The typed canonical columns, ``_row``, ``_reason`` ('' when valid), ``_columns`` and
    the ``within`` columns.
    """
    formats = formats or {}
    earliest, latest, plausible_words = _plausible(plausible or IngestSettings())
    names = [c.name for c in spec.source_columns]
    # In stages, each a view so Ibis does not inline one into the next: the blank-to-null
    # text and the typed value of each column, then each problem's flag, are computed
    # once and referred to by name (inlined, the query grew to 26 KB and took DuckDB
    # longer to plan than to run).
    text = mapped.select(
        *within, _row=mapped._row, **{f"_raw_{n}": _blank_to_null(mapped[n]) for n in names}
    ).view()
    typed = text.mutate(
        **{
            f"_typed_{c.name}": _typed(c, text[f"_raw_{c.name}"], formats.get(c.name))
            for c in spec.source_columns
        }
    ).view()

    def problems(t: ir.Table) -> list[tuple[str, ir.BooleanValue, ir.StringValue]]:
        raw = {n: t[f"_raw_{n}"] for n in names}
        values = {n: t[f"_typed_{n}"] for n in names}
        return _problems(
            spec, raw, values, vocabularies, formats, (earliest, latest, plausible_words)
        )

    flags = typed.mutate(
        **{f"_bad_{i}": bad.fill_null(False) for i, (_, bad, _) in enumerate(problems(typed))}
    ).view()
    found = [(n, flags[f"_bad_{i}"], msg) for i, (n, _, msg) in enumerate(problems(flags))]
    checked = flags.select(
        *within,
        _row=flags._row,
        _reason=ibis.literal("; ").join(
            [ibis.ifelse(bad, msg, ibis.null("string")) for _, bad, msg in found]
        ),
        _columns=ibis.literal(",").join(
            [
                ibis.ifelse(
                    ibis.or_(*[bad for n, bad, _ in found if n == name]),
                    name,
                    ibis.null("string"),
                )
                for name in dict.fromkeys(n for n, _, _ in found)
            ]
        ),
        **{
            n: flags[f"_typed_{n}"].cast(spec.column(n).ibis_type.copy(nullable=True)).name(n)
            for n in names
        },
    )
    return _flag_duplicate_keys(checked, spec, within)


def _problems(
    spec: TableSpec,
    raw: Mapping[str, ir.StringValue],
    typed: Mapping[str, ir.Value],
    vocabularies: Mapping[str, tuple[str, ...]],
    formats: Mapping[str, str],
    plausible: tuple[Any, Any, str],
) -> list[tuple[str, ir.BooleanValue, ir.StringValue]]:
    """List each check of ``spec``: the column it is about, when it fails, and the reason."""
    earliest, latest, plausible_words = plausible
    problems: list[tuple[str, ir.BooleanValue, ir.StringValue]] = []
    for c in spec.source_columns:
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
        if c.dtype == "string" and not c.vocabulary:
            problems += [(c.name, bad, msg) for bad, msg in _text_problems(c, s)]
        if c.dtype == "timestamp" and not c.custom:
            problems.append(
                (
                    c.name,
                    v.notnull() & ((v < earliest) | (v > latest)),
                    f"{c.name}: " + _quoted(s) + f" is outside {plausible_words}",
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
                (
                    c.name,
                    v.notnull() & (low | high),
                    f"{c.name}: " + _shown(s) + f" is outside {bounds}",
                )
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
                    + _shown(raw[score_col])
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
                + _shown(raw[order.later])
                + f") is before {order.earlier} ("
                + _shown(raw[order.earlier])
                + ")",
            )
        )

    return problems


def _flag_duplicate_keys(checked: ir.Table, spec: TableSpec, within: Sequence[str]) -> ir.Table:
    """Mark every valid row but the last of a repeated key: the last one in the file wins."""
    ok = checked._reason == ""
    window = ibis.window(group_by=[checked[k] for k in (*within, *spec.key)])
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
