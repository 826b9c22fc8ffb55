"""Recency-frequency-monetary summaries of orders, built in Ibis for the CLV models.

The conventions are those of the BG/NBD literature: purchases on the same day count as one
purchase period; ``frequency`` counts repeat periods (after the first); ``recency`` is the
time from the first to the last purchase and ``T`` from the first purchase to the end of
observation; ``monetary_value`` is the mean value of the repeat periods (0 without any).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

__all__ = ["calibration_holdout", "purchase_days", "rfm_summary"]

_DAY = 86_400.0
#: Orders that count as purchases; cancelled and returned orders do not.
_COUNTED = ("completed", "pending")


def purchase_days(orders: ir.Table) -> ir.Table:
    """Return one row per customer and purchase day: ``customer_id, day, amount``."""
    o = orders.filter(
        orders.customer_id.notnull()
        & orders.ts.notnull()
        & (orders.status.isnull() | orders.status.isin(_COUNTED))
    )
    o = o.mutate(day=o.ts.truncate("D"))
    return o.group_by(["customer_id", "day"]).aggregate(amount=o.amount.fill_null(0).sum())


def _days_between(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    return (later.epoch_seconds() - earlier.epoch_seconds()).cast("float64") / _DAY


def rfm_summary(
    orders: ir.Table, end: dt.datetime | None = None, *, unit_days: float = 1.0
) -> ir.Table:
    """Summarise each customer's orders up to ``end`` for the BG/NBD and Gamma-Gamma models.

    Parameters
    ----------
    orders
        The canonical ``orders`` table (or a filter of it).
    end
        End of the observation period (default: the day of the last order). Orders after
        it are ignored.
    unit_days
        Length of the time unit in days (7 for weeks).

    Returns
    -------
    ir.Table
        ``customer_id, first_purchase, frequency, recency, T, monetary_value, revenue``.

    Examples
    --------
    >>> import ibis, datetime as dt
    >>> o = ibis.memtable({"customer_id": ["a", "a", "a", "b"], "amount": [10.0, 5.0, 7.0, 3.0],
    ...     "status": ["completed"] * 4, "ts": [dt.datetime(2025, 1, d) for d in (1, 1, 11, 6)]})
    >>> rfm_summary(o, dt.datetime(2025, 1, 21)).order_by("customer_id").to_pandas()[
    ...     ["customer_id", "frequency", "recency", "T", "monetary_value"]]
      customer_id  frequency  recency     T  monetary_value
    0           a          1     10.0  20.0             7.0
    1           b          0      0.0  15.0             0.0
    """
    days = purchase_days(orders)
    if end is None:
        end_value: ir.TimestampValue = days.day.max().as_scalar()
    else:
        end_value = ibis.timestamp(end).truncate("D")
        days = days.filter(days.day <= end_value)
    days = days.mutate(first=days.day.min().over(group_by=days.customer_id))
    per = days.group_by("customer_id").aggregate(
        first_purchase=days.first.min(),
        last=days.day.max(),
        periods=days.count(),
        revenue=days.amount.sum(),
        repeat_amount=(days.day > days.first).ifelse(days.amount, 0.0).sum(),
    )
    frequency = per.periods - 1
    return per.select(
        "customer_id",
        "first_purchase",
        frequency=frequency,
        recency=_days_between(per.last, per.first_purchase) / unit_days,
        T=_days_between(end_value, per.first_purchase) / unit_days,
        monetary_value=(frequency > 0).ifelse(per.repeat_amount / frequency, 0.0),
        revenue=per.revenue,
    )


def calibration_holdout(
    orders: ir.Table,
    calibration_end: dt.datetime,
    end: dt.datetime | None = None,
    *,
    unit_days: float = 1.0,
) -> ir.Table:
    """Summarise orders up to ``calibration_end`` and count purchases after it, up to ``end``.

    Customers whose first purchase falls after ``calibration_end`` are left out, as in the
    BG/NBD papers. Adds ``frequency_holdout`` (purchase days in the holdout),
    ``monetary_holdout`` (their mean value) and ``duration_holdout``.

    Examples
    --------
    >>> import ibis, datetime as dt
    >>> o = ibis.memtable({"customer_id": ["a", "a", "a", "b"], "amount": [10.0, 5.0, 7.0, 3.0],
    ...     "status": ["completed"] * 4, "ts": [dt.datetime(2025, 1, d) for d in (1, 9, 11, 6)]})
    >>> calibration_holdout(o, dt.datetime(2025, 1, 10), dt.datetime(2025, 1, 20)).order_by(
    ...     "customer_id").to_pandas()[["customer_id", "frequency", "frequency_holdout"]]
      customer_id  frequency  frequency_holdout
    0           a          1                  1
    1           b          0                  0
    """
    cal = rfm_summary(orders, calibration_end, unit_days=unit_days)
    days = purchase_days(orders)
    cal_end = ibis.timestamp(calibration_end).truncate("D")
    end_value = days.day.max().as_scalar() if end is None else ibis.timestamp(end).truncate("D")
    later = days.filter((days.day > cal_end) & (days.day <= end_value))
    hold = later.group_by("customer_id").aggregate(
        frequency_holdout=later.count(), monetary_holdout=later.amount.mean()
    )
    joined = cal.left_join(hold, "customer_id")
    return joined.select(
        *cal.columns,
        frequency_holdout=joined.frequency_holdout.fill_null(0),
        monetary_holdout=joined.monetary_holdout.fill_null(0.0),
        duration_holdout=_days_between(end_value, cal_end) / unit_days,
    )
