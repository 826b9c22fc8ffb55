"""Process discovery over journeys: the transition graph, path variants and the stage funnel."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from cxkit.errors import ConfigError
from cxkit.schema import STAGES
from cxkit.store import TableSource, custom_fields

__all__ = ["PATH_SEPARATOR", "funnel", "touchpoint_channels", "transitions", "variants"]

PATH_SEPARATOR = " > "


def transitions(journeys: ir.Table) -> ir.Table:
    """Return directly-follows counts between touchpoints, with median and p90 seconds between.

    ``journeys`` is the output of `cases`. One row per (source, target) pair.
    """
    w = ibis.window(group_by=journeys.case_id, order_by=journeys.step)
    pairs = journeys.select(
        source=journeys.touchpoint,
        target=journeys.touchpoint.lead().over(w),
        seconds=journeys.ts.lead().over(w).epoch_seconds() - journeys.ts.epoch_seconds(),
    )
    pairs = pairs.filter(pairs.target.notnull())
    return pairs.group_by(["source", "target"]).aggregate(
        count=pairs.count(),
        median_seconds=pairs.seconds.quantile(0.5),
        p90_seconds=pairs.seconds.quantile(0.9),
    )


def _paths(journeys: ir.Table, touchpoints: ir.Table, goal_stage: str) -> ir.Table:
    """One row per case: its path of touchpoints, length, duration and whether it converted."""
    j = journeys.left_join(touchpoints.select("touchpoint", "stage"), "touchpoint")
    # An ordered string aggregate is not portable (Spark lacks it): sort (step, touchpoint)
    # structs instead, which every engine can do.
    ordered = ibis.struct({"k": j.step, "a": j.touchpoint}).collect().sort()
    return j.group_by("case_id").aggregate(
        path=ordered.map(lambda s: s.a).join(PATH_SEPARATOR),
        steps=j.count(),
        seconds=j.ts.max().epoch_seconds() - j.ts.min().epoch_seconds(),
        converted=(j.stage == goal_stage).any().fill_null(False),
    )


def variants(
    source: TableSource,
    journeys: ir.Table,
    *,
    top: int | None = None,
    goal_stage: str = "purchase",
) -> ir.Table:
    """Return path variants with their case count, share, conversion rate and median duration.

    With ``top``, the rest are folded into one ``other`` row.
    """
    paths = _paths(journeys, source.table("touchpoints"), goal_stage)
    total = paths.count()
    out = paths.group_by("path").aggregate(
        cases=paths.count(),
        conversion=paths.converted.cast("float64").mean() * 100,
        median_seconds=paths.seconds.quantile(0.5),
        steps=paths.steps.max(),
    )
    out = out.mutate(share=out.cases * 100.0 / total.as_scalar())
    if top is None:
        return out.order_by([ibis.desc("cases"), "path"])
    ranked = out.mutate(_rank=ibis.row_number().over(order_by=[ibis.desc("cases"), "path"]))
    kept = ranked.filter(ranked._rank < top).drop("_rank")
    rest = ranked.filter(ranked._rank >= top)
    other = rest.aggregate(
        path=ibis.literal("other"),
        cases=rest.cases.sum(),
        conversion=(rest.conversion * rest.cases).sum() / rest.cases.sum(),
        median_seconds=ibis.null("float64"),
        steps=rest.steps.max(),
        share=rest.share.sum(),
    )
    return kept.union(other.filter(other.cases.notnull())).order_by(
        [(ibis.literal("other") == ibis._.path).cast("int8"), ibis.desc("cases")]
    )


def funnel(source: TableSource, *, by: Sequence[str] = ()) -> ir.Table:
    """Return customers reaching each stage, conversion from the previous stage and drop-off.

    ``by`` takes customer columns (segment, country, custom fields such as a plan) and
    ``channel`` (the first-touch channel).
    """
    e = source.table("events").join(
        source.table("touchpoints").select("touchpoint", "stage"), "touchpoint"
    )
    first = ibis.window(group_by=e.customer_id, order_by=[e.ts, e.seq, e.event_id])
    e = e.mutate(first_channel=e.channel.first().over(first))
    customer_dims = ("segment", "country", *custom_fields(source, "customers"))
    dims = []
    for d in by:
        if d == "channel":
            dims.append("first_channel")
        elif d in customer_dims:
            dims.append(d)
        else:
            raise ConfigError(
                f"funnel cannot be split by {d!r}; expected one of: channel, "
                + ", ".join(customer_dims)
            )
    wanted = [d for d in dims if d in customer_dims]
    if wanted:
        c = source.table("customers").select("customer_id", *wanted)
        e = e.left_join(c, "customer_id").drop("customer_id_right")
    reached = e.group_by([*dims, "stage"]).aggregate(customers=e.customer_id.nunique())
    order = ibis.cases(*[(reached.stage == s, i) for i, s in enumerate(STAGES)], else_=99)
    reached = reached.mutate(stage_order=order)
    w = ibis.window(group_by=[reached[d] for d in dims] or None, order_by=reached.stage_order)
    prev = reached.customers.lag().over(w)
    out = reached.mutate(
        from_previous=ibis.ifelse(prev.isnull(), 100.0, reached.customers * 100.0 / prev),
    )
    out = out.mutate(drop_off=100.0 - out.from_previous)
    out = out.rename(channel="first_channel") if "first_channel" in dims else out
    return out.order_by([*(d if d != "first_channel" else "channel" for d in dims), "stage_order"])


def touchpoint_channels(source: TableSource) -> ir.Table:
    """Return each touchpoint once per channel its events occur on, with stage and owner.

    A touchpoint can occur on several channels (a help page on web and app): the event's
    channel counts, the touchpoint's own only where an event has none. A touchpoint without
    events keeps its own channel, with ``events`` 0.
    """
    tp = source.table("touchpoints")
    e = source.table("events").join(tp.select("touchpoint", tp_channel="channel"), "touchpoint")
    e = e.mutate(channel=e.channel.fill_null(e.tp_channel))
    seen = e.group_by(["touchpoint", "channel"]).aggregate(events=e.count())
    unseen = tp.anti_join(seen, "touchpoint").select(
        "touchpoint", "channel", events=ibis.literal(0, "int64")
    )
    both = seen.union(unseen)
    out = tp.drop("channel").join(both, "touchpoint")
    return out.order_by(["touchpoint", "channel"])
