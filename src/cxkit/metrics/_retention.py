"""Churn and retention for non-contract businesses, and the cohort retention matrix.

A customer is active from an order until ``inactivity_days`` after their last order in a
run of orders (a *spell*: orders no more than the window apart). They churn when a spell
ends. Churn rate for a period = customers active at its start whose spell ends within it /
customers active at its start. Spells ending after the data's end are censored (not churn).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pandas as pd

from cxkit.metrics._registry import Params
from cxkit.metrics._sources import with_customer
from cxkit.store import TableSource

__all__ = ["churn_source", "cohort_retention", "spells"]

#: Period -> (pandas period unit, pandas frequency of the periods' starts). Weeks start on
#: Monday, as the engines' truncation to "W" does; every name of `PERIODS` must be here.
_CALENDAR = {
    "day": ("D", "D"),
    "week": ("W", "W-MON"),
    "month": ("M", "MS"),
    "quarter": ("Q", "QS"),
    "year": ("Y", "YS"),
}


def spells(orders: ir.Table, inactivity_days: int) -> ir.Table:
    """Return each customer's active spells: ``start`` and ``end`` (last order + window)."""
    w = ibis.window(group_by=orders.customer_id, order_by=[orders.ts, orders.seq, orders.order_id])
    gap = orders.ts.epoch_seconds() - orders.ts.lag().over(w).epoch_seconds()
    new = (gap.isnull() | (gap > inactivity_days * 86_400)).cast("int64")
    marked = orders.mutate(_new=new)
    w2 = ibis.window(
        group_by=marked.customer_id,
        order_by=[marked.ts, marked.seq, marked.order_id],
        rows=(None, 0),
    )
    numbered = marked.mutate(spell=marked._new.sum().over(w2))
    return numbered.group_by(["customer_id", "spell"]).aggregate(
        start=numbered.ts.min(),
        end=numbered.ts.max() + ibis.interval(days=inactivity_days),
    )


def _period_starts(first: dt.datetime, last: dt.datetime, period: str) -> ir.Table:
    unit, freq = _CALENDAR[period]
    starts = pd.date_range(pd.Timestamp(first).to_period(unit).start_time, last, freq=freq)
    # No period starts when the data's end (as_of) comes before its first order.
    ends = [*starts[1:], starts[-1] + pd.tseries.frequencies.to_offset(freq)] if len(starts) else []
    frame = pd.DataFrame({"period_start": starts, "period_end": ends}).astype("datetime64[us]")
    return ibis.memtable(frame)


def churn_source(src: TableSource, params: Params) -> ir.Table:
    """One row per (customer active at a period's start, period): did they churn in it."""
    o = src.table("orders")
    bounds = o.aggregate(first=o.ts.min(), last=o.ts.max()).to_pandas().iloc[0]
    if pd.isna(bounds["first"]):
        empty = ibis.memtable(
            pd.DataFrame(
                {
                    "customer_id": pd.Series(dtype=str),
                    "_time": pd.Series(dtype="datetime64[us]"),
                    "churned": pd.Series(dtype=bool),
                }
            )
        )
        return with_customer(empty, src, params)
    as_of = pd.Timestamp(params.as_of) if params.as_of is not None else bounds["last"]
    periods = _period_starts(bounds["first"], as_of, params.period)
    sp = spells(o, params.inactivity_days)
    joined = sp.join(periods, (sp.start <= periods.period_start) & (sp.end > periods.period_start))
    # Only periods that have ended by the data's end: later ones are not yet observed.
    joined = joined.filter(joined.period_end <= ibis.literal(as_of.to_pydatetime()))
    rel = joined.select(
        "customer_id",
        _time=joined.period_start,
        churned=(joined.end < joined.period_end),
    )
    return with_customer(rel, src, params)


def cohort_retention(src: TableSource, *, max_months: int = 12) -> pd.DataFrame:
    """Return the cohort retention matrix: share of each first-order month buying k months on.

    Rows are cohorts (first-order month), columns are months since (0 = the first month, 1.0
    by definition), values are the share of the cohort with an order in that month.
    """
    o = src.table("orders")
    month = o.ts.truncate("M")
    first = o.group_by("customer_id").aggregate(cohort=o.ts.min().truncate("M"))
    act = o.select("customer_id", month=month).distinct().join(first, "customer_id")
    offset = (
        (act.month.year() - act.cohort.year()) * 12 + (act.month.month() - act.cohort.month())
    ).name("months_since")
    counts = (
        act.mutate(months_since=offset)
        .filter(lambda t: t.months_since <= max_months)
        .group_by(["cohort", "months_since"])
        .aggregate(customers=lambda t: t.customer_id.nunique())
        .to_pandas()
    )
    if counts.empty:
        return pd.DataFrame()
    matrix = counts.pivot(index="cohort", columns="months_since", values="customers")
    month_no = counts.cohort.dt.year * 12 + counts.cohort.dt.month - 1
    last_no = int((month_no + counts.months_since).max())
    last = pd.Timestamp(year=last_no // 12, month=last_no % 12 + 1, day=1)
    horizon = min(max_months, last_no - int(month_no.min()))
    matrix = matrix.reindex(columns=range(horizon + 1))
    # A month with no returning customer is 0; a month after the data ends stays empty.
    for cohort in matrix.index:
        observable = (last.year - cohort.year) * 12 + (last.month - cohort.month)
        matrix.loc[cohort, [k for k in matrix.columns if k <= observable]] = matrix.loc[
            cohort, [k for k in matrix.columns if k <= observable]
        ].fillna(0)
    size = matrix[0]
    out = matrix.div(size, axis=0)
    out.insert(0, "customers", size.astype(int))
    out.index = out.index.strftime("%Y-%m")
    return out
