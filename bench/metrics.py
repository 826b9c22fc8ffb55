"""Metric suite speed: cxkit (Ibis on DuckDB) vs hand-written DuckDB SQL vs pandas, one run.

Data: the demo generator's responses and tickets (20,000 customers), replicated in DuckDB to
10M responses and 1M tickets with fresh ids and shifted times. Each engine computes the same
six results; the best of three runs is kept. Prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import ibis
import numpy as np
import pandas as pd

from _common import best_of, peer_connection, scratch_demo
from cxkit.metrics import compute
from cxkit.store import Workspace

RESPONSES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
TICKETS = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000


def scale(ws: Workspace, table: str, key: str, time_cols: list[str], rows: int) -> None:
    """Replicate ``table`` to ``rows`` rows: copy k gets ids suffixed -k and times + k hours."""
    raw = peer_connection(ws)
    n = raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    copies = -(-rows // n)
    cols = [r[0] for r in raw.execute(f"DESCRIBE {table}").fetchall()]
    exprs = []
    for c in cols:
        if c == key:
            exprs.append(f"{c} || '-' || k AS {c}")
        elif c in time_cols:
            exprs.append(f"{c} + to_hours(k % 24) AS {c}")
        else:
            exprs.append(c)
    raw.execute(
        f"CREATE TABLE _big AS SELECT {', '.join(exprs)} FROM {table}, range({copies}) r(k) "
        f"LIMIT {rows}"
    )
    raw.execute(f"DROP TABLE {table}; ALTER TABLE _big RENAME TO {table}")


# The same outputs cxkit computes (value, n, intervals, standard errors), written by hand.
Z = 1.959963984540054
SQL = {
    "nps_by_segment_month": f"""
        SELECT period, segment, 100 * (pro - det) AS value, n, 100 * pro, 100 * det,
               {Z} * 100 * sqrt((pro + det - (pro - det) ^ 2) / n) AS moe,
               100 * sqrt((pro + det - (pro - det) ^ 2) / n) AS se, n < 30 AS small
        FROM (SELECT date_trunc('month', r.ts) AS period, c.segment,
                     avg((r.score >= 9)::DOUBLE) AS pro, avg((r.score <= 6)::DOUBLE) AS det,
                     count(r.score) AS n
              FROM responses r LEFT JOIN customers c USING (customer_id)
              WHERE r.kind = 'nps' GROUP BY ALL) ORDER BY period, segment""",
    "csat_by_touchpoint": f"""
        SELECT touchpoint, 100 * p AS value, n, mean,
               100 * ((p + {Z}^2 / (2 * n)) / (1 + {Z}^2 / n)
                      - {Z} * sqrt(p * (1 - p) / n + {Z}^2 / (4 * n ^ 2))
                        / (1 + {Z}^2 / n)) AS low,
               100 * ((p + {Z}^2 / (2 * n)) / (1 + {Z}^2 / n)
                      + {Z} * sqrt(p * (1 - p) / n + {Z}^2 / (4 * n ^ 2))
                        / (1 + {Z}^2 / n)) AS high,
               100 * sqrt(p * (1 - p) / n) AS se, n < 30 AS small
        FROM (SELECT touchpoint, avg((score >= 4)::DOUBLE) AS p, count(score) AS n,
                     avg(score) AS mean
              FROM responses WHERE kind = 'csat' GROUP BY ALL) ORDER BY touchpoint""",
    "ces": """
        SELECT avg(score) AS value, count(score) AS n, 100 * avg((score >= 5)::DOUBLE),
               stddev_samp(score) / sqrt(count(score)) AS se
        FROM responses WHERE kind = 'ces'""",
    "frt_by_agent": """
        SELECT agent_id, avg(m) AS value, count(m) AS n, quantile_cont(m, 0.5) AS median,
               quantile_cont(m, 0.9) AS p90, stddev_samp(m) / sqrt(count(m)) AS se
        FROM (SELECT agent_id, (epoch(first_response_at) - epoch(created_at)) / 60 AS m
              FROM tickets) GROUP BY ALL ORDER BY ALL""",
    "art_by_channel": """
        SELECT channel, avg(h) AS value, count(h) AS n, quantile_cont(h, 0.5) AS median,
               quantile_cont(h, 0.9) AS p90, stddev_samp(h) / sqrt(count(h)) AS se
        FROM (SELECT channel, (epoch(resolved_at) - epoch(created_at)) / 3600 AS h
              FROM tickets) GROUP BY ALL ORDER BY ALL""",
    "fcr_by_channel": """
        SELECT channel, 100 * p AS value, n, 100 * sqrt(p * (1 - p) / n) AS se
        FROM (SELECT channel, sum((resolved_at IS NOT NULL)::INT) AS n,
                     sum((resolved_at IS NOT NULL AND contacts = 1)::INT)
                     / sum((resolved_at IS NOT NULL)::INT) AS p
              FROM tickets GROUP BY ALL) ORDER BY channel""",
}

CXKIT: dict[str, dict[str, object]] = {
    "nps_by_segment_month": {"name": "nps", "by": ["segment"], "period": "month"},
    "csat_by_touchpoint": {"name": "csat", "by": ["touchpoint"]},
    "ces": {"name": "ces"},
    "frt_by_agent": {"name": "frt", "by": ["agent"]},
    "art_by_channel": {"name": "art", "by": ["channel"]},
    "fcr_by_channel": {"name": "fcr", "by": ["channel"]},
}


def pandas_suite(r: pd.DataFrame, c: pd.DataFrame, t: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out = {}
    nps = r[r.kind == "nps"].merge(c[["customer_id", "segment"]], how="left", on="customer_id")
    nps = nps.assign(period=nps.ts.dt.to_period("M"), pro=nps.score >= 9, det=nps.score <= 6)
    g = nps.groupby(["period", "segment"])
    out["nps_by_segment_month"] = (100 * (g.pro.mean() - g.det.mean())).reset_index()
    cs = r[r.kind == "csat"]
    out["csat_by_touchpoint"] = (
        cs.assign(sat=cs.score >= 4)
        .groupby("touchpoint")
        .agg(value=("sat", "mean"), mean=("score", "mean"), n=("score", "count"))
        .reset_index()
    )
    out["ces"] = pd.DataFrame({"value": [r[r.kind == "ces"].score.mean()]})
    frt = (t.first_response_at - t.created_at).dt.total_seconds() / 60
    out["frt_by_agent"] = frt.groupby(t.agent_id).agg(["mean", "median", lambda s: s.quantile(0.9)])
    art = (t.resolved_at - t.created_at).dt.total_seconds() / 3600
    out["art_by_channel"] = art.groupby(t.channel).agg(
        ["mean", "median", lambda s: s.quantile(0.9)]
    )
    resolved = t.resolved_at.notna()
    out["fcr_by_channel"] = (resolved & (t.contacts == 1)).groupby(
        t.channel
    ).sum() / resolved.groupby(t.channel).sum()
    return out


def main() -> None:
    with scratch_demo() as ws:
        scale(ws, "responses", "response_id", ["ts"], RESPONSES)
        scale(
            ws,
            "tickets",
            "ticket_id",
            ["created_at", "first_response_at", "resolved_at"],
            TICKETS,
        )
        raw = peer_connection(ws)
        cx_s = best_of(lambda: [compute(ws, **kw).to_pyarrow() for kw in CXKIT.values()])
        compile_s = best_of(lambda: [ibis.to_sql(compute(ws, **kw)) for kw in CXKIT.values()])
        sql_s = best_of(lambda: [raw.execute(q).arrow() for q in SQL.values()])
        # Same answers: cxkit's values equal the hand-written SQL's.
        for key, kw in CXKIT.items():
            a = compute(ws, **kw).to_pandas()["value"].to_numpy(dtype=float)
            b = raw.execute(SQL[key]).df()["value"].to_numpy(dtype=float)
            np.testing.assert_allclose(a, b, rtol=1e-9, err_msg=key)
        rss_cx = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        frames = [ws.to_pandas(n) for n in ("responses", "customers", "tickets")]
        load_s = time.perf_counter() - t0
        pd_s = best_of(lambda: pandas_suite(*frames))
        rss_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            json.dumps(
                {
                    "bench": "metrics",
                    "responses": RESPONSES,
                    "tickets": TICKETS,
                    "queries": list(CXKIT),
                    "cxkit_s": round(cx_s, 3),
                    "duckdb_sql_s": round(sql_s, 3),
                    "pandas_s": round(pd_s, 3),
                    "pandas_load_s": round(load_s, 2),
                    "cxkit_build_and_compile_s": round(compile_s, 3),
                    "ratio_vs_sql": round(cx_s / sql_s, 2),
                    "speedup_vs_pandas": round(pd_s / cx_s, 2),
                    "peak_rss_mb_cxkit_and_sql": round(rss_cx),
                    "peak_rss_mb_with_pandas": round(rss_all),
                }
            )
        )


if __name__ == "__main__":
    main()
