"""Thread budgets for model fitting: parallel workers times native threads never exceed the cores.

scikit-learn's gradient boosting and k-means run OpenMP threads, NumPy runs BLAS threads,
and joblib runs folds in worker processes. Left alone, each assumes it has every core: a
5-fold churn cross-validation in two worker processes with two OpenMP threads each ran
~15x slower on a 2-core machine than with one thread per worker (``bench/threads.py``).
So every fit in :mod:`cxkit.predict` asks :func:`plan` once how many workers it may start
and how many threads each gets, and runs inside :func:`limited`, which applies that
thread count (threadpoolctl, and joblib's limit for worker processes) and tells fits
nested inside it that the budget is already spent: they run in line, on the same threads.

The budget is, in order: that of an enclosing fit; else ``CX_THREADS``; else the cores
this process may use, capped by an OpenMP limit already in force (``OMP_NUM_THREADS``, a
caller's ``threadpool_limits``, the limit joblib gives its workers). An explicit
``n_jobs`` sets the number of workers; the threads are what is left of the budget.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from joblib import parallel_config
from threadpoolctl import ThreadpoolController, threadpool_limits

from cxkit.errors import ConfigError

__all__ = ["ThreadPlan", "cores", "limited", "plan"]

ENV = "CX_THREADS"

# Set by `limited`: the threads left to code running inside an enclosing fit.
_BUDGET: ContextVar[int | None] = ContextVar("cxkit_thread_budget", default=None)


@dataclass(frozen=True)
class ThreadPlan:
    """How a fit uses the cores: ``workers`` processes, ``threads`` native threads each."""

    workers: int
    threads: int


def _machine_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def cores() -> int:
    """Return how many threads the fits of this process may use in all.

    Examples
    --------
    >>> with limited(1):
    ...     cores()
    1
    """
    budget = _BUDGET.get()
    if budget is not None:
        return budget
    raw = os.environ.get(ENV, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise ConfigError(
                f"{ENV} must be a whole number of threads, at least 1 (not {raw!r}); "
                "unset it to use every core"
            )
        return int(raw)
    machine = _machine_cores()
    openmp = ThreadpoolController().select(user_api="openmp").info()
    limits = [int(lib["num_threads"]) for lib in openmp if lib.get("num_threads")]
    return max(1, min([machine, *limits]))


def plan(tasks: int, n_jobs: int | None = None) -> ThreadPlan:
    """Return the workers and threads per worker for ``tasks`` independent fits.

    ``n_jobs`` follows scikit-learn: ``None`` lets the budget decide, ``-1`` means one
    worker per core, a positive number is taken as given (capped at ``tasks``).

    Examples
    --------
    >>> import os
    >>> os.environ["CX_THREADS"] = "4"
    >>> plan(5)
    ThreadPlan(workers=4, threads=1)
    >>> plan(2)
    ThreadPlan(workers=2, threads=2)
    >>> plan(5, n_jobs=1)
    ThreadPlan(workers=1, threads=4)
    >>> del os.environ["CX_THREADS"]
    """
    if n_jobs == 0:
        raise ConfigError("n_jobs must be a positive number of workers, -1 or None (not 0)")
    budget = _BUDGET.get()
    if budget is not None:
        # Already inside a fold: its workers are spent, so nested fits run in line.
        return ThreadPlan(1, budget)
    total = cores()
    if n_jobs is None:
        workers = total
    elif n_jobs < 0:
        workers = max(total + 1 + n_jobs, 1)
    else:
        workers = n_jobs
    workers = max(1, min(workers, tasks))
    return ThreadPlan(workers, max(1, total // workers))


@contextmanager
def limited(threads: int) -> Iterator[None]:
    """Run the block, and worker processes it starts, on at most ``threads`` native threads.

    Examples
    --------
    >>> with limited(2):  # as inside a fold: nested fits run in line on its threads
    ...     plan(10)
    ThreadPlan(workers=1, threads=2)
    """
    token = _BUDGET.set(threads)
    try:
        with (
            threadpool_limits(limits=threads),
            # Processes, not threads: boosting's Python loop holds the GIL between its
            # OpenMP sections, and threadpoolctl's limit is per process.
            parallel_config(backend="loky", inner_max_num_threads=threads),
        ):
            yield
    finally:
        _BUDGET.reset(token)
