"""Shared pieces of the bench scripts: a throwaway demo workspace and best-of timing."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from cxkit.demo import build_demo
from cxkit.store import Workspace


@contextmanager
def scratch_demo(customers: int = 20_000, seed: int = 7) -> Iterator[Workspace]:
    """Build a demo workspace in a temporary folder, open it, and remove it afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="cx-bench-"))
    try:
        report = build_demo(tmp / "demo", customers=customers, seed=seed)
        with Workspace(report.path) as ws:
            yield ws
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def peer_connection(ws: Workspace) -> duckdb.DuckDBPyConnection:
    """Open a plain DuckDB connection to the workspace's database, for the hand-written SQL peer.

    In one process DuckDB shares the database between connections, so the peer sees what
    cxkit sees (and tables the bench replicates through it).
    """
    con = duckdb.connect(str(ws.layout.database))
    con.execute("SET TimeZone = 'UTC'")
    return con


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    """Return the fastest of ``runs`` timings of ``fn``, in seconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)
