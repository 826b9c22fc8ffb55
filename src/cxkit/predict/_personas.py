"""Persona cards: what each behavioural segment is, is worth, prefers, says and risks."""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd

from cxkit.store import TableSource

__all__ = ["Persona", "persona_cards"]


@dataclass
class Persona:
    """One segment described for people: a plain-language name and the facts behind it."""

    segment: int
    name: str
    customers: int
    share: float
    mean_revenue: float
    mean_clv: float
    churn_risk: float
    channels: list[str] = field(default_factory=list)
    touchpoints: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    pain_points: list[str] = field(default_factory=list)

    def card(self) -> str:
        """Return the card as a few lines of text."""
        return "\n".join(
            [
                f"{self.name} ({self.customers:,} customers, {self.share:.0%})",
                f"  value: revenue {self.mean_revenue:,.0f}, predicted CLV {self.mean_clv:,.0f};"
                f" churn risk {self.churn_risk:.0%}",
                f"  prefers: {', '.join(self.channels)}; {', '.join(self.touchpoints)}",
                f"  buys: {', '.join(self.categories)}",
                f"  talks about: {', '.join(self.themes) or '-'}",
                f"  pain points: {', '.join(self.pain_points) or '-'}",
            ]
        )


def _lift(per_segment: pd.DataFrame, top: int) -> dict[int, list[str]]:
    """Return, per segment, the columns whose share most exceeds the overall share."""
    shares = per_segment.div(per_segment.sum(axis=1), axis=0).fillna(0)
    overall = per_segment.sum() / per_segment.to_numpy().sum()
    lift = shares / overall.replace(0, np.nan)
    return {
        int(seg): [str(c) for c in row.sort_values(ascending=False).index[:top]]
        for seg, row in lift.iterrows()
    }


def _name(value_rank: float, freq_rank: float, channel: str, category: str) -> str:
    value = "high-value" if value_rank >= 0.67 else "budget" if value_rank < 0.34 else "mid-value"
    habit = "frequent" if freq_rank >= 0.67 else "occasional" if freq_rank < 0.34 else "regular"
    return f"{value.capitalize()} {habit} {channel}-first {category} buyers"


def persona_cards(
    source: TableSource,
    segments: pd.DataFrame,
    scores: pd.DataFrame | None = None,
) -> list[Persona]:
    """Describe each segment as a persona card.

    Parameters
    ----------
    segments
        ``customer_id, segment`` per customer.
    scores
        Optional ``customer_id`` with ``clv`` and ``churn_risk`` to add value and risk.
    """
    seg = ibis.memtable(segments[["customer_id", "segment"]])
    e = source.table("events").join(seg, "customer_id")
    by_channel = e.group_by(["segment", "channel"]).aggregate(n=e.count()).to_pandas()
    by_tp = e.group_by(["segment", "touchpoint"]).aggregate(n=e.count()).to_pandas()
    o = source.table("orders")
    items = source.table("order_items").join(o.select("order_id", "customer_id"), "order_id")
    items = items.join(seg, "customer_id")
    by_cat = items.group_by(["segment", "category"]).aggregate(n=items.count()).to_pandas()
    revenue = o.join(seg, "customer_id")
    rev = revenue.group_by("segment").aggregate(
        revenue=revenue.amount.sum(), orders=revenue.count()
    )
    rev = rev.to_pandas().set_index("segment")
    themes = _themes(source, seg)
    pains = _pains(source, seg)
    table = segments.copy()
    if scores is not None:
        table = table.merge(scores, on="customer_id", how="left")
    size = table.groupby("segment").size()
    channels = _lift(by_channel.pivot_table("n", "segment", "channel", fill_value=0), 2)
    touchpoints = _lift(by_tp.pivot_table("n", "segment", "touchpoint", fill_value=0), 3)
    categories = _lift(by_cat.pivot_table("n", "segment", "category", fill_value=0), 2)
    mean_rev = rev.revenue.reindex(size.index).fillna(0) / size
    per_cust_orders = rev.orders.reindex(size.index).fillna(0) / size
    value_rank = mean_rev.rank(pct=True)
    freq_rank = per_cust_orders.rank(pct=True)
    out = []
    for s in size.index:
        rows = table[table.segment == s]
        ch = channels.get(int(s), ["-"])
        cat = categories.get(int(s), ["-"])
        out.append(
            Persona(
                segment=int(s),
                name=_name(value_rank[s], freq_rank[s], ch[0], cat[0]),
                customers=int(size[s]),
                share=float(size[s] / size.sum()),
                mean_revenue=float(mean_rev[s]),
                mean_clv=float(rows.clv.mean()) if "clv" in rows else float("nan"),
                churn_risk=float(rows.churn_risk.mean()) if "churn_risk" in rows else float("nan"),
                channels=ch,
                touchpoints=touchpoints.get(int(s), []),
                categories=cat,
                themes=themes.get(int(s), []),
                pain_points=pains.get(int(s), []),
            )
        )
    return sorted(out, key=lambda p: -p.customers)


def _themes(source: TableSource, seg: ibis.Table) -> dict[int, list[str]]:
    """Return each segment's most frequent themes in its feedback and comments."""
    tt = source.table("text_themes")
    th = source.table("themes").select("theme_id", "label")
    f = source.table("feedback").select(text_id="feedback_id", customer_id="customer_id")
    f = f.mutate(text_table=ibis.literal("feedback"))
    r = source.table("responses").select(text_id="response_id", customer_id="customer_id")
    r = r.mutate(text_table=ibis.literal("responses"))
    texts = (
        f.union(r).join(tt, ["text_table", "text_id"]).join(th, "theme_id").join(seg, "customer_id")
    )
    counts = texts.group_by(["segment", "label"]).aggregate(n=texts.count()).to_pandas()
    if counts.empty:
        return {}
    # Themes this segment raises more than others do, not the ones everybody raises.
    return _lift(counts.pivot_table("n", "segment", "label", fill_value=0), 3)


def _pains(source: TableSource, seg: ibis.Table) -> dict[int, list[str]]:
    """Return the touchpoints with most negative feedback from each segment."""
    f = source.table("feedback")
    fs = source.table("feedback_sentiment").select("feedback_id", "label")
    f = f.join(fs, "feedback_id").join(seg, "customer_id")
    f = f.filter((f.label == "negative") & f.touchpoint.notnull())
    counts = f.group_by(["segment", "touchpoint"]).aggregate(n=f.count()).to_pandas()
    return {
        int(s): g.sort_values("n", ascending=False).touchpoint.head(2).tolist()
        for s, g in counts.groupby("segment")
    }
