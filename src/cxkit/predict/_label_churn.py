"""Churn from a customer table's own label: trained, checked on held-out customers, explained.

`LabelChurnModel` one-hot encodes text columns (scikit-learn's ``OneHotEncoder``; rare
values pooled), passes numbers through, and fits calibrated gradient-boosted trees on
the result. Reasons are measured as in `ChurnModel` (set one feature to the typical
customer's value, see how far the log-odds fall), on the encoded rows, so a feature
costs one prediction, not one encoding. `predict_label_churn` holds out a stratified
share of the customers, scores the model there (AUC, lift, the drivers), and ranks the
customers still labelled as staying with that same model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.validation import check_is_fitted

from cxkit.errors import ConfigError, ModelError
from cxkit.predict._churn import ChurnReport, _logit, evaluate_churn, readable_reasons
from cxkit.predict._features import FEATURE_LABELS, FEATURE_RISK
from cxkit.predict._labelled import LabelledCustomers, labelled_customers
from cxkit.predict._threads import limited, plan
from cxkit.store import TableSource

__all__ = ["LabelChurnModel", "LabelChurnResult", "predict_label_churn"]

#: How a blank text value is encoded: a category of its own.
BLANK = "(blank)"
#: Rows scored at once when measuring contributions.
_CHUNK = 200_000
#: Fewest customers of each class (churned, stayed) to train and hold out from.
MIN_CLASS = 20


def _is_numeric(values: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(values)) and not isinstance(
        values.dtype, pd.CategoricalDtype
    )


class LabelChurnModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Gradient-boosted trees on one-hot encoded customer columns, with per-row reasons.

    Parameters
    ----------
    learning_rate, max_iter, max_leaf_nodes, min_samples_leaf, l2_regularization
        Passed to scikit-learn's ``HistGradientBoostingClassifier`` (as in `ChurnModel`).
    min_frequency, max_categories
        Passed to ``OneHotEncoder``: values seen fewer than ``min_frequency`` times, and
        those beyond the ``max_categories`` most common, share one "infrequent" column.
    calibration
        ``sigmoid`` (Platt) or ``isotonic``.
    cv
        Folds used to calibrate.
    random_state
        Seed of the folds and the trees.
    n_jobs
        Calibration folds fitted at once; ``None`` lets the thread budget decide
        (``cxkit.predict._threads``).

    Examples
    --------
    >>> X = pd.DataFrame({"months": [1, 2, 3, 40, 50, 60] * 20, "plan": list("aabbab") * 20})
    >>> y = [1, 1, 1, 0, 0, 0] * 20
    >>> m = LabelChurnModel(min_samples_leaf=5, min_frequency=1, cv=3).fit(X, y)
    >>> bool(m.predict_proba(X)[0, 1] > m.predict_proba(X)[3, 1])
    True
    """

    def __init__(
        self,
        learning_rate: float = 0.05,
        max_iter: int = 200,
        max_leaf_nodes: int = 6,
        min_samples_leaf: int = 50,
        l2_regularization: float = 1.0,
        min_frequency: int = 10,
        max_categories: int = 30,
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
        self.min_frequency = min_frequency
        self.max_categories = max_categories
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _text(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return the categorical columns as text, blanks as their own value."""
        return frame[self.categorical_].astype("string").fillna(BLANK).astype(object)

    def _matrix(self, X: Any) -> np.ndarray:
        """Return ``X`` encoded: numeric columns first, then each text column's one-hot block."""
        frame = pd.DataFrame(X)
        missing = [c for c in self.feature_names_in_ if c not in frame.columns]
        if missing:
            raise ModelError(f"columns missing for the churn model: {', '.join(missing)}")
        parts = [frame[self.numeric_].astype("float64").to_numpy()]
        if self.categorical_:
            parts.append(self.encoder_.transform(self._text(frame)))
        return np.hstack(parts)

    def fit(self, X: Any, y: Any) -> LabelChurnModel:
        """Fit on customer columns ``X`` (a DataFrame) and labels ``y`` (1 = churned)."""
        if self.calibration not in ("sigmoid", "isotonic"):
            raise ModelError(
                f"calibration must be 'sigmoid' or 'isotonic', not {self.calibration!r}"
            )
        frame = pd.DataFrame(X).reset_index(drop=True)
        labels = np.asarray(y).astype(int)
        if len(frame) != len(labels):
            raise ModelError(f"X has {len(frame)} rows but y has {len(labels)}")
        if len(np.unique(labels)) != 2:
            raise ModelError("churn labels need both classes (churned and stayed)")
        self.feature_names_in_ = np.array(frame.columns, dtype=object)
        self.n_features_in_ = frame.shape[1]
        self.numeric_ = [str(c) for c in frame.columns if _is_numeric(frame[c])]
        self.categorical_ = [str(c) for c in frame.columns if not _is_numeric(frame[c])]
        self.encoder_ = OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            min_frequency=self.min_frequency,
            max_categories=self.max_categories,
            sparse_output=False,
            dtype=np.float64,
        )
        text = self._text(frame)
        if self.categorical_:
            self.encoder_.fit(text)
        self.reference_: dict[str, Any] = {
            **{c: float(frame[c].astype("float64").median()) for c in self.numeric_},
            **{c: text[c].mode().iloc[0] for c in self.categorical_},
        }
        self.blocks_: dict[str, slice] = {c: slice(i, i + 1) for i, c in enumerate(self.numeric_)}
        start = len(self.numeric_)
        if self.categorical_:
            typical = pd.DataFrame([{c: self.reference_[c] for c in self.categorical_}])
            self.typical_codes_ = self.encoder_.transform(typical.astype(object))[0]
            infrequent = self.encoder_.infrequent_categories_
            for col, cats, rare in zip(
                self.categorical_, self.encoder_.categories_, infrequent, strict=True
            ):
                # Rare values share one column: the encoder's output is feature by feature.
                width = len(cats) if rare is None else len(cats) - len(rare) + 1
                self.blocks_[col] = slice(start, start + width)
                start += width
        matrix = self._matrix(frame)
        booster = HistGradientBoostingClassifier(
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            categorical_features=None,
            random_state=self.random_state,
        )
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        budget = plan(self.cv, self.n_jobs)
        self.model_ = CalibratedClassifierCV(
            booster, method=self.calibration, cv=folds, n_jobs=budget.workers
        )
        with limited(budget.threads):
            self.model_.fit(matrix, labels)
        self.classes_ = self.model_.classes_
        return self

    def _risk(self, matrix: np.ndarray) -> np.ndarray:
        # Prediction is cheap per row: on one thread OpenMP neither starts a team nor spins
        # against other work (35k rows: 2.5 s on one thread, 10.7 s on two of a busy
        # 2-core machine).
        with limited(1):
            return np.asarray(self.model_.predict_proba(matrix))[:, 1]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return calibrated probabilities, columns (stay, churn)."""
        check_is_fitted(self, "model_")
        p = self._risk(self._matrix(X))
        return np.column_stack([1 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """Return 1 where the churn probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def contributions(self, X: Any) -> pd.DataFrame:
        """Return each feature's contribution to each row's log-odds of churning."""
        check_is_fitted(self, "model_")
        matrix = self._matrix(X)
        n, offset = len(matrix), len(self.numeric_)
        # Every row once as it is, then once per feature with that feature made typical:
        # all scored in one call, in chunks of about `_CHUNK` rows.
        step = max(1, _CHUNK // max(n, 1))
        names = [str(c) for c in self.feature_names_in_]
        risks: list[np.ndarray] = []
        for first in range(0, len(names) + 1, step):
            batch = []
            for k in range(first, min(first + step, len(names) + 1)):
                swapped = matrix.copy()
                col = names[k - 1] if k else None
                if col in self.categorical_:
                    block = self.blocks_[col]
                    swapped[:, block] = self.typical_codes_[
                        block.start - offset : block.stop - offset
                    ]
                elif col is not None:
                    # A missing value is its own branch in the trees; keep it as the customer's.
                    j = self.blocks_[col].start
                    kept = swapped[:, j]
                    swapped[:, j] = np.where(np.isnan(kept), kept, self.reference_[col])
                batch.append(swapped)
            risks.extend(np.split(self._risk(np.vstack(batch)), len(batch)))
        base = _logit(risks[0])
        out = {col: base - _logit(r) for col, r in zip(names, risks[1:], strict=True)}
        return pd.DataFrame(out, index=pd.DataFrame(X).index)

    def _shown(self, X: Any) -> pd.DataFrame:
        """Return ``X`` as reasons show it: blanks of text columns as ``(blank)``."""
        frame = pd.DataFrame(X).copy()
        if self.categorical_:
            frame[self.categorical_] = self._text(frame)
        return frame

    def reasons(
        self,
        X: Any,
        *,
        top: int = 3,
        labels: Mapping[str, str] | None = None,
        risk: Mapping[str, int] | None = None,
    ) -> list[list[str]]:
        """Return up to ``top`` readable reasons per row (see `ChurnModel.reasons`)."""
        contrib = self.contributions(X)
        return readable_reasons(
            contrib, self._shown(X), self.reference_, top=top, labels=labels, risk=risk
        )

    def drivers(self, X: Any, *, top: int | None = None) -> pd.DataFrame:
        """Return the features that move churn risk most over rows ``X``, and which way.

        ``weight`` is the mean absolute contribution (log-odds); ``riskier_when`` the text
        value with the highest mean contribution, or for a number the side of the typical
        value where its contributions are positive.
        """
        contrib = self.contributions(X)
        shown = self._shown(X).reset_index(drop=True)
        rows = []
        for col in contrib.columns:
            c = contrib[col].reset_index(drop=True)
            if col in self.categorical_:
                by = c.groupby(shown[col].astype(str)).mean()
                riskier = f"{col} = {by.idxmax()}"
            else:
                v = shown[col].astype("float64")
                ref = self.reference_[col]
                above = c[v > ref].mean()
                below = c[v < ref].mean()
                side = (
                    "above"
                    if np.nan_to_num(above, nan=-np.inf) > np.nan_to_num(below, nan=-np.inf)
                    else "below"
                )
                riskier = f"{col} {side} {ref:g}"
            rows.append({"feature": col, "weight": float(c.abs().mean()), "riskier_when": riskier})
        out = pd.DataFrame(rows).sort_values("weight", ascending=False, kind="stable")
        out = out.reset_index(drop=True)
        return out if top is None else out.head(top)


@dataclass
class LabelChurnResult:
    """A churn model trained on a label, its held-out check, and the customers at risk."""

    #: Fitted on the labelled customers not held out.
    model: LabelChurnModel
    #: AUC, Brier, lift by decile on the held-out customers (the model trained without them).
    report: ChurnReport
    #: ``feature, weight, riskier_when`` on the held-out customers, strongest first.
    drivers: pd.DataFrame
    #: Customers labelled as staying: ``customer_id, churn_risk, reasons``, riskiest first.
    scores: pd.DataFrame
    data: LabelledCustomers
    #: The held-out customers' ids, and how many the evaluated model was trained on.
    test_ids: np.ndarray
    train_size: int


def _sentences(data: LabelledCustomers) -> tuple[dict[str, str], dict[str, int]]:
    """Return the reason templates and risky sides: behaviour as worded, numbers with %g."""
    labels = {
        c: FEATURE_LABELS.get(c, f"{c} = {{v:g}}")
        for c in data.features.columns
        if _is_numeric(data.features[c])
    }
    return labels, {c: s for c, s in FEATURE_RISK.items() if c in data.features.columns}


def predict_label_churn(
    source: TableSource,
    label: str,
    *,
    exclude: Sequence[str] = (),
    test_size: float = 0.25,
    seed: int = 0,
    model: LabelChurnModel | None = None,
    top_reasons: int = 3,
) -> LabelChurnResult:
    """Train churn on the customer column or attribute ``label``; check it on held-out customers.

    A stratified ``test_size`` share of the labelled customers is held out (``seed``); the
    model trained on the rest is scored on them (AUC, lift, drivers), and that same model
    ranks the customers labelled as staying, with reasons. ``model`` is cloned, not fitted.

    Examples
    --------
    >>> import tempfile
    >>> from cxkit.store import Workspace
    >>> with Workspace(tempfile.mkdtemp(), create=True) as ws:
    ...     predict_label_churn(ws, "Churn")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxkit.errors.MissingInput: no churn model on a label without customers with a churn label: ...
    """
    if not 0 < test_size < 1:
        raise ConfigError(f"test_size must lie between 0 and 1 (not {test_size})")
    data = labelled_customers(source, label, exclude=exclude)
    y = data.labels
    churned = int(y.sum())
    for n, what in ((churned, "churned"), (len(y) - churned, "staying")):
        if n < MIN_CLASS:
            raise ModelError(
                f"customers {data.found_in} {data.label!r}: {n} {what} customers of "
                f"{len(y):,} labelled; the model needs at least {MIN_CLASS} of each"
            )
    if data.features.shape[1] == 0:
        raise ModelError(
            f"customers hold nothing to learn {data.label!r} from: every other column was "
            f"left out ({', '.join(f'{c}: {why}' for c, why in data.dropped.items())})"
        )
    X = data.features
    rows = np.arange(len(y))
    train, test = train_test_split(rows, test_size=test_size, stratify=y, random_state=seed)
    model = clone(model) if model is not None else LabelChurnModel(random_state=seed)
    model.fit(X.iloc[train], y[train])
    report = evaluate_churn(y[test], model.predict_proba(X.iloc[test])[:, 1])
    drivers = model.drivers(X.iloc[test])
    # The model checked is the model that ranks: scores and figures describe the same fit.
    staying = y == 0
    labels_text, risk = _sentences(data)
    scores = pd.DataFrame(
        {
            "customer_id": data.customer_ids[staying],
            "churn_risk": model.predict_proba(X[staying])[:, 1],
            "reasons": model.reasons(X[staying], top=top_reasons, labels=labels_text, risk=risk),
        }
    )
    scores = scores.sort_values(["churn_risk", "customer_id"], ascending=[False, True])
    return LabelChurnResult(
        model=model,
        report=report,
        drivers=drivers,
        scores=scores.reset_index(drop=True),
        data=data,
        test_ids=data.customer_ids[test],
        train_size=len(train),
    )
