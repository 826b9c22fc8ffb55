"""Journey discovery speed: cxkit vs pm4py vs hand-written DuckDB SQL, in one run.

Data: the demo generator's events (20,000 customers) replicated in DuckDB with fresh
customer ids up to 10M events. Discovery = transition graph + path variants + stage funnel.
pm4py (AGPL, compared with only) runs its documented path: format_dataframe, discover_dfg,
get_variants; it has no funnel, so its figure covers graph + variants. Prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from _common import best_of, peer_connection, scratch_demo
from cxkit.journeys import cases, funnel, transitions, variants

EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000

SQL = {
    "transitions": """
        SELECT source, target, count(*) AS count, quantile_cont(secs, 0.5), quantile_cont(secs, 0.9)
        FROM (SELECT touchpoint AS source,
                     lead(touchpoint) OVER w AS target,
                     epoch(lead(ts) OVER w) - epoch(ts) AS secs
              FROM events WINDOW w AS (PARTITION BY customer_id ORDER BY ts, event_id))
        WHERE target IS NOT NULL GROUP BY ALL""",
    "variants": """
        SELECT path, count(*) AS cases, 100 * avg(converted::DOUBLE),
               quantile_cont(secs, 0.5), max(steps)
        FROM (SELECT e.customer_id,
                     string_agg(e.touchpoint, ' > ' ORDER BY e.ts, e.event_id) AS path,
                     bool_or(t.stage = 'purchase') AS converted,
                     epoch(max(e.ts)) - epoch(min(e.ts)) AS secs, count(*) AS steps
              FROM events e LEFT JOIN touchpoints t USING (touchpoint) GROUP BY 1)
        GROUP BY ALL""",
    "funnel": """
        SELECT stage, count(DISTINCT customer_id) AS customers
        FROM events JOIN touchpoints USING (touchpoint) GROUP BY ALL""",
}


def main() -> None:
    with scratch_demo() as ws:
        raw = peer_connection(ws)
        n = raw.execute("SELECT count(*) FROM events").fetchone()[0]
        copies = -(-EVENTS // n)
        raw.execute(
            "CREATE TABLE _big AS SELECT event_id || '-' || k AS event_id, "
            "customer_id || '-' || k AS customer_id, ts, touchpoint, channel, session_id, "
            f"properties FROM events, range({copies}) r(k) ORDER BY k, customer_id, ts"
        )
        raw.execute("DROP TABLE events; ALTER TABLE _big RENAME TO events")
        events = raw.execute("SELECT count(*) FROM events").fetchone()[0]

        def ours() -> None:
            j = cases(ws)
            transitions(j).to_pyarrow()
            variants(ws, j).to_pyarrow()
            funnel(ws).to_pyarrow()

        def ours_graph_variants() -> None:
            j = cases(ws)
            transitions(j).to_pyarrow()
            variants(ws, j).to_pyarrow()

        cx_s = best_of(ours, runs=2)
        cx_gv_s = best_of(ours_graph_variants, runs=2)
        sql_s = best_of(lambda: [raw.execute(q).arrow() for q in SQL.values()], runs=2)
        rss_cx = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # Same answers: variant counts agree with the SQL's.
        a = variants(ws, cases(ws)).to_pandas().set_index("path").cases.sort_index()
        b = raw.execute(SQL["variants"]).df().set_index("path").cases.sort_index()
        assert a.equals(b.astype(a.dtype)), "variant counts differ from SQL"
        frame = raw.execute("SELECT customer_id, touchpoint, ts, event_id FROM events").df()

        import pm4py

        # Pre-sorted outside the timing, only so ties break as in cxkit; format_dataframe
        # sorts by case and time itself.
        frame = frame.sort_values(["customer_id", "ts", "event_id"]).reset_index(drop=True)
        t0 = time.perf_counter()
        log = pm4py.format_dataframe(
            frame, case_id="customer_id", activity_key="touchpoint", timestamp_key="ts"
        )
        dfg, _, _ = pm4py.discover_dfg(log)
        found = pm4py.get_variants(log)
        pm_s = time.perf_counter() - t0
        assert len(found) == len(a), "pm4py found a different number of variants"
        # Each case of k events has k - 1 transitions.
        assert sum(dfg.values()) == events - int(a.sum()), "pm4py's graph lost transitions"
        rss_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            json.dumps(
                {
                    "bench": "journeys",
                    "events": events,
                    "cxkit_s": round(cx_s, 2),
                    "cxkit_graph_variants_s": round(cx_gv_s, 2),
                    "duckdb_sql_s": round(sql_s, 2),
                    "pm4py_graph_variants_s": round(pm_s, 2),
                    "ratio_vs_sql": round(cx_s / sql_s, 2),
                    "speedup_vs_pm4py": round(pm_s / cx_gv_s, 1),
                    "peak_rss_mb_cxkit_and_sql": round(rss_cx),
                    "peak_rss_mb_with_pm4py": round(rss_all),
                }
            )
        )


if __name__ == "__main__":
    main()
