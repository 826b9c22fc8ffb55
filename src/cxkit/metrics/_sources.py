"""Row-level relations that metrics aggregate, each joined to its dimensions.

Every relation has ``_time`` (what ``period`` truncates) and the customer dimensions
(segment, country) where rows belong to a customer; touchpoint rows also get stage and owner.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cxkit.metrics._registry import Params, Source
from cxkit.store import TableSource, custom_fields

__all__ = [
    "CUSTOMER_DIMS",
    "customer_orders",
    "finite",
    "first_touch",
    "responses",
    "social_mentions",
    "tickets",
]

CUSTOMER_DIMS = ("segment", "country")
TOUCHPOINT_DIMS = ("stage", "owner")


def finite(rel: ir.Table, *columns: str) -> ir.Table:
    """Drop the rows where a floating-point column holds NaN or an infinity (nulls stay).

    Ingest refuses such values, but a table written some other way may hold them; one of
    them would turn a sum into NaN, or make the engine's standard deviation fail outright.
    """
    for column in columns:
        x = rel[column]
        rel = rel.filter(~(x.isnan() | x.isinf()).fill_null(False))
    return rel


def with_customer(rel: ir.Table, src: TableSource, params: Params) -> ir.Table:
    """Left-join the customer dimensions onto ``rel`` by ``customer_id``, if any is wanted.

    The dimensions are segment, country and the customers' custom fields; a column ``rel``
    has already (a survey's own ``plan``) is not replaced by the customer's.

    The join is skipped otherwise: engines cannot drop it themselves, as they do not know
    that ``customer_id`` is unique in ``customers``.
    """
    fields = [f for f in custom_fields(src, "customers") if f in params.dims]
    wanted = [d for d in (*CUSTOMER_DIMS, *fields) if d not in rel.columns]
    if not params.dims & set(wanted):
        return rel
    c = src.table("customers").select("customer_id", *wanted)
    return rel.left_join(c, "customer_id").drop("customer_id_right")


def with_touchpoint(
    rel: ir.Table, src: TableSource, params: Params, force: bool = False
) -> ir.Table:
    """Left-join the touchpoint dimensions onto ``rel`` by ``touchpoint``, if any is wanted."""
    if not (force or params.dims & set(TOUCHPOINT_DIMS)):
        return rel
    t = src.table("touchpoints").select("touchpoint", *TOUCHPOINT_DIMS)
    return rel.left_join(t, "touchpoint").drop("touchpoint_right")


def responses(kind: str) -> Source:
    """Return a source of survey answers of one kind (nps, csat, ces)."""

    def source(src: TableSource, params: Params) -> ir.Table:
        r = src.table("responses")
        r = r.filter(r.kind == kind).mutate(_time=r.ts)
        return with_touchpoint(with_customer(r, src, params), src, params)

    return source


def tickets(src: TableSource, params: Params) -> ir.Table:
    """Tickets with response and resolution times in minutes and hours, and an ``agent`` alias."""
    t = src.table("tickets")
    t = t.mutate(
        _time=t.created_at,
        agent=t.agent_id,
        frt_minutes=(t.first_response_at.epoch_seconds() - t.created_at.epoch_seconds()) / 60,
        art_hours=(t.resolved_at.epoch_seconds() - t.created_at.epoch_seconds()) / 3600,
    )
    return with_customer(t, src, params)


def customer_orders(src: TableSource, params: Params) -> ir.Table:
    """One row per customer with orders: revenue, orders, first and last order, first amount.

    Orders whose amount is not a finite number are left out (`finite`).
    """
    o = finite(src.table("orders"), "amount")
    first = ibis.window(group_by=o.customer_id, order_by=[o.ts, o.seq, o.order_id])
    ranked = o.mutate(_k=ibis.row_number().over(first))
    first_amount = ranked.filter(ranked._k == 0).select(
        customer_id=ranked.customer_id, first_amount=ranked.amount
    )
    later = ranked.filter(ranked._k > 0)
    later_mean = later.group_by("customer_id").aggregate(later_mean=later.amount.mean())
    per = o.group_by("customer_id").aggregate(
        revenue=o.amount.sum(),
        orders=o.count(),
        first_ts=o.ts.min(),
        last_ts=o.ts.max(),
    )
    per = per.join(first_amount, "customer_id").left_join(later_mean, "customer_id")
    per = per.select(
        "customer_id",
        "revenue",
        "orders",
        "first_ts",
        "last_ts",
        "first_amount",
        "later_mean",
        _time=per.first_ts,
        lifespan_days=(per.last_ts.epoch_seconds() - per.first_ts.epoch_seconds()) / 86_400,
    )
    items = src.table("order_items").join(o.select("order_id", "customer_id"), "order_id")
    cats = items.group_by("customer_id").aggregate(categories=items.category.nunique())
    per = per.left_join(cats, "customer_id").drop("customer_id_right")
    return with_customer(per, src, params)


def first_touch(src: TableSource, params: Params) -> ir.Table:
    """One row per customer who entered the journey: first channel and touchpoint, purchase flag."""
    e = with_touchpoint(src.table("events"), src, params, force=True)
    w = ibis.window(group_by=e.customer_id, order_by=[e.ts, e.seq, e.event_id])
    ranked = e.mutate(_k=ibis.row_number().over(w))
    first = ranked.filter(ranked._k == 0).select(
        "customer_id", _time=ranked.ts, channel=ranked.channel, touchpoint=ranked.touchpoint
    )
    reached = e.group_by("customer_id").aggregate(
        purchased=(e.stage == "purchase").any(),
    )
    return with_customer(first.join(reached, "customer_id"), src, params)


def social_mentions(src: TableSource, params: Params) -> ir.Table:
    """Social mentions with their engagement (likes + shares + comments)."""
    f = src.table("feedback")
    f = f.filter(f.source == "social")
    s = src.table("feedback_sentiment").select("feedback_id", sentiment=lambda t: t.label)
    f = f.left_join(s, "feedback_id").drop("feedback_id_right")
    f = f.mutate(
        _time=f.ts,
        engagement=f.likes.fill_null(0) + f.shares.fill_null(0) + f.comments.fill_null(0),
    )
    return with_customer(f, src, params)
