"""Compute a registered metric, sliced by dimensions and periods, as one Ibis expression."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from cxkit.errors import ConfigError
from cxkit.metrics._registry import Params, get_metric
from cxkit.store import TableSource, custom_fields

__all__ = ["PERIODS", "compare", "compute", "scorecard", "slice_fields"]

#: Period names and their Ibis truncation units.
PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
#: Groups with fewer observations than this are flagged as too small to trust.
MIN_N = 30
Z = 1.959963984540054  # two-sided 5% test


def config_days(config: Any) -> int:
    """Return the inactivity window of a workspace config, 180 days without one."""
    return int(getattr(config, "inactivity_days", 180))


def _params(
    source: TableSource,
    period: str | None,
    inactivity_days: int | None,
    as_of: Any,
    dims: frozenset[str],
) -> Params:
    """Take settings from the call, else the workspace's config, else the defaults."""
    config = getattr(source, "config", None)
    days = inactivity_days if inactivity_days is not None else config_days(config)
    return Params(inactivity_days=days, period=period or "month", as_of=as_of, dims=dims)


def compute(
    source: TableSource,
    name: str,
    *,
    by: Sequence[str] = (),
    period: str | None = None,
    filters: Mapping[str, Any] | None = None,
    min_n: int = MIN_N,
    inactivity_days: int | None = None,
    as_of: Any = None,
) -> ir.Table:
    """Return metric ``name`` per group as an Ibis table expression.

    Parameters
    ----------
    source
        A workspace (or anything with ``table(name)``).
    name
        A registered metric, e.g. ``nps``; see ``cx metrics list``.
    by
        Dimensions to slice by, e.g. ``["channel", "segment"]``.
    period
        day, week, month, quarter or year: adds a ``period`` column (the period's start).
    filters
        Column -> value (or list of values) to keep.
    min_n
        Groups with fewer observations get ``small_sample = True`` (they are not hidden).
    inactivity_days, as_of
        Override the churn window and the data's end.

    Returns
    -------
    One row per group: the dimensions, ``value``, ``n``, the metric's other measures, and
    ``small_sample``.
    """
    metric = get_metric(name)
    if period is not None and period not in PERIODS:
        raise ConfigError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")
    dims = frozenset([*by, *(filters or {})])
    rel = metric.source(source, _params(source, period, inactivity_days, as_of, dims))
    extra = dims - set(metric.dimensions)
    allowed = slice_fields(source, name, rel) if extra else []
    for dim in extra:
        if dim not in allowed:
            raise ConfigError(
                f"metric {name!r} cannot be sliced by {dim!r}; expected one of: "
                f"{', '.join(('period', *metric.dimensions, *slice_fields(source, name)))}"
            )
    for column, wanted in (filters or {}).items():
        values = list(wanted) if isinstance(wanted, list | tuple | set) else [wanted]
        rel = rel.filter(rel[column].isin(values))
    keys = list(by)
    if period is not None:
        rel = rel.mutate(period=rel._time.truncate(PERIODS[period]))
        keys = ["period", *keys]
    measures = metric.measures(rel)
    out = rel.group_by(keys).aggregate(**measures) if keys else rel.aggregate(**measures)
    out = out.mutate(small_sample=out.n < min_n)
    return out.order_by(keys) if keys else out


def slice_fields(source: TableSource, name: str, rel: ir.Table | None = None) -> list[str]:
    """Return the custom fields metric ``name`` can be sliced by (its rows' and customers').

    ``rel``: the metric's rows as built for the wanted slices (else built with every field).
    """
    metric = get_metric(name)
    fields = {f for t in (*metric.tables, "customers") for f in custom_fields(source, t)}
    if rel is None:
        rel = metric.source(source, _params(source, None, None, None, frozenset(fields)))
    return sorted(c for c in rel.columns if c in fields)


def compare(
    source: TableSource,
    name: str,
    *,
    period: str = "month",
    by: Sequence[str] = (),
    **kwargs: Any,
) -> ir.Table:
    """Return the metric per period with the change from the previous period and its significance.

    ``significant`` is set where |change| / sqrt(se² + previous se²) > 1.96 (a two-sided
    z-test at 5%); it is empty where the metric has no standard error.
    """
    t = compute(source, name, by=by, period=period, **kwargs)
    w = ibis.window(group_by=[t[d] for d in by] or None, order_by=t.period)
    prev, prev_se = t.value.lag().over(w), t.se.lag().over(w)
    change = t.value - prev
    z = change / (t.se**2 + prev_se**2).sqrt()
    out = t.mutate(previous=prev, change=change, z=z, significant=z.abs() > Z)
    return out.order_by([*by, "period"])


def scorecard(source: TableSource, names: Sequence[str], by: str, **kwargs: Any) -> ir.Table:
    """Return several metrics side by side per value of one dimension.

    One row per ``by`` value of the first metric; columns ``<metric>`` (the value) and
    ``<metric>_n`` for each metric, e.g. agents' ``frt``, ``art``, ``fcr`` and ``support_csat``.
    """
    out: ir.Table | None = None
    for name in names:
        t = compute(source, name, by=[by], **kwargs)
        t = t.select(by, **{name: t.value, f"{name}_n": t.n})
        out = t if out is None else out.left_join(t, by).drop(f"{by}_right")
    if out is None:
        raise ConfigError("scorecard needs at least one metric")
    return out
