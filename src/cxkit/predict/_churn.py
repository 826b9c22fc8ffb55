"""Churn risk: a calibrated gradient-boosted classifier with per-customer reasons.

Reasons are feature contributions measured by substitution: how much a customer's log-odds
of churning fall when one feature is set to the typical customer's value (its median, or
its most common category). They are exact for one feature at a time, need no extra
library, and read as "this is what makes this customer riskier than a typical one".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from cxkit.errors import ModelError
from cxkit.predict._threads import limited, plan

__all__ = [
    "ChurnModel",
    "ChurnReport",
    "cross_validated_risk",
    "evaluate_churn",
    "readable_reasons",
]

_EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


class ChurnModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Gradient-boosted trees with calibrated probabilities and per-row reasons.

    Text columns are treated as categories. Missing values are allowed (the trees learn
    where they go). Probabilities are calibrated by cross-validation (``cv`` folds).

    Parameters
    ----------
    learning_rate, max_iter, max_leaf_nodes, min_samples_leaf, l2_regularization
        Passed to scikit-learn's ``HistGradientBoostingClassifier``; the defaults are small,
        regularised trees that suit tabular churn data of a few thousand rows and up.
    calibration
        ``sigmoid`` (Platt) or ``isotonic``.
    cv
        Folds used to calibrate.
    random_state
        Seed of the folds and the trees.
    n_jobs
        Calibration folds fitted at once, in worker processes; ``None`` lets the thread
        budget decide (``cxkit.predict._threads``: ``CX_THREADS`` or the cores). Workers
        times OpenMP threads per worker stays within the budget.

    Examples
    --------
    >>> X = pd.DataFrame({"recency": [1, 2, 3, 50, 60, 70] * 20, "plan": list("aabbab") * 20})
    >>> y = [0, 0, 0, 1, 1, 1] * 20
    >>> m = ChurnModel(min_samples_leaf=5, cv=3).fit(X, y)
    >>> bool(m.predict_proba(X)[:, 1][3] > m.predict_proba(X)[:, 1][0])
    True
    """

    def __init__(
        self,
        learning_rate: float = 0.05,
        max_iter: int = 200,
        max_leaf_nodes: int = 6,
        min_samples_leaf: int = 50,
        l2_regularization: float = 1.0,
        calibration: str = "sigmoid",
        cv: int = 5,
        random_state: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _booster(self) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            categorical_features="from_dtype",
            random_state=self.random_state,
        )

    def _frame(self, X: Any) -> pd.DataFrame:
        """Return ``X`` as a frame with the training columns and categories."""
        frame = pd.DataFrame(X).copy()
        if hasattr(self, "feature_names_in_"):
            missing = [c for c in self.feature_names_in_ if c not in frame.columns]
            if missing:
                raise ModelError(f"columns missing for the churn model: {', '.join(missing)}")
            frame = frame[list(self.feature_names_in_)]
            for col, cats in self.categories_.items():
                frame[col] = pd.Categorical(frame[col].astype("string"), categories=cats)
        return frame

    def fit(self, X: Any, y: Any) -> ChurnModel:
        """Fit on features ``X`` (a DataFrame) and churn labels ``y`` (1 = churned)."""
        if self.calibration not in ("sigmoid", "isotonic"):
            raise ModelError(
                f"calibration must be 'sigmoid' or 'isotonic', not {self.calibration!r}"
            )
        frame = pd.DataFrame(X).copy()
        labels = np.asarray(y).astype(int)
        if len(frame) != len(labels):
            raise ModelError(f"X has {len(frame)} rows but y has {len(labels)}")
        if len(np.unique(labels)) != 2:
            raise ModelError("churn labels need both classes (churned and stayed)")
        self.categories_: dict[str, list[str]] = {}
        for col in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[col]) or isinstance(
                frame[col].dtype, pd.CategoricalDtype
            ):
                values = frame[col].astype("string")
                self.categories_[col] = sorted(values.dropna().unique().tolist())
        self.feature_names_in_ = np.array(frame.columns, dtype=object)
        frame = self._frame(frame)
        self.n_features_in_ = frame.shape[1]
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        budget = plan(self.cv, self.n_jobs)
        self.model_ = CalibratedClassifierCV(
            self._booster(), method=self.calibration, cv=folds, n_jobs=budget.workers
        )
        with limited(budget.threads):
            self.model_.fit(frame, labels)
        self.classes_ = self.model_.classes_
        self.reference_ = {
            col: (frame[col].mode().iloc[0] if col in self.categories_ else frame[col].median())
            for col in frame.columns
        }
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return calibrated probabilities, columns (stay, churn)."""
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict_proba(self._frame(X)))

    def predict(self, X: Any) -> np.ndarray:
        """Return 1 where the churn probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def contributions(self, X: Any) -> pd.DataFrame:
        """Return each feature's contribution to each row's log-odds of churning."""
        frame = self._frame(X)
        base = _logit(self.predict_proba(frame)[:, 1])
        out = {}
        for col in frame.columns:
            swapped = frame.copy()
            ref = self.reference_[col]
            if col in self.categories_:
                swapped[col] = pd.Categorical([ref] * len(frame), categories=self.categories_[col])
            else:
                # A missing value is its own branch in the trees; keep it as the customer's.
                swapped[col] = frame[col].where(frame[col].isna(), ref)
            out[col] = base - _logit(self.predict_proba(swapped)[:, 1])
        return pd.DataFrame(out, index=frame.index)

    def reasons(
        self,
        X: Any,
        *,
        top: int = 3,
        labels: Mapping[str, str] | None = None,
        risk: Mapping[str, int] | None = None,
    ) -> list[list[str]]:
        """Return up to ``top`` readable reasons per row: the features that raise its risk most.

        ``labels`` maps a feature to a sentence template with ``{v}`` for the value. ``risk``
        maps a feature to the side that is risky (+1 high, -1 low): a contribution from the
        other side of the typical value is a quirk of the trees, not a reason to give.
        """
        contrib = self.contributions(self._frame(X))
        return readable_reasons(
            contrib, pd.DataFrame(X), self.reference_, top=top, labels=labels, risk=risk
        )


