"""Segments: RFM scores in Ibis and a clustering of behaviour, k chosen at the elbow.

Behaviour is what a customer chooses: the channels of their visits in the stages where they
choose (research, evaluation, purchase, repeat purchase; post-purchase visits such as an
order confirmation follow the order, not the person), the categories they buy, how much
they spend per order, how often they buy, their loyalty tier, whether they post on social
media and how satisfied they say they are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from cxkit.errors import ModelError
from cxkit.predict._features import join_customers, last_day, satisfaction
from cxkit.predict._rfm import _days_between, purchase_days
from cxkit.predict._threads import limited, plan
from cxkit.schema import CHANNELS
from cxkit.store import TableSource

__all__ = ["RFM_SEGMENTS", "Segmenter", "behaviour", "rfm_scores"]

#: Classic RFM segment names by (R, F) score bands, first match wins: (name, R >=, F >=, R <=).
RFM_SEGMENTS: tuple[tuple[str, int, int, int], ...] = (
    ("champions", 4, 4, 5),
    ("loyal", 3, 4, 5),
    ("new", 4, 1, 5),
    ("promising", 3, 1, 5),
    ("at risk", 1, 3, 2),
    ("hibernating", 1, 1, 2),
)
_CHOICE_STAGES = ("research", "evaluation", "purchase", "repeat_purchase")


def rfm_scores(source: TableSource, at: dt.datetime | None = None) -> ir.Table:
    """Return R, F and M quintile scores (5 = best) and a named RFM segment per buyer.

    Examples
    --------
    >>> import tempfile
    >>> from cxkit.store import Workspace
    >>> with Workspace(tempfile.mkdtemp(), create=True) as ws:
    ...     rfm_scores(ws).columns
    ('customer_id', 'recency_days', 'purchases', 'revenue', 'r', 'f', 'm', 'rfm_segment')
    """
    at_value = ibis.timestamp(at or last_day(source))
    days = purchase_days(source.table("orders"))
    days = days.filter(days.day < at_value)
    per = days.group_by("customer_id").aggregate(
        last=days.day.max(), purchases=days.count(), revenue=days.amount.sum()
    )
    per = per.mutate(recency_days=_days_between(at_value, per.last))
    # ntile is 0-based in Ibis; the most recent, most frequent and biggest spenders get 5.
    scored = per.mutate(
        r=(ibis.ntile(5).over(order_by=ibis.desc(per.recency_days)) + 1).cast("int64"),
        f=(ibis.ntile(5).over(order_by=per.purchases) + 1).cast("int64"),
        m=(ibis.ntile(5).over(order_by=per.revenue) + 1).cast("int64"),
    )
    name = ibis.cases(
        *[
            ((scored.r >= r) & (scored.f >= f) & (scored.r <= r_max), label)
            for label, r, f, r_max in RFM_SEGMENTS
        ],
        else_="needs attention",
    )
    return scored.select(
        "customer_id", "recency_days", "purchases", "revenue", "r", "f", "m", rfm_segment=name
    )


def behaviour(source: TableSource) -> ir.Table:
    """Return the behaviour the segments are clustered on, one row per buyer.

    Columns: ``visits_<channel>`` in the choice stages, ``items_<category>``, ``log_order``
    (mean log order value), ``purchases``, ``tier`` (the customer's ``segment`` column),
    ``social_posts`` and ``satisfaction`` (mean survey score on a 0-1 scale).
    """
    e = source.table("events")
    tp = source.table("touchpoints").select("touchpoint", "stage")
    e = e.join(tp, "touchpoint")
    e = e.filter(e.stage.isin(_CHOICE_STAGES))
    visits = e.group_by("customer_id").aggregate(
        **{f"visits_{c}": (e.channel == c).cast("float64").sum() for c in CHANNELS}
    )
    o = source.table("orders")
    o = o.filter(o.status.isnull() | (o.status != "cancelled"))
    orders = o.group_by("customer_id").aggregate(
        purchases=o.count().cast("float64"), log_order=o.amount.clip(lower=0.01).log().mean()
    )
    items = source.table("order_items").join(o.select("order_id", "customer_id"), "order_id")
    categories = [
        str(c)
        for c in items.select("category").distinct().order_by("category").to_pandas().category
        if c is not None
    ]
    per_item = items.group_by("customer_id").aggregate(
        **{f"items_{c}": (items.category == c).cast("float64").sum() for c in categories}
    )
    f = source.table("feedback")
    posts = f.group_by("customer_id").aggregate(
        social_posts=(f.source == "social").cast("float64").sum()
    )
    r = source.table("responses")
    sat = (
        r.mutate(norm=satisfaction(r))
        .group_by("customer_id")
        .aggregate(satisfaction=ibis._.norm.mean())
    )
    c = source.table("customers").select("customer_id", tier="segment")
    table = orders
    for part in (c, visits, per_item, posts, sat):
        table = join_customers(table, part)
    counts = [col for col in table.columns if col.startswith(("visits_", "items_"))]
    return table.mutate(
        **{col: table[col].fill_null(0.0) for col in [*counts, "social_posts"]}
    ).order_by("customer_id")


class Segmenter(ClusterMixin, BaseEstimator):  # type: ignore[misc]
    """K-means on standardised behaviour; k chosen at the elbow of the within-cluster spread.

    An elbow is a k whose own cluster removed at least ``elbow`` times the spread (k-means
    inertia) that one more cluster would remove; past it, extra clusters split groups rather
    than find them; and its cluster must remove at least 2% of the spread of the data taken
    as one cluster. Groups often nest (three broad kinds of customer, some of which split in
    two), so there can be several elbows: the largest k among them is kept, the finest
    grouping that is still a real one. Without any elbow, the k with the largest ratio.

    Counts are turned into mixes (the square root of smoothed shares, so a customer with
    few visits is not pushed to an extreme), spend and counts into logs, text columns into
    one-hot indicators; then everything is standardised.

    Parameters
    ----------
    n_clusters
        Fix k; ``None`` picks it from ``k_range`` at the elbow.
    k_range
        Smallest and largest k tried.
    elbow
        The gain ratio that makes a k an elbow.
    sample
        Rows used for the reported silhouette (it is quadratic in rows).
    random_state
        Seed of k-means and of the silhouette sample.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> web, app = rng.poisson(9, 40), rng.poisson(1, 40)
    >>> X = pd.DataFrame({"visits_web": np.r_[web, app], "visits_app": np.r_[app, web]})
    >>> labels = Segmenter(n_clusters=2).fit(X).labels_
    >>> int((labels[:40] == labels[0]).sum()), int((labels[40:] != labels[0]).sum())
    (39, 39)
    """

    def __init__(
        self,
        n_clusters: int | None = None,
        k_range: tuple[int, int] = (3, 8),
        elbow: float = 1.75,
        sample: int = 5000,
        random_state: int = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.elbow = elbow
        self.sample = sample
        self.random_state = random_state

    def _matrix(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Return the unscaled matrix and each column's weight."""
        blocks = []
        weights: list[float] = []
        for prefix in ("visits_", "items_"):
            cols = [c for c in X.columns if c.startswith(prefix)]
            if cols:
                counts = X[cols].to_numpy(dtype=np.float64) + 0.5
                blocks.append(np.sqrt(counts / counts.sum(axis=1, keepdims=True)))
                weights += [1.0] * len(cols)
        rest = X.drop(columns=[c for c in X.columns if c.startswith(("visits_", "items_"))])
        for col in rest.columns:
            if col == "customer_id":
                continue
            if col in self.levels_:
                values = rest[col].astype("string")
                levels = self.levels_[col]
                blocks.append(
                    np.column_stack([(values == v).to_numpy(dtype=float) for v in levels])
                )
                # One text column weighs like one numeric column, however many levels it has.
                weights += [1.0 / np.sqrt(len(levels))] * len(levels)
                continue
            v = rest[col].to_numpy(dtype=np.float64)
            if col in ("purchases", "social_posts"):
                v = np.log1p(v)
            v = np.where(np.isnan(v), self.fill_[col], v)
            blocks.append(v[:, None])
            weights.append(1.0)
        return np.hstack(blocks), np.array(weights)

    def fit(self, X: Any, y: Any = None) -> Segmenter:
        """Cluster the rows of ``X`` (a frame of behaviour columns)."""
        frame = pd.DataFrame(X)
        low, high = self.k_range
        if len(frame) < max(high, 10):
            raise ModelError(
                f"only {len(frame)} customers to segment; need at least {max(high, 10)}"
            )
        self.levels_ = {
            c: sorted(frame[c].dropna().astype(str).unique())
            for c in frame.columns
            if c != "customer_id" and not pd.api.types.is_numeric_dtype(frame[c])
        }
        self.fill_ = {
            c: float(np.nanmedian(frame[c].to_numpy(dtype=float)))
            for c in frame.columns
            if c != "customer_id"
            and c not in self.levels_
            and not c.startswith(("visits_", "items_"))
        }
        self.scaler_ = StandardScaler()
        raw, self.weights_ = self._matrix(frame)
        matrix = self.scaler_.fit_transform(raw) * self.weights_
        ks = [self.n_clusters] if self.n_clusters else list(range(max(low - 1, 1), high + 2))
        # k-means runs OpenMP threads: give it the budget's threads, once, for every k.
        with limited(plan(1).threads):
            models = {
                k: KMeans(k, n_init=10, random_state=self.random_state).fit(matrix) for k in ks
            }
        self.inertias_ = {k: float(m.inertia_) for k, m in models.items()}
        if self.n_clusters:
            k = self.n_clusters
        else:
            gain = {k: self.inertias_[k - 1] - self.inertias_[k] for k in ks[1:]}
            ratio = {k: gain[k] / max(gain[k + 1], 1e-12) for k in range(low, high + 1)}
            # An elbow must also matter: its cluster removes 2% or more of the total spread.
            total = self.inertias_[ks[0]] if ks[0] == 1 else max(self.inertias_.values())
            elbows = [k for k, r in ratio.items() if r >= self.elbow and gain[k] >= 0.02 * total]
            k = max(elbows) if elbows else max(ratio, key=ratio.__getitem__)
        self.model_ = models[k]
        self.silhouette_ = float(
            silhouette_score(
                matrix,
                self.model_.labels_,
                sample_size=min(self.sample, len(frame)),
                random_state=self.random_state,
            )
        )
        self.k_ = int(self.model_.n_clusters)
        self.labels_ = self.model_.labels_
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Return the nearest segment of each row."""
        check_is_fitted(self, "model_")
        matrix = self.scaler_.transform(self._matrix(pd.DataFrame(X))[0]) * self.weights_
        return np.asarray(self.model_.predict(matrix))
