"""Social listening: mentions by day and source, and reputation alerts on negative volume.

A day is alerted when its negative mentions break from what the same weekday saw in the
weeks before: expected = median of the last 8 same weekdays, spread = 1.4826 x their median
absolute deviation, floored by the Poisson spread sqrt(expected) and by 1. Median and MAD
ignore earlier spikes, and comparing like weekdays absorbs the weekly rhythm.
"""

from __future__ import annotations

import json

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from cxkit.store import Workspace

__all__ = ["detect_alerts", "social_daily"]

_WEEKS = 8
_MIN_WEEKS = 3


def _mentions(ws: Workspace) -> ir.Table:
    f = ws.table("feedback")
    s = ws.table("feedback_sentiment").select("feedback_id", "label")
    j = f.left_join(s, "feedback_id")
    return j.select(
        "feedback_id",
        "text",
        "source",
        "likes",
        "shares",
        "comments",
        day=j.ts.date(),
        label=j.label.fill_null("unscored"),
        engagement=j.likes.fill_null(0) + j.shares.fill_null(0) + j.comments.fill_null(0),
    )


def social_daily(ws: Workspace) -> ir.Table:
    """Per day and feedback source: mentions, sentiment shares and engagement."""
    m = _mentions(ws)
    return (
        m.group_by(["day", "source"])
        .aggregate(
            mentions=m.count(),
            negative=(m.label == "negative").sum(),
            negative_share=(m.label == "negative").mean(),
            positive_share=(m.label == "positive").mean(),
            engagement=m.engagement.sum(),
            engagement_per_mention=m.engagement.mean(),
        )
        .order_by(["day", "source"])
    )


def _expected(series: pd.Series) -> pd.DataFrame:
    """Robust same-weekday baseline of a daily count series (index: consecutive days)."""
    values = series.to_numpy(dtype=float)
    expected = np.full(len(values), np.nan)
    spread = np.full(len(values), np.nan)
    for i in range(len(values)):
        past = values[[i - 7 * w for w in range(1, _WEEKS + 1) if i - 7 * w >= 0]]
        if len(past) < _MIN_WEEKS:
            continue
        med = float(np.median(past))
        mad = float(np.median(np.abs(past - med)))
        expected[i] = med
        spread[i] = max(1.4826 * mad, np.sqrt(med), 1.0)
    return pd.DataFrame(
        {"count": values, "expected": expected, "spread": spread}, index=series.index
    )


def detect_alerts(
    ws: Workspace,
    source: str = "social",
    threshold: float = 4.0,
    min_excess: int = 5,
    store: bool = True,
) -> pd.DataFrame:
    """Find days whose negative mentions from ``source`` ('all' for every source) spiked.

    A day is alerted when its robust z-score is at least ``threshold`` and it has at least
    ``min_excess`` negative mentions above the expected. Each alert names the theme that
    grew most that day (needs :func:`discover_themes` first; empty otherwise) and the three
    most engaged negative posts. Stored in ``voice_alerts`` when ``store``.
    """
    m = _mentions(ws)
    if source != "all":
        m = m.filter(m.source == source)
    neg = m.filter(m.label == "negative")
    daily = neg.group_by("day").aggregate(negative=neg.count()).to_pandas()
    columns = ["day", "source", "negative", "expected", "score", "theme", "top_posts"]
    if daily.empty:
        alerts = pd.DataFrame(columns=columns)
    else:
        days = pd.date_range(daily.day.min(), daily.day.max(), freq="D")
        series = daily.set_index(pd.to_datetime(daily.day)).negative.reindex(days, fill_value=0)
        base = _expected(series)
        base["score"] = (base["count"] - base.expected) / base.spread
        hit = base[(base.score >= threshold) & (base["count"] - base.expected >= min_excess)].copy()
        alerts = pd.DataFrame(
            {
                "day": hit.index,
                "source": source,
                "negative": hit["count"].astype("int64").to_numpy(),
                "expected": hit.expected.to_numpy(),
                "score": hit.score.round(2).to_numpy(),
            }
        )
        alerts["theme"] = [_driving_theme(ws, neg, day) for day in alerts.day]
        alerts["top_posts"] = [_top_posts(neg, day) for day in alerts.day]
    if store:
        kept = ws.table("voice_alerts")
        others = kept.filter(kept.source != source).to_pyarrow()
        mine = pa.Table.from_pandas(alerts[columns], preserve_index=False)
        ws.replace("voice_alerts", pa.concat_tables([others, mine.cast(others.schema)]))
    return alerts[columns]


def _day_filter(t: ir.Table, day: pd.Timestamp) -> ir.BooleanValue:
    return t.day == ibis.date(day.date())


def _top_posts(neg: ir.Table, day: pd.Timestamp) -> str:
    top = neg.filter(_day_filter(neg, day)).order_by([ibis.desc("engagement"), "feedback_id"])
    return json.dumps(top.limit(3).text.to_pyarrow().to_pylist())


def _driving_theme(ws: Workspace, neg: ir.Table, day: pd.Timestamp) -> str | None:
    """Return the theme whose negative mentions that day most exceed its 28-day daily rate."""
    tt = ws.table("text_themes")
    tt = tt.filter(tt.text_table == "feedback").select(feedback_id="text_id", theme_id="theme_id")
    th = ws.table("themes").select("theme_id", "label")
    x = neg.join(tt, "feedback_id")
    start = ibis.date((day - pd.Timedelta(days=28)).date())
    before = x.filter((x.day >= start) & (x.day < ibis.date(day.date())))
    that = x.filter(_day_filter(x, day))
    rate = before.group_by("theme_id").aggregate(share=before.count() / 28.0)
    now = that.group_by("theme_id").aggregate(n=that.count())
    gain = now.left_join(rate, "theme_id")
    gain = gain.select("theme_id", excess=gain.n - gain.share.fill_null(0)).join(th, "theme_id")
    best = gain.order_by([ibis.desc("excess"), "theme_id"]).limit(1).to_pyarrow().to_pylist()
    return best[0]["label"] if best else None
