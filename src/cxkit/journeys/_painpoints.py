"""The emotion curve and pain points: where customers feel worst, leave, and cost the most.

Scores are put on one 0-1 scale (NPS / 10, CSAT (s - 1) / 4, CES (s - 1) / 6). A customer is
*affected* at a touchpoint when they gave it a bad score (NPS <= 6, CSAT <= 2, CES <= 3) or
left negative feedback about it (rating <= 2, or a negative sentiment label).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

import ibis
import ibis.expr.types as ir
import pandas as pd

from cxkit.store import TableSource

__all__ = ["affected_customers", "emotion_curve", "pain_points"]

_NORM = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
#: Unhappy comments read per touchpoint for its evidence words.
_TEXTS_PER_TOUCHPOINT = 4000
_BAD = {"nps": 6, "csat": 2, "ces": 3}
_STOP = frozenset(
    (
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "my",
        "i",
        "me",
        "it",
        "its",
        "is",
        "was",
        "were",
        "be",
        "been",
        "this",
        "that",
        "not",
        "no",
        "so",
        "very",
        "really",
        "just",
        "again",
        "your",
        "you",
        "we",
        "they",
        "them",
        "have",
        "has",
        "had",
        "did",
        "do",
        "does",
        "dont",
        "didnt",
        "cant",
        "wasnt",
        "isnt",
        "what",
        "when",
        "then",
        "than",
        "there",
        "their",
        "from",
        "by",
        "as",
        "are",
        "all",
        "any",
        "about",
        "after",
        "before",
        "up",
        "out",
        "over",
        "still",
        "even",
        "only",
        "also",
        "one",
        "two",
        "will",
        "would",
        "could",
        "should",
        "more",
        "most",
        "some",
        "too",
        "ugh",
        "honestly",
        "wow",
    )
)


def _scored(source: TableSource) -> ir.Table:
    r = source.table("responses")
    norm = ibis.cases(
        *[(r.kind == k, (r.score - lo) / (hi - lo)) for k, (lo, hi) in _NORM.items()], else_=None
    )
    bad = ibis.cases(*[(r.kind == k, r.score <= cut) for k, cut in _BAD.items()], else_=False)
    return r.mutate(satisfaction=norm, bad=bad)


def _negative_feedback(source: TableSource) -> ir.Table:
    f = source.table("feedback")
    s = source.table("feedback_sentiment").select("feedback_id", label="label")
    f = f.left_join(s, "feedback_id").drop("feedback_id_right")
    return f.mutate(negative=((f.rating <= 2) | (f.label == "negative")).fill_null(False))


def emotion_curve(source: TableSource) -> ir.Table:
    """Return mean satisfaction (0-1) per stage and touchpoint.

    From survey scores and review ratings, and from the sentiment of feedback text where the
    voice module has scored it (sentiment -1..1 mapped to 0..1; a rated text counts once,
    by its rating).
    """
    r = _scored(source).filter(lambda t: t.touchpoint.notnull())
    f = source.table("feedback")
    s = source.table("feedback_sentiment").select("feedback_id", sentiment="score")
    f = f.left_join(s, "feedback_id").drop("feedback_id_right")
    f = f.filter(f.touchpoint.notnull() & (f.rating.notnull() | f.sentiment.notnull()))
    feeling = ibis.ifelse(f.rating.notnull(), (f.rating - 1) / 4, (f.sentiment + 1) / 2)
    both = r.select("touchpoint", "satisfaction", "channel").union(
        f.select("touchpoint", satisfaction=feeling, channel=ibis.null("string"))
    )
    tp = source.table("touchpoints").select("touchpoint", "stage", tp_channel="channel")
    joined = both.join(tp, "touchpoint")
    # A touchpoint can occur on several channels: the answer's own channel counts.
    joined = joined.mutate(channel=joined.channel.fill_null(joined.tp_channel))
    return (
        joined.group_by(["stage", "touchpoint", "channel"])
        .aggregate(satisfaction=joined.satisfaction.mean(), n=joined.count())
        .order_by(["stage", "touchpoint"])
    )


def _terms(texts: list[str], top: int = 6) -> list[str]:
    """Return the most frequent words and word pairs of ``texts``, stopwords left out."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = [w for w in re.findall(r"[a-z']+", text.lower()) if w not in _STOP and len(w) > 2]
        counts.update(words)
        counts.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return [term for term, _ in counts.most_common(top)]


def affected_customers(source: TableSource) -> ir.Table:
    """Return (touchpoint, customer_id): who gave a bad score or negative feedback where."""
    r = _scored(source)
    f = _negative_feedback(source)
    hurt = (
        r.filter(r.bad & r.touchpoint.notnull())
        .select("touchpoint", "customer_id")
        .union(f.filter(f.negative & f.touchpoint.notnull()).select("touchpoint", "customer_id"))
        .distinct()
    )
    return hurt.filter(hurt.customer_id.notnull())


def pain_points(source: TableSource, *, top_terms: int = 6) -> pd.DataFrame:
    """Rank touchpoints by how much they hurt customers, with the evidence.

    Per touchpoint: visitors; drop-off (share of visitors with no order after their first
    visit); satisfaction and bad-score share at it; negative feedback share; repeat visits;
    customers affected and revenue at risk (their revenue to date). ``score`` is the mean of
    each signal's z-score across touchpoints (higher = worse); rank 1 hurts most.
    """
    e = source.table("events")
    o = source.table("orders")
    value = o.group_by("customer_id").aggregate(revenue=o.amount.sum(), last_order=o.ts.max())
    visits = e.group_by(["touchpoint", "customer_id"]).aggregate(first=e.ts.min(), n=e.count())
    v = visits.left_join(value, "customer_id")
    dropped = (v.last_order.isnull() | (v.last_order <= v.first)).cast("float64").mean() * 100
    # Without any order, "no order after" would read 100% everywhere: unknown, not a fact.
    any_order = o.count() > 0
    per_tp = v.group_by("touchpoint").aggregate(
        visitors=v.count(),
        drop_off=ibis.ifelse(any_order.as_scalar(), dropped, ibis.null("float64")),
        repeat_pct=(v.n > 1).cast("float64").mean() * 100,
    )
    r = _scored(source).filter(lambda t: t.touchpoint.notnull())
    scores = r.group_by("touchpoint").aggregate(
        satisfaction=r.satisfaction.mean(),
        bad_pct=r.bad.cast("float64").mean() * 100,
        answers=r.count(),
    )
    f = _negative_feedback(source).filter(lambda t: t.touchpoint.notnull())
    fb = f.group_by("touchpoint").aggregate(
        negative_pct=f.negative.cast("float64").mean() * 100, feedback=f.count()
    )
    hurt = affected_customers(source).left_join(value, "customer_id")
    risk = hurt.group_by("touchpoint").aggregate(
        affected=hurt.count(), revenue_at_risk=hurt.revenue.fill_null(0).sum()
    )
    table = (
        per_tp.left_join(scores, "touchpoint")
        .drop("touchpoint_right")
        .left_join(fb, "touchpoint")
        .drop("touchpoint_right")
        .left_join(risk, "touchpoint")
        .drop("touchpoint_right")
        .to_pandas()
    )
    table[["affected", "revenue_at_risk"]] = table[["affected", "revenue_at_risk"]].fillna(0)
    worse = {
        "drop_off": 1,
        "repeat_pct": 1,
        "satisfaction": -1,
        "bad_pct": 1,
        "negative_pct": 1,
        "revenue_at_risk": 1,
    }
    z = pd.DataFrame(
        {
            k: sign * (table[k] - table[k].mean()) / (table[k].std(ddof=0) or 1)
            for k, sign in worse.items()
        }
    )
    table["score"] = z.mean(axis=1, skipna=True)
    table = table.sort_values("score", ascending=False).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    # What unhappy customers wrote, fetched once for all touchpoints (a sample of each).
    unhappy = (
        r.filter(r.bad & r.comment.notnull())
        .select("touchpoint", text=r.comment)
        .union(f.filter(f.negative & f.text.notnull()).select("touchpoint", text=f.text))
    )
    unhappy = unhappy.mutate(_k=ibis.row_number().over(group_by=unhappy.touchpoint))
    sample = unhappy.filter(unhappy._k < _TEXTS_PER_TOUCHPOINT).select("touchpoint", "text")
    texts = sample.to_pandas().groupby("touchpoint").text.apply(list).to_dict()
    table["evidence"] = [
        _evidence(row, texts.get(row.touchpoint, []), top_terms) for row in table.itertuples()
    ]
    return table


def _evidence(row: object, texts: list[str], top_terms: int) -> str:
    """Say why a touchpoint ranks where it does: its figures and what unhappy customers wrote."""
    words = _terms(texts, top_terms)
    parts = []
    if pd.notna(getattr(row, "satisfaction", None)):
        parts.append(f"satisfaction {row.satisfaction:.2f}, {row.bad_pct:.0f}% bad scores")  # type: ignore[attr-defined]
    if pd.notna(getattr(row, "drop_off", None)):
        parts.append(f"{row.drop_off:.0f}% no order after")  # type: ignore[attr-defined]
    if getattr(row, "affected", 0):
        parts.append(f"{int(row.affected):,} customers affected")  # type: ignore[attr-defined]
    if words:
        parts.append("unhappy customers say: " + ", ".join(words))
    return "; ".join(parts)