def readable_reasons(
    contrib: pd.DataFrame,
    values: pd.DataFrame,
    reference: Mapping[str, Any],
    *,
    top: int = 3,
    labels: Mapping[str, str] | None = None,
    risk: Mapping[str, int] | None = None,
) -> list[list[str]]:
    """Return up to ``top`` sentences per row: its features with the largest contributions.

    ``contrib`` holds each feature's contribution to each row's log-odds (rows as in
    ``values``, the features as given), ``reference`` the typical value each contribution
    was measured against; ``labels`` and ``risk`` are as in `ChurnModel.reasons`.
    """
    risk = risk or {}
    labels = labels or {}
    values = values.reset_index(drop=True)
    out: list[list[str]] = []
    cols = np.array(contrib.columns)
    for i, row in enumerate(contrib.to_numpy()):
        reasons: list[str] = []
        for j in np.argsort(-row):
            if row[j] <= 0.01 or len(reasons) == top:
                break
            col = str(cols[j])
            v: Any = values.at[i, col]
            numeric = isinstance(v, int | float | np.number) and bool(np.isfinite(float(v)))
            side = risk.get(col, 0)
            if side and numeric and (float(v) - float(reference[col])) * side <= 0:
                continue
            template = labels.get(col)
            reasons.append(template.format(v=v) if template and numeric else f"{col} = {v!s}")
        out.append(reasons)
    return out


@dataclass
class ChurnReport:
    """How well churn probabilities rank and match what happened."""

    auc: float
    brier: float
    base_rate: float
    #: Per decile of predicted risk (1 = riskiest): customers, mean predicted, observed rate, lift.
    deciles: pd.DataFrame

    def summary(self) -> str:
        """Return a one-line summary."""
        top = self.deciles.iloc[0]
        return (
            f"AUC {self.auc:.3f}, Brier {self.brier:.3f}, churn rate {self.base_rate:.1%}, "
            f"top decile lift {top.lift:.2f}x"
        )


def evaluate_churn(y_true: Any, p: Any, *, bins: int = 10) -> ChurnReport:
    """Score churn probabilities ``p`` against outcomes ``y_true`` (1 = churned).

    Examples
    --------
    >>> r = evaluate_churn([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], bins=2)
    >>> r.auc
    0.75
    >>> r.deciles.observed.tolist()
    [0.5, 0.5]
    """
    y = np.asarray(y_true).astype(int)
    prob = np.asarray(p, dtype=np.float64)
    order = np.argsort(-prob, kind="stable")
    decile = np.empty(len(y), dtype=np.int64)
    decile[order] = np.arange(len(y)) * bins // max(len(y), 1) + 1
    frame = pd.DataFrame({"decile": decile, "y": y, "p": prob})
    base = float(y.mean())
    table = frame.groupby("decile").agg(
        customers=("y", "size"), predicted=("p", "mean"), observed=("y", "mean")
    )
    table["lift"] = table.observed / base if base else np.nan
    return ChurnReport(
        auc=float(roc_auc_score(y, prob)),
        brier=float(brier_score_loss(y, prob)),
        base_rate=base,
        deciles=table.reset_index(),
    )


def _fold_risk(
    model: Any, X: pd.DataFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray, threads: int
) -> np.ndarray:
    # Runs in a worker: the fold's own fit sees the budget and stays on `threads` threads.
    with limited(threads):
        fitted = model.fit(X.iloc[train], y[train])
        return np.asarray(fitted.predict_proba(X.iloc[test]))[:, 1]


def cross_validated_risk(
    model: Any, X: pd.DataFrame, y: Any, folds: int = 5, *, n_jobs: int | None = None
) -> np.ndarray:
    """Return out-of-fold churn probabilities from ``folds``-fold stratified CV.

    Folds are fitted ``n_jobs`` at a time in worker processes (``None``: as many as the
    thread budget allows, see ``ChurnModel``), each on its share of the threads, so
    workers times OpenMP threads never exceeds the cores.
    """
    labels = np.asarray(y)
    frame = pd.DataFrame(X)
    split = StratifiedKFold(folds, shuffle=True, random_state=model.random_state)
    budget = plan(folds, n_jobs)
    parts = list(split.split(frame, labels))
    with limited(budget.threads):
        risks = Parallel(n_jobs=budget.workers)(
            delayed(_fold_risk)(clone(model), frame, labels, train, test, budget.threads)
            for train, test in parts
        )
    out = np.empty(len(labels), dtype=np.float64)
    for (_, test), risk in zip(parts, risks, strict=True):
        out[test] = risk
    return out
