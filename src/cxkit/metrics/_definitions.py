"""Every CX metric of cxkit, defined once: satisfaction, support, value, retention, engagement.

Proportions carry a standard error for significance tests; NPS its 95% margin of error;
CSAT a Wilson interval.
"""

from __future__ import annotations

import ibis.expr.types as ir

from cxkit.metrics._registry import Measures, Metric, Params, register
from cxkit.metrics._retention import churn_source
from cxkit.metrics._sources import (
    CUSTOMER_DIMS,
    customer_orders,
    first_touch,
    responses,
    social_mentions,
    tickets,
)
from cxkit.store import TableSource

__all__: list[str] = []

Z = 1.959963984540054  # two-sided 95%: the normal quantile at 0.975
_RESPONSE_DIMS = ("touchpoint", "channel", "survey_id", "stage", "owner", *CUSTOMER_DIMS)
_TICKET_DIMS = ("channel", "agent", "topic", *CUSTOMER_DIMS)


def _share_se(p: ir.NumericValue, n: ir.IntegerValue) -> ir.NumericValue:
    return (p * (1 - p) / n).sqrt()


def _percentage(p: ir.NumericValue, n: ir.IntegerValue) -> dict[str, ir.Value]:
    """Measures of a proportion ``p`` of ``n``: the percentage, n and its standard error."""
    return {"value": 100 * p, "n": n, "se": 100 * _share_se(p, n.cast("float64"))}


def _mean_se(x: ir.NumericColumn, n: ir.IntegerValue) -> ir.NumericValue:
    return x.std() / n.cast("float64").sqrt()


def _nps(t: ir.Table) -> dict[str, ir.Value]:
    n = t.score.count()
    pro = (t.score >= 9).cast("float64").mean()
    det = (t.score <= 6).cast("float64").mean()
    moe = Z * 100 * ((pro + det - (pro - det) ** 2) / n).sqrt()
    return {
        "value": 100 * (pro - det),
        "n": n,
        "promoters_pct": 100 * pro,
        "detractors_pct": 100 * det,
        "moe": moe,
        "se": moe / Z,
    }


def _csat(t: ir.Table) -> dict[str, ir.Value]:
    n = t.score.count()
    p = (t.score >= 4).cast("float64").mean()
    nf = n.cast("float64")
    centre = (p + Z**2 / (2 * nf)) / (1 + Z**2 / nf)
    half = Z * (p * (1 - p) / nf + Z**2 / (4 * nf**2)).sqrt() / (1 + Z**2 / nf)
    return {
        "value": 100 * p,
        "n": n,
        "mean": t.score.mean(),
        "low": 100 * (centre - half),
        "high": 100 * (centre + half),
        "se": 100 * _share_se(p, nf),
    }


def _ces(t: ir.Table) -> dict[str, ir.Value]:
    n = t.score.count()
    return {
        "value": t.score.mean(),
        "n": n,
        "easy_pct": 100 * (t.score >= 5).cast("float64").mean(),
        "se": _mean_se(t.score, n),
    }


def _duration(col: str) -> Measures:
    def measures(t: ir.Table) -> dict[str, ir.Value]:
        x = t[col]
        n = x.count()
        return {
            "value": x.mean(),
            "n": n,
            "median": x.quantile(0.5),
            "p90": x.quantile(0.9),
            "se": _mean_se(x, n),
        }

    return measures


def _ticket_csat(src: TableSource, params: Params) -> ir.Table:
    """Tickets with a CSAT answer, the answer as ``score`` (so CSAT's measures apply)."""
    t = tickets(src, params)
    return t.filter(t.csat.notnull()).mutate(score=t.csat)


def _fcr(t: ir.Table) -> dict[str, ir.Value]:
    resolved = t.resolved_at.notnull()
    n = resolved.cast("int64").sum()
    return _percentage((resolved & (t.contacts == 1)).cast("float64").sum() / n, n)


def _share(flag: str) -> Measures:
    def measures(t: ir.Table) -> dict[str, ir.Value]:
        return _percentage(t[flag].cast("float64").mean(), t[flag].count())

    return measures


def _retention(t: ir.Table) -> dict[str, ir.Value]:
    return _percentage(1 - t.churned.cast("float64").mean(), t.churned.count())


def _clv(t: ir.Table) -> dict[str, ir.Value]:
    n = t.revenue.count()
    return {
        "value": t.revenue.mean(),
        "n": n,
        "aov": t.revenue.sum() / t.orders.sum(),
        "frequency": t.orders.mean(),
        "lifespan_days": t.lifespan_days.mean(),
        "se": _mean_se(t.revenue, n),
    }


def _cross_sell(t: ir.Table) -> dict[str, ir.Value]:
    p = (t.categories.fill_null(0) >= 2).cast("float64").mean()
    return _percentage(p, t.customer_id.count())


