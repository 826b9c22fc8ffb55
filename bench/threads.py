"""Churn cross-validation speed with the thread budget vs. oversubscribed threads, in one run.

Data: the demo company with 10,000 customers (seed 7); the churn training set predict_churn
learns from (features 90 days before the last order, label = no purchase in those 90 days).
Three ways to run the same 5-fold CV (each fold also calibrates with 5 inner folds):

- ``budget``: cxkit's default: folds in worker processes, workers x OpenMP threads <= cores;
- ``sequential_all_threads``: how cxkit ran before: folds one after another, each boosting
  fit on OpenMP threads for every core;
- ``oversubscribed``: folds in one worker process per core, each with OpenMP threads for
  every core (what parallel folds do without a budget).

The out-of-fold risks must be identical. Prints one JSON line; ratios are against ``budget``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable

import numpy as np
from joblib import parallel_config
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from _common import best_of, scratch_demo
from cxkit.predict import ChurnModel, churn_training_set, cross_validated_risk, evaluate_churn
from cxkit.predict._features import last_day
from cxkit.predict._threads import cores

CUSTOMERS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
FOLDS = 5


def timed(fn: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    with scratch_demo(customers=CUSTOMERS, seed=7) as ws:
        cutoff = last_day(ws) - dt.timedelta(days=90)
        features, y = churn_training_set(ws, cutoff, 90)
    X = features.drop(columns="customer_id")
    n = cores()

    def budget() -> np.ndarray:
        return cross_validated_risk(ChurnModel(), X, y, FOLDS)

    def sequential_all_threads() -> np.ndarray:
        return cross_validated_risk(ChurnModel(n_jobs=1), X, y, FOLDS, n_jobs=1)

    def oversubscribed() -> np.ndarray:
        split = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
        with parallel_config(backend="loky", inner_max_num_threads=n):
            p = cross_val_predict(
                ChurnModel(n_jobs=1), X, y, cv=split, method="predict_proba", n_jobs=n
            )
        return np.asarray(p)[:, 1]

    budget()  # start the worker processes once, as a long-lived process would have them
    p_budget = budget()
    t_budget = best_of(budget, runs=3)
    p_seq, t_seq = timed(sequential_all_threads)
    p_over, t_over = timed(oversubscribed)
    print(
        json.dumps(
            {
                "bench": "threads",
                "customers": CUSTOMERS,
                "training_rows": len(X),
                "folds": FOLDS,
                "cores": n,
                "cpu_count": os.cpu_count(),
                "auc": round(evaluate_churn(y, p_budget).auc, 4),
                "same_risks": bool(np.allclose(p_budget, p_seq) and np.allclose(p_budget, p_over)),
                "budget_s": round(t_budget, 2),
                "sequential_all_threads_s": round(t_seq, 2),
                "oversubscribed_s": round(t_over, 2),
                "sequential_all_threads_ratio": round(t_seq / t_budget, 1),
                "oversubscribed_ratio": round(t_over / t_budget, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
