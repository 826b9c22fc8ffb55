"""Churn risk on a workspace: label the past, learn from it, score every buyer now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxkit.errors import ModelError
from cxkit.predict._churn import ChurnModel, ChurnReport, cross_validated_risk, evaluate_churn
from cxkit.predict._features import FEATURE_LABELS, FEATURE_RISK, customer_features, last_day
from cxkit.predict._rfm import purchase_days
from cxkit.present import require
from cxkit.store import TableSource

__all__ = ["ChurnResult", "churn_training_set", "predict_churn"]


@dataclass
class ChurnResult:
    """A fitted churn model, its out-of-fold evaluation and every buyer's risk now."""

    model: ChurnModel
    report: ChurnReport
    #: ``customer_id, churn_risk, reasons`` (a list of sentences) plus the features.
    scores: pd.DataFrame
    cutoff: dt.datetime
    horizon_days: int
    touchpoints: tuple[str, ...]


def _pain_touchpoints(source: TableSource, top: int) -> tuple[str, ...]:
    from cxkit.journeys import pain_points

    ranked = pain_points(source)
    return tuple(str(t) for t in ranked.touchpoint.head(top))


def churn_training_set(
    source: TableSource,
    cutoff: dt.datetime,
    horizon_days: int,
    touchpoints: Sequence[str] = (),
) -> tuple[pd.DataFrame, np.ndarray]:
    """Return features at ``cutoff`` and labels: 1 = no purchase in the next ``horizon_days``."""
    features = customer_features(source, cutoff, touchpoints=touchpoints).to_pandas()
    days = purchase_days(source.table("orders"))
    end = cutoff + dt.timedelta(days=horizon_days)
    later = days.filter((days.day >= cutoff) & (days.day < end)).select("customer_id").distinct()
    stayed = set(later.to_pandas().customer_id)
    labels = (~features.customer_id.isin(stayed)).to_numpy().astype(int)
    return features, labels


def predict_churn(
    source: TableSource,
    *,
    horizon_days: int = 90,
    touchpoints: Sequence[str] | None = None,
    model: ChurnModel | None = None,
    top_reasons: int = 3,
) -> ChurnResult:
    """Learn who stopped buying and score every buyer's risk of buying nothing next.

    The model learns from features at ``now - horizon_days`` with what happened in the
    following ``horizon_days`` as the label, then scores features at ``now`` (the day after
    the last order). ``touchpoints`` defaults to the three worst pain points of the
    journey analysis; visits to them become features. Without orders there is nothing to
    learn from: `MissingInput` says so (and points to `predict_label_churn`).
    """
    require(source, "churn")
    now = last_day(source)
    cutoff = now - dt.timedelta(days=horizon_days)
    if touchpoints is None:
        touchpoints = _pain_touchpoints(source, 3)
    features, labels = churn_training_set(source, cutoff, horizon_days, touchpoints)
    if len(features) < 50:
        raise ModelError(
            f"only {len(features)} customers bought before {cutoff:%Y-%m-%d}; "
            "the churn model needs at least 50 (more history, or a shorter horizon)"
        )
    model = model or ChurnModel()
    X = features.drop(columns="customer_id")
    report = evaluate_churn(labels, cross_validated_risk(model, X, labels))
    model.fit(X, labels)
    current = customer_features(source, now, touchpoints=touchpoints).to_pandas()
    Xn = current.drop(columns="customer_id")
    labels_text = {
        **FEATURE_LABELS,
        **{f"visits_{tp}": f"{{v:.0f}} visits to {tp} (a pain point)" for tp in touchpoints},
    }
    scores = current.copy()
    scores.insert(1, "churn_risk", model.predict_proba(Xn)[:, 1])
    scores.insert(
        2,
        "reasons",
        model.reasons(
            Xn,
            top=top_reasons,
            labels=labels_text,
            risk={**FEATURE_RISK, **{f"visits_{tp}": 1 for tp in touchpoints}},
        ),
    )
    return ChurnResult(model, report, scores, cutoff, horizon_days, tuple(touchpoints))