def _up_sell(t: ir.Table) -> dict[str, ir.Value]:
    repeat = t.later_mean.notnull()
    n = repeat.cast("int64").sum()
    return _percentage((repeat & (t.later_mean > t.first_amount)).cast("float64").sum() / n, n)


def _social(t: ir.Table) -> dict[str, ir.Value]:
    n = t.engagement.count()
    return {
        "value": t.engagement.mean(),
        "n": n,
        "likes": t.likes.fill_null(0).sum(),
        "shares": t.shares.fill_null(0).sum(),
        "comments": t.comments.fill_null(0).sum(),
        # Over mentions the voice module has scored; empty while none are (n_scored = 0).
        "negative_pct": 100 * (t.sentiment == "negative").cast("float64").mean(),
        "n_scored": t.sentiment.count(),
        "se": _mean_se(t.engagement, n),
    }


for metric in (
    Metric(
        "nps",
        "Net Promoter Score",
        "% promoters (9-10) - % detractors (0-6), with 95% margin of error",
        "points (-100..100)",
        "higher",
        ("responses",),
        responses("nps"),
        _nps,
        _RESPONSE_DIMS,
    ),
    Metric(
        "csat",
        "Customer satisfaction",
        "% of CSAT answers 4-5 on the 1-5 scale (Wilson 95% interval); also the mean score",
        "%",
        "higher",
        ("responses",),
        responses("csat"),
        _csat,
        _RESPONSE_DIMS,
    ),
    Metric(
        "ces",
        "Customer effort score",
        "mean CES answer on 1-7 (7 = very easy); also % answering 5-7",
        "score 1-7",
        "higher",
        ("responses",),
        responses("ces"),
        _ces,
        _RESPONSE_DIMS,
    ),
    Metric(
        "support_csat",
        "Support satisfaction",
        "% of tickets' CSAT answers 4-5 on the 1-5 scale (Wilson 95% interval), by agent or "
        "channel; also the mean score",
        "%",
        "higher",
        ("tickets",),
        _ticket_csat,
        _csat,
        _TICKET_DIMS,
    ),
    Metric(
        "frt",
        "First response time",
        "first_response_at - created_at per ticket: mean, median, p90",
        "minutes",
        "lower",
        ("tickets",),
        tickets,
        _duration("frt_minutes"),
        _TICKET_DIMS,
    ),
    Metric(
        "art",
        "Average resolution time",
        "resolved_at - created_at per resolved ticket: mean, median, p90",
        "hours",
        "lower",
        ("tickets",),
        tickets,
        _duration("art_hours"),
        _TICKET_DIMS,
    ),
    Metric(
        "fcr",
        "First contact resolution",
        "share of resolved tickets resolved with one contact",
        "%",
        "higher",
        ("tickets",),
        tickets,
        _fcr,
        _TICKET_DIMS,
    ),
    Metric(
        "churn",
        "Churn rate",
        "customers active at a period's start (an order within the "
        "inactivity window) whose activity lapses in it / customers active at its start",
        "% per period",
        "lower",
        ("orders",),
        churn_source,
        _share("churned"),
        CUSTOMER_DIMS,
    ),
    Metric(
        "retention",
        "Retention rate",
        "1 - churn rate, per period",
        "% per period",
        "higher",
        ("orders",),
        churn_source,
        _retention,
        CUSTOMER_DIMS,
    ),
    Metric(
        "clv",
        "Historical customer lifetime value",
        "revenue per customer; also AOV "
        "(revenue / orders), purchase frequency (orders per customer) and lifespan (days "
        "from first to last order)",
        "currency",
        "higher",
        ("orders",),
        customer_orders,
        _clv,
        CUSTOMER_DIMS,
    ),
    Metric(
        "conversion",
        "Conversion",
        "customers with an event at the purchase stage / "
        "customers with any event (by first-touch channel and touchpoint)",
        "%",
        "higher",
        ("events", "touchpoints"),
        first_touch,
        _share("purchased"),
        ("channel", "touchpoint", *CUSTOMER_DIMS),
    ),
    Metric(
        "cross_sell",
        "Cross-sell rate",
        "share of customers who bought in 2 or more categories",
        "%",
        "higher",
        ("orders", "order_items"),
        customer_orders,
        _cross_sell,
        CUSTOMER_DIMS,
    ),
    Metric(
        "up_sell",
        "Up-sell rate",
        "share of repeat customers whose later orders average more than their first order",
        "%",
        "higher",
        ("orders",),
        customer_orders,
        _up_sell,
        CUSTOMER_DIMS,
    ),
    Metric(
        "social_engagement",
        "Social engagement",
        "(likes + shares + comments) per social mention; n is the mention volume",
        "interactions per mention",
        "higher",
        ("feedback",),
        social_mentions,
        _social,
        ("touchpoint", "author", *CUSTOMER_DIMS),
    ),
):
    register(metric)
