"""Behavioural features per customer at a point in time, built in Ibis from the workspace.

Everything is computed from rows dated before ``at``, so the same function builds training
features (at a past cutoff, with what happened next as the label) and scoring features
(now). Only customers with a purchase before ``at`` get a row: churn is about buyers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd

from cxkit.predict._rfm import _days_between, purchase_days
from cxkit.schema import CHANNELS, SCORE_SCALES
from cxkit.store import TableSource

__all__ = [
    "FEATURE_LABELS",
    "FEATURE_RISK",
    "customer_features",
    "join_customers",
    "last_day",
    "satisfaction",
]


#: How each feature reads in a churn reason; ``{v}`` is the customer's value.
FEATURE_LABELS: dict[str, str] = {
    "recency_days": "no purchase for {v:.0f} days",
    "tenure_days": "first purchase {v:.0f} days ago",
    "purchases": "{v:.0f} purchase days",
    "revenue": "spent {v:,.0f} in total",
    "mean_order": "average order {v:,.0f}",
    "returns": "{v:.0f} returned orders",
    "tickets": "{v:.0f} support tickets",
    "open_tickets": "{v:.0f} tickets still open",
    "repeat_contacts": "{v:.0f} repeat contacts to get help",
    "mean_first_response_h": "waited {v:.1f} h on average for a first response",
    "mean_resolution_h": "waited {v:.1f} h on average for a resolution",
    "satisfaction": "average survey score {v:.0%} of the scale",
    "worst_score": "worst survey score {v:.0%} of the scale",
    "negative_texts": "{v:.0f} negative reviews, posts or comments",
    "visits": "{v:.0f} touchpoint visits",
    **{f"share_{c}": f"{{v:.0%}} of visits on {c}" for c in CHANNELS},
}


#: Which way a feature makes churn likelier: +1 higher values, -1 lower values, 0 either.
#: A reason is only given when the customer's value lies on that side of the typical value.
FEATURE_RISK: dict[str, int] = {
    "recency_days": 1,
    "tenure_days": -1,
    "purchases": -1,
    "revenue": -1,
    "mean_order": -1,
    "returns": 1,
    "tickets": 1,
    "open_tickets": 1,
    "repeat_contacts": 1,
    "mean_first_response_h": 1,
    "mean_resolution_h": 1,
    "satisfaction": -1,
    "worst_score": -1,
    "negative_texts": 1,
    "visits": -1,
}


def last_day(source: TableSource) -> dt.datetime:
    """Return the day after the last order: the default 'now' of a workspace."""
    last = source.table("orders").ts.max().to_pandas()
    if last is None or pd.isna(last):
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return (pd.Timestamp(last).normalize() + pd.Timedelta(days=1)).to_pydatetime()


def satisfaction(responses: ir.Table) -> ir.FloatingValue:
    """Return each survey answer on a 0-1 scale (its kind's low = 0, high = 1)."""
    return ibis.cases(
        *[
            (responses.kind == s.kind, (responses.score - s.low) / float(s.high - s.low))
            for s in SCORE_SCALES.values()
        ],
        else_=None,
    )


def join_customers(left: ir.Table, right: ir.Table) -> ir.Table:
    """Left-join ``right`` on ``customer_id``, keeping one key column."""
    joined = left.left_join(right, "customer_id")
    return joined.drop(*[c for c in joined.columns if c.endswith("_right")])


def _purchases(source: TableSource, at: ir.TimestampValue) -> ir.Table:
    days = purchase_days(source.table("orders"))
    days = days.filter(days.day < at)
    per = days.group_by("customer_id").aggregate(
        first=days.day.min(), last=days.day.max(), purchases=days.count(), revenue=days.amount.sum()
    )
    o = source.table("orders")
    o = o.filter(o.ts < at)
    returned = o.group_by("customer_id").aggregate(
        returns=(o.status == "returned").cast("int64").sum()
    )
    per = join_customers(per, returned)
    return per.select(
        "customer_id",
        recency_days=_days_between(at, per.last),
        tenure_days=_days_between(at, per.first),
        purchases=per.purchases.cast("float64"),
        revenue=per.revenue,
        mean_order=per.revenue / per.purchases,
        returns=per.returns.fill_null(0).cast("float64"),
    )


def _support(source: TableSource, at: ir.TimestampValue) -> ir.Table:
    t = source.table("tickets")
    t = t.filter(t.created_at < at)
    hours = 3600.0
    return t.group_by("customer_id").aggregate(
        tickets=t.count().cast("float64"),
        open_tickets=(t.resolved_at.isnull() | (t.resolved_at >= at)).cast("float64").sum(),
        repeat_contacts=(t.contacts.fill_null(1) - 1).clip(lower=0).sum().cast("float64"),
        mean_first_response_h=(
            (t.first_response_at.epoch_seconds() - t.created_at.epoch_seconds()) / hours
        ).mean(),
        mean_resolution_h=(
            (t.resolved_at.epoch_seconds() - t.created_at.epoch_seconds()) / hours
        ).mean(),
    )


def _scores(source: TableSource, at: ir.TimestampValue) -> ir.Table:
    r = source.table("responses")
    r = r.filter(r.ts < at)
    r = r.mutate(norm=satisfaction(r))
    return r.group_by("customer_id").aggregate(satisfaction=r.norm.mean(), worst_score=r.norm.min())


def _negative_texts(source: TableSource, at: ir.TimestampValue) -> ir.Table:
    f = source.table("feedback")
    fs = source.table("feedback_sentiment")
    f = f.filter(f.ts < at).left_join(fs, "feedback_id")
    neg_f = f.select("customer_id", negative=(f.label == "negative") | (f.rating <= 2))
    r = source.table("responses")
    rs = source.table("response_sentiment")
    r = r.filter(r.ts < at).left_join(rs, "response_id")
    neg_r = r.select("customer_id", negative=r.label == "negative")
    both = neg_f.union(neg_r)
    return both.group_by("customer_id").aggregate(
        negative_texts=both.negative.fill_null(False).cast("float64").sum()
    )


def _visits(source: TableSource, at: ir.TimestampValue, touchpoints: Sequence[str]) -> ir.Table:
    e = source.table("events")
    e = e.filter(e.ts < at)
    n = e.count().cast("float64")
    return e.group_by("customer_id").aggregate(
        visits=n,
        **{f"share_{c}": (e.channel == c).cast("float64").sum() / n for c in CHANNELS},
        **{f"visits_{tp}": (e.touchpoint == tp).cast("float64").sum() for tp in touchpoints},
    )


def customer_features(
    source: TableSource,
    at: dt.datetime | None = None,
    *,
    touchpoints: Sequence[str] = (),
) -> ir.Table:
    """Return one row of behavioural features per customer who bought before ``at``.

    Parameters
    ----------
    at
        The point in time (default: the day after the last order).
    touchpoints
        Touchpoints to count visits to, one ``visits_<touchpoint>`` column each (the pain
        points are the usual choice).

    Examples
    --------
    >>> import tempfile
    >>> from cxkit.store import Workspace
    >>> with Workspace(tempfile.mkdtemp(), create=True) as ws:
    ...     customer_features(ws, touchpoints=["delivery_tracking"]).columns[:4]
    ('customer_id', 'recency_days', 'tenure_days', 'purchases')
    """
    at_value = ibis.timestamp(at or last_day(source))
    table = _purchases(source, at_value)
    counts = {"tickets", "open_tickets", "repeat_contacts", "negative_texts", "visits"}
    counts |= {f"visits_{tp}" for tp in touchpoints}
    for part in (
        _support(source, at_value),
        _scores(source, at_value),
        _negative_texts(source, at_value),
        _visits(source, at_value, touchpoints),
    ):
        table = join_customers(table, part)
    return table.mutate(**{c: table[c].fill_null(0.0) for c in table.columns if c in counts})
