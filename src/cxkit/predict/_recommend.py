"""Next-best-product: item-item co-purchase with a popularity fallback, built in Ibis.

Two items are similar when the same customers buy both (cosine of their customer sets).
A customer's candidates are the items similar to what they bought, scored by the summed
similarity; items they already have are left out (this is for cross-sell), and the most
popular items fill any remaining places.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from cxkit.errors import check_fitted
from cxkit.store import TableSource

__all__ = ["HitRate", "ItemRecommender", "hit_rate", "purchases"]


def purchases(source: TableSource, item: str = "product_id") -> ir.Table:
    """Return ``customer_id, order_id, ts, item`` for every order line not cancelled.

    ``item`` is the ``order_items`` column to recommend: ``product_id`` or ``category``.
    """
    o = source.table("orders")
    o = o.filter(o.status.isnull() | (o.status != "cancelled"))
    lines = source.table("order_items")
    joined = lines.join(o.select("order_id", "customer_id", "ts"), "order_id")
    joined = joined.filter(joined[item].notnull() & joined.customer_id.notnull())
    return joined.select("customer_id", "order_id", "ts", item=joined[item].cast("string"))


class ItemRecommender:
    """Recommend items by co-purchase similarity, falling back on popularity.

    Parameters
    ----------
    neighbours
        Similar items kept per item.
    popularity_only
        Recommend the most popular items only (the baseline).

    Examples
    --------
    >>> p = ibis.memtable({"customer_id": ["a", "a", "b", "b", "c"],
    ...     "item": ["x", "y", "x", "y", "x"], "order_id": ["1", "1", "2", "2", "3"]})
    >>> ItemRecommender().fit(p).recommend(k=1).to_pandas()[["customer_id", "item"]].values.tolist()
    [['c', 'y']]
    """

    def __init__(self, neighbours: int = 50, popularity_only: bool = False) -> None:
        self.neighbours = neighbours
        self.popularity_only = popularity_only

    def fit(self, purchases: ir.Table) -> ItemRecommender:
        """Learn item similarities and popularity from ``customer_id, item`` rows."""
        owned = purchases.select("customer_id", "item").distinct()
        counts = owned.group_by("item").aggregate(buyers=owned.count())
        a = owned.rename(item_a="item")
        b = owned.rename(item_b="item")
        pairs = a.join(b, "customer_id").filter(lambda t: t.item_a != t.item_b)
        co = pairs.group_by(["item_a", "item_b"]).aggregate(both=pairs.count())
        ca = counts.rename(buyers_a="buyers", item_a="item")
        cb = counts.rename(buyers_b="buyers", item_b="item")
        co = co.join(ca, "item_a").join(cb, "item_b")
        co = co.select(
            "item_a",
            "item_b",
            similarity=co.both.cast("float64") / (co.buyers_a * co.buyers_b).cast("float64").sqrt(),
        )
        rank = ibis.row_number().over(
            group_by=co.item_a, order_by=[ibis.desc(co.similarity), co.item_b]
        )
        self.similar_ = co.mutate(_r=rank).filter(lambda t: t._r < self.neighbours).drop("_r")
        self.popular_ = counts.order_by([ibis.desc(counts.buyers), counts.item])
        self.owned_ = owned
        return self

    def recommend(self, customers: ir.Table | None = None, k: int = 10) -> ir.Table:
        """Return the top ``k`` items per customer: ``customer_id, rank, item, score``.

        ``customers`` (a table with ``customer_id``) defaults to everyone seen in ``fit``.
        """
        check_fitted(self, "popular_")
        owned = self.owned_
        who = (customers if customers is not None else owned).select("customer_id").distinct()
        mine = owned.join(who, "customer_id")
        top_popular = self.popular_.limit(k + 200).mutate(pop_rank=ibis.row_number())
        fallback = who.cross_join(top_popular).select(
            "customer_id", "item", score=-top_popular.pop_rank.cast("float64") * 1e-9 - 1.0
        )
        if self.popularity_only:
            candidates = fallback
        else:
            sim = mine.join(self.similar_, mine.item == self.similar_.item_a)
            scored = (
                sim.group_by(["customer_id", "item_b"])
                .aggregate(score=sim.similarity.sum())
                .rename(item="item_b")
            )
            candidates = scored.union(fallback)
            candidates = candidates.group_by(["customer_id", "item"]).aggregate(
                score=candidates.score.max()
            )
        fresh = candidates.anti_join(owned, ["customer_id", "item"])
        rank = ibis.row_number().over(
            group_by=fresh.customer_id, order_by=[ibis.desc(fresh.score), fresh.item]
        )
        out = fresh.mutate(rank=rank + 1).filter(lambda t: t.rank <= k)
        return out.select("customer_id", "rank", "item", "score").order_by(["customer_id", "rank"])


@dataclass
class HitRate:
    """Share of held-out last orders that contain at least one of the top-k items."""

    customers: int
    k: int
    item_item: float
    popularity: float


def hit_rate(purchases: ir.Table, k: int = 10) -> HitRate:
    """Hold out each repeat customer's last order; check whether top-``k`` picks hit it.

    Both the co-purchase recommender and the popularity baseline learn from everything but
    the held-out orders. Only customers with two or more orders are evaluated.
    """
    per_order = purchases.group_by(["customer_id", "order_id"]).aggregate(ts=purchases.ts.max())
    rank = ibis.row_number().over(
        group_by=per_order.customer_id, order_by=[ibis.desc(per_order.ts), ibis.desc("order_id")]
    )
    n = per_order.count().over(group_by=per_order.customer_id)
    per_order = per_order.mutate(_r=rank, _n=n)
    held = per_order.filter((per_order._r == 0) & (per_order._n >= 2)).select("order_id")
    train = purchases.anti_join(held, "order_id")
    truth = purchases.semi_join(held, "order_id").select("customer_id", "item").distinct()
    who = truth.select("customer_id").distinct()
    n_customers = int(who.count().to_pandas())
    rates = []
    for model in (ItemRecommender(), ItemRecommender(popularity_only=True)):
        recs = model.fit(train).recommend(who, k=k)
        hits = recs.semi_join(truth, ["customer_id", "item"]).select("customer_id").distinct()
        rates.append(int(hits.count().to_pandas()) / max(n_customers, 1))
    return HitRate(n_customers, k, rates[0], rates[1])
