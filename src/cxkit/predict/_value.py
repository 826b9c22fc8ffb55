"""Fit the CLV models on a workspace's orders and check them on a holdout period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxkit.predict._clv import BGNBD, GammaGamma, customer_lifetime_value
from cxkit.predict._features import last_day
from cxkit.predict._rfm import calibration_holdout, rfm_summary
from cxkit.present import require
from cxkit.store import TableSource

__all__ = ["ClvResult", "holdout_check", "predict_clv"]


@dataclass
class ClvResult:
    """Fitted CLV models and one row of predictions per customer who has bought."""

    bgnbd: BGNBD
    gamma_gamma: GammaGamma
    customers: pd.DataFrame
    months: int


def predict_clv(
    source: TableSource,
    *,
    end: dt.datetime | None = None,
    months: int = 12,
    discount: float = 0.01,
    penalizer: float = 0.0,
) -> ClvResult:
    """Fit BG/NBD and Gamma-Gamma on the orders up to ``end`` and predict every customer.

    Time is in days. Per customer: ``p_alive``, ``expected_purchases`` and ``expected_spend``
    in the next ``months``, and ``clv`` (their discounted spend, ``discount`` per month).

    Examples
    --------
    >>> from cxkit.store import Workspace
    >>> import tempfile
    >>> with Workspace(tempfile.mkdtemp(), create=True) as ws:  # an empty one cannot be fitted
    ...     predict_clv(ws)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxkit.errors.MissingInput: no CLV without orders: the orders table is empty; load it with ...
    """
    require(source, "clv")
    summary = rfm_summary(source.table("orders"), end).to_pandas()
    bg = BGNBD(penalizer=penalizer).fit(summary.frequency, summary.recency, summary["T"])
    gg = GammaGamma(penalizer=penalizer).fit(summary.frequency, summary.monetary_value)
    args = (summary.frequency, summary.recency, summary["T"])
    horizon = months * 30.4375
    out = summary[["customer_id", "frequency", "recency", "T", "monetary_value", "revenue"]].copy()
    out["p_alive"] = bg.predict_proba_alive(*args)
    out["expected_purchases"] = bg.predict(horizon, *args)
    spend = gg.predict(summary.frequency, summary.monetary_value)
    out["expected_spend"] = out.expected_purchases * spend
    out["clv"] = customer_lifetime_value(
        bg, gg, *args, summary.monetary_value, months=months, discount=discount
    )
    return ClvResult(bg, gg, out, months)


def holdout_check(
    source: TableSource,
    calibration_end: dt.datetime,
    end: dt.datetime | None = None,
    *,
    max_frequency: int = 7,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Fit on orders up to ``calibration_end``; compare predicted and actual holdout purchases.

    Returns the comparison by calibration frequency (the classic BG/NBD check; the last
    group is ``max_frequency`` and more) and summary figures: total predicted and actual
    purchases, their ratio, mean absolute error per customer and the correlation.
    """
    require(source, "clv")
    end = end or last_day(source) - dt.timedelta(days=1)
    data = calibration_holdout(source.table("orders"), calibration_end, end).to_pandas()
    bg = BGNBD().fit(data.frequency, data.recency, data["T"])
    data["predicted"] = bg.predict(
        float(data.duration_holdout.iloc[0]), data.frequency, data.recency, data["T"]
    )
    data["group"] = np.minimum(data.frequency, max_frequency)
    by = (
        data.groupby("group")
        .agg(
            customers=("customer_id", "size"),
            actual=("frequency_holdout", "mean"),
            predicted=("predicted", "mean"),
        )
        .reset_index()
        .rename(columns={"group": "frequency"})
    )
    actual, predicted = data.frequency_holdout.astype(float), data.predicted
    stats = {
        "customers": float(len(data)),
        "actual_total": float(actual.sum()),
        "predicted_total": float(predicted.sum()),
        "ratio": float(predicted.sum() / max(actual.sum(), 1.0)),
        "mae": float((predicted - actual).abs().mean()),
        "correlation": float(np.corrcoef(predicted, actual)[0, 1]),
    }
    return by, stats
