"""Rework in journeys: repeated touchpoints, channel ping-pong, repeat contacts, needless steps."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cxkit.journeys._discovery import _paths
from cxkit.store import TableSource

__all__ = ["loops", "ping_pong", "unnecessary_steps"]


def loops(journeys: ir.Table) -> ir.Table:
    """Return, per touchpoint, the cases that visit it more than once and the extra visits."""
    per = journeys.group_by(["case_id", "touchpoint"]).aggregate(visits=journeys.count())
    cases_seen = per.group_by("touchpoint").aggregate(cases=per.count())
    repeated = per.filter(per.visits > 1)
    out = repeated.group_by("touchpoint").aggregate(
        repeat_cases=repeated.count(), extra_visits=(repeated.visits - 1).sum()
    )
    out = out.join(cases_seen, "touchpoint")
    return out.mutate(repeat_pct=out.repeat_cases * 100.0 / out.cases).order_by(
        ibis.desc("repeat_cases")
    )


def ping_pong(source: TableSource, journeys: ir.Table) -> ir.Table:
    """Return channel ping-pong: one team bouncing a customer A -> B -> A across channels.

    Counted where three consecutive touchpoints share an owner and the channel goes away and
    back (support chat -> support phone -> support chat); hand-overs between teams are the
    journey's normal flow, not ping-pong.
    """
    tp = source.table("touchpoints").select("touchpoint", "owner")
    j = journeys.left_join(tp, "touchpoint").drop("touchpoint_right")
    w = ibis.window(group_by=j.case_id, order_by=j.step)
    t = j.mutate(
        c1=j.channel.lead(1).over(w),
        c2=j.channel.lead(2).over(w),
        t1=j.touchpoint.lead(1).over(w),
        t2=j.touchpoint.lead(2).over(w),
        o1=j.owner.lead(1).over(w),
        o2=j.owner.lead(2).over(w),
    )
    same_team = (t.owner == t.o1) & (t.owner == t.o2)
    bounce = t.filter((t.channel == t.c2) & (t.channel != t.c1) & same_team)
    return (
        bounce.group_by(first=bounce.touchpoint, middle=bounce.t1, back=bounce.t2)
        .aggregate(bounces=bounce.count(), cases=bounce.case_id.nunique())
        .order_by(ibis.desc("bounces"))
    )


def unnecessary_steps(
    source: TableSource, journeys: ir.Table, *, goal_stage: str = "purchase", min_cases: int = 30
) -> ir.Table:
    """Return touchpoints whose presence does not raise conversion but lengthens the journey.

    For each touchpoint: conversion and median duration of cases that contain it against cases
    that do not. ``unnecessary`` = conversion with <= without, and duration with > without.
    """
    paths = _paths(journeys, source.table("touchpoints"), goal_stage)
    visited = journeys.select("case_id", "touchpoint").distinct()
    tps = visited.select("touchpoint").distinct()
    grid = paths.cross_join(tps)
    has = grid.left_join(
        visited.mutate(_has=True),
        [grid.case_id == visited.case_id, grid.touchpoint == visited.touchpoint],
    )
    has = has.select(
        touchpoint=grid.touchpoint,
        converted=grid.converted,
        seconds=grid.seconds,
        present=has._has.fill_null(False),
    )
    stats = has.group_by(["touchpoint", "present"]).aggregate(
        cases=has.count(),
        conversion=has.converted.cast("float64").mean() * 100,
        median_seconds=has.seconds.quantile(0.5),
    )
    w, wo = stats.filter(stats.present), stats.filter(~stats.present)
    out = w.join(wo, "touchpoint").select(
        "touchpoint",
        cases_with=w.cases,
        cases_without=wo.cases,
        conversion_with=w.conversion,
        conversion_without=wo.conversion,
        median_seconds_with=w.median_seconds,
        median_seconds_without=wo.median_seconds,
    )
    out = out.mutate(
        unnecessary=(out.conversion_with <= out.conversion_without)
        & (out.median_seconds_with > out.median_seconds_without)
        & (out.cases_with >= min_cases),
    )
    return out.order_by([ibis.desc("unnecessary"), "conversion_with"])
