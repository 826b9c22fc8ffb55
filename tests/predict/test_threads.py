"""Fits never oversubscribe: workers x OpenMP threads stay within the budget (issue 16.7)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_info, threadpool_limits

from cxkit.errors import ConfigError
from cxkit.predict import ChurnModel, Segmenter, cross_validated_risk
from cxkit.predict._threads import ThreadPlan, cores, limited, plan


def _openmp_threads() -> int:
    return max(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "openmp")


@pytest.fixture(scope="module")
def churn_frame() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(3)
    n = 400
    recency = rng.exponential(40, n)
    X = pd.DataFrame(
        {"recency": recency, "tickets": rng.poisson(1, n), "plan": rng.choice(["a", "b"], n)}
    )
    y = (recency + rng.normal(0, 20, n) > 40).astype(int)
    return X, y


@pytest.fixture
def booster_threads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the OpenMP thread limit in force at every boosting fit in this process."""
    seen: list[int] = []
    fit = HistGradientBoostingClassifier.fit

    def recording_fit(self, *args, **kwargs):
        seen.append(_openmp_threads())
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(HistGradientBoostingClassifier, "fit", recording_fit)
    return seen


class Probe(ChurnModel):
    """A small churn model that logs, from whichever process fits it, its pid and threads."""

    def __init__(self, log: str = "", max_iter: int = 10, min_samples_leaf: int = 5, cv: int = 2):
        super().__init__(max_iter=max_iter, min_samples_leaf=min_samples_leaf, cv=cv)
        self.log = log

    def fit(self, X, y):
        with open(self.log, "a") as out:
            out.write(f"{os.getpid()} {_openmp_threads()}\n")
        return super().fit(X, y)


@pytest.mark.parametrize("budget", range(1, 17))
@pytest.mark.parametrize("tasks", [1, 2, 3, 5, 10])
def test_a_plan_never_asks_for_more_threads_than_the_budget(monkeypatch, budget, tasks):
    monkeypatch.setenv("CX_THREADS", str(budget))
    p = plan(tasks)
    assert 1 <= p.workers <= tasks
    assert p.workers * p.threads <= budget
    assert p.workers == min(tasks, budget)  # folds run at once before threads are added
    assert p.workers * p.threads > budget - p.workers  # fewer idle cores than workers


def test_an_explicit_n_jobs_sets_the_workers_and_shares_the_threads(monkeypatch):
    monkeypatch.setenv("CX_THREADS", "8")
    assert plan(5, n_jobs=1) == ThreadPlan(workers=1, threads=8)
    assert plan(5, n_jobs=2) == ThreadPlan(workers=2, threads=4)
    assert plan(5, n_jobs=-1) == ThreadPlan(workers=5, threads=1)
    with pytest.raises(ConfigError, match="n_jobs"):
        plan(5, n_jobs=0)


@pytest.mark.parametrize("raw", ["0", "two", "-1"])
def test_a_bad_cx_threads_is_named(monkeypatch, raw):
    monkeypatch.setenv("CX_THREADS", raw)
    with pytest.raises(ConfigError, match="CX_THREADS"):
        cores()


def test_a_callers_thread_limit_caps_the_budget(monkeypatch):
    monkeypatch.delenv("CX_THREADS", raising=False)
    with threadpool_limits(1, user_api="openmp"):
        assert cores() == 1
    with limited(3):
        assert cores() == 3 and plan(5) == plan(1)  # nested fits run in line


def test_cx_threads_is_honoured_by_every_boosting_fit_of_a_cross_validation(
    monkeypatch, churn_frame, booster_threads
):
    # Before the fix the folds' boosters ran on every core whatever the user asked.
    monkeypatch.setenv("CX_THREADS", "1")
    X, y = churn_frame
    cross_validated_risk(ChurnModel(max_iter=10, min_samples_leaf=5, cv=2), X, y, folds=3)
    assert len(booster_threads) == 3 * 2
    assert set(booster_threads) == {1}


def test_a_fit_gives_its_workers_threads_to_the_booster_when_it_runs_alone(
    monkeypatch, churn_frame, booster_threads
):
    monkeypatch.setenv("CX_THREADS", "2")
    X, y = churn_frame
    ChurnModel(max_iter=10, min_samples_leaf=5, cv=2, n_jobs=1).fit(X, y)
    assert booster_threads == [2, 2]


def test_parallel_folds_times_threads_per_fold_stay_within_the_cores(
    monkeypatch, churn_frame, tmp_path: Path
):
    monkeypatch.setenv("CX_THREADS", str(os.cpu_count()))
    X, y = churn_frame
    log = tmp_path / "folds.log"
    p = cross_validated_risk(Probe(log=str(log)), X, y, folds=4)
    rows = [line.split() for line in log.read_text().splitlines()]
    assert len(rows) == 4
    workers = len({pid for pid, _ in rows})
    threads = max(int(t) for _, t in rows)
    assert workers * threads <= (os.cpu_count() or 1)
    # Parallel or not, the out-of-fold risks are the same.
    monkeypatch.setenv("CX_THREADS", "1")
    log.unlink()
    assert np.array_equal(p, cross_validated_risk(Probe(log=str(log)), X, y, folds=4))


def test_segmenter_runs_k_means_on_the_budget(monkeypatch):
    from sklearn.cluster import KMeans

    seen: list[int] = []
    fit = KMeans.fit

    def recording_fit(self, *args, **kwargs):
        seen.append(_openmp_threads())
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(KMeans, "fit", recording_fit)
    monkeypatch.setenv("CX_THREADS", "1")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"visits_web": rng.poisson(5, 60), "visits_app": rng.poisson(5, 60)})
    Segmenter(n_clusters=2).fit(X)
    assert seen == [1]
