"""Ingest speed: a 1M-row orders CSV through cxkit, against a bare DuckDB read_csv load.

The peer is the floor: DuckDB parsing the same file into a table with no validation,
mapping, quarantine or upsert. Prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from cxkit.ingest import ingest
from cxkit.store import Workspace

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000


def make_csv(path: Path, rows: int) -> None:
    duckdb.sql(
        f"""COPY (SELECT 'O' || i AS order_id, 'C' || (i % 50000) AS customer_id,
                  TIMESTAMP '2025-01-01' + to_seconds(i * 30) AS ts,
                  round(5 + (i % 997) * 0.37, 2) AS amount,
                  ['web','app','store','phone'][1 + i % 4] AS channel,
                  CASE WHEN i % 1000 = 0 THEN 'lost' ELSE 'completed' END AS status
           FROM range({rows}) t(i)) TO '{path}' (HEADER)"""
    )


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="cx-bench-"))
    try:
        csv = tmp / "orders.csv"
        make_csv(csv, ROWS)
        t0 = time.perf_counter()
        con = duckdb.connect(str(tmp / "peer.duckdb"))
        con.execute(f"CREATE TABLE orders AS SELECT * FROM read_csv('{csv}')")
        peer = time.perf_counter() - t0
        con.close()
        with Workspace(tmp / "ws", create=True) as ws:
            result = ingest(ws, "orders", csv)
        print(
            json.dumps(
                {
                    "bench": "ingest",
                    "rows": ROWS,
                    "file_mb": round(csv.stat().st_size / 2**20, 1),
                    "cxkit_s": round(result.seconds, 2),
                    "cxkit_rows_per_s": round(result.rows_per_second),
                    "stored": result.rows_stored,
                    "quarantined": result.rows_quarantined,
                    "duckdb_read_csv_s": round(peer, 2),
                    "ratio_vs_duckdb": round(result.seconds / peer, 2),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                }
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
