"""Build the demo workspace: simulate in chunks, write CSV files, ingest them, record truth."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cxkit.demo._analyse import DemoAnalysis, analyse_demo
from cxkit.demo._exports import EXPORTS, VendorExports
from cxkit.demo._feedback import feedback, responses
from cxkit.demo._files import Writers, prepare_folder
from cxkit.demo._simulate import Chunk, simulate_chunk
from cxkit.demo._surveys import define_surveys
from cxkit.demo._text import TextPools
from cxkit.demo._world import (
    AGENTS,
    CATEGORIES,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    FIRST_NAMES,
    LAST_NAMES,
    PAIN_THEME,
    PAIN_TOUCHPOINT,
    PERSONAS,
    SLOW_AGENT,
    SPIKE_DATE,
    SPIKE_THEME,
    TOUCHPOINTS,
    TP_CHANNEL,
    TP_NAMES,
)
from cxkit.importers import import_files
from cxkit.ingest import ingest
from cxkit.schema import CHANNELS
from cxkit.store import Workspace

__all__ = ["DemoReport", "build_demo"]

CHUNK = 50_000
_CHANNELS = np.array(CHANNELS, dtype=object)
_TIERS = np.array(["standard", "plus", "premium"], dtype=object)
#: Products per category, and each persona's order of preference among them (fixed).
_PRODUCTS = 60
_TASTES = np.array(
    [np.random.default_rng(1000 + i).permutation(_PRODUCTS) for i in range(len(PERSONAS))]
)
_AGENT_IDS = np.array([a[0] for a in AGENTS], dtype=object)
#: Planted bad rows, as a real export would have: a typo'd NPS and clock-skewed tickets.
BAD_NPS_SHARE = 0.002
BAD_TICKET_SHARE = 0.002

Progress = Callable[[str, int, int], None]


@dataclass
class DemoReport:
    """What `build_demo` made (and, with ``analyse=True``, what `analyse_demo` found)."""

    path: Path
    counts: dict[str, int]
    rows_read: int
    rows_stored: int
    rows_quarantined: int
    seconds: float
    ground_truth_path: Path
    truth: dict[str, Any] = field(repr=False, default_factory=dict)
    analysis: DemoAnalysis | None = field(repr=False, default=None)


def _ids(prefix: str, start: int, n: int, width: int = 8) -> pa.Array:
    numbers = pc.cast(pa.array(np.arange(start + 1, start + n + 1)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")


def _ts(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[s]"), type=pa.timestamp("s"))


def _tables(
    chunk: Chunk,
    offset: int,
    counters: dict[str, int],
    rng: np.random.Generator,
    pools: TextPools,
    total: int,
) -> dict[str, pa.Table]:
    """Turn one simulated chunk into canonical-shaped Arrow tables with global ids."""
    n = len(chunk.persona)
    cust_ids = _ids("C", offset, n, 7)

    def cust(idx: np.ndarray) -> pa.Array:
        return pc.take(cust_ids, pa.array(idx))

    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(len(FIRST_NAMES), size=n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(len(LAST_NAMES), size=n)]
    tiers = np.array([p.tiers for p in PERSONAS])[chunk.persona].cumsum(axis=1)
    out: dict[str, pa.Table] = {}
    out["customers"] = pa.table(
        {
            "customer_id": cust_ids,
            "created_at": _ts(chunk.customers["created_at"]),
            "name": first + " " + last,
            "email": np.char.lower((first + "." + last).astype(str)).astype(object)
            + rng.integers(1, 999, n).astype(str).astype(object)
            + "@example.com",
            "phone": "+1 555 " + rng.integers(1_000_000, 9_999_999, n).astype(str).astype(object),
            "country": np.array(COUNTRIES, dtype=object)[
                rng.choice(len(COUNTRIES), size=n, p=COUNTRY_WEIGHTS)
            ],
            "segment": _TIERS[(rng.random(n)[:, None] > tiers).sum(axis=1)],
            "consent_marketing": rng.random(n) < 0.62,
            "consent_analytics": rng.random(n) < 0.85,
        }
    )
    # Events, in time order per customer.
    ev = {k: chunk.column("events", k) for k in ("customer", "tp", "ts", "session")}
    order = np.lexsort((ev["ts"], ev["customer"]))
    ev = {k: v[order] for k, v in ev.items()}
    m = len(order)
    ch = TP_CHANNEL[ev["tp"]]
    device = np.where(
        ch == 1,
        np.where(rng.random(m) < 0.6, '{"device":"ios"}', '{"device":"android"}'),
        np.where(
            ch == 0,
            np.where(rng.random(m) < 0.55, '{"device":"desktop"}', '{"device":"mobile"}'),
            "{}",
        ),
    )
    session = pc.binary_join_element_wise(
        cust(ev["customer"]), pc.cast(pa.array(ev["session"] + 100), pa.string()), "-s"
    )
    out["events"] = pa.table(
        {
            "event_id": _ids("E", counters["events"], m, 10),
            "customer_id": cust(ev["customer"]),
            "ts": _ts(ev["ts"]),
            "touchpoint": TP_NAMES[ev["tp"]].astype(object),
            "channel": _CHANNELS[ch],
            "session_id": session,
            "properties": device.astype(object),
        }
    )
    counters["events"] += m
    # Orders and their lines.
    oc, ots, oamt, otp = (chunk.column("orders", k) for k in ("customer", "ts", "amount", "tp"))
    m = len(oc)
    lines = 1 + rng.binomial(3, 0.3, m)
    li = np.repeat(np.arange(m), lines)
    prefs = np.array([p.categories for p in PERSONAS], dtype=float)[chunk.persona[oc[li]]]
    cat = ((rng.random(len(li))[:, None] * prefs.sum(1, keepdims=True)) > prefs.cumsum(1)).sum(1)
    share = rng.random(len(li)) + 0.2
    share = share / np.bincount(li, share)[li]
    qty = 1 + (rng.random(len(li)) < 0.2)
    price = np.maximum(np.round(oamt[li] * share / qty, 2), 0.5)
    amount = np.round(np.bincount(li, price * qty, minlength=m), 2)
    order_ids = _ids("O", counters["orders"], m, 9)
    counters["orders"] += m
    status = np.array(["completed", "returned", "cancelled"], dtype=object)[
        rng.choice(3, size=m, p=[0.95, 0.04, 0.01])
    ]
    out["orders"] = pa.table(
        {
            "order_id": order_ids,
            "customer_id": cust(oc),
            "ts": _ts(ots),
            "amount": amount,
            "channel": _CHANNELS[TP_CHANNEL[otp]],
            "status": status,
        }
    )
    first_line = np.concatenate([[0], np.cumsum(lines)[:-1]])
    # Within a category, each persona has its favourite products and a long tail.
    taste = _TASTES[chunk.persona[oc[li]]]
    product = taste[np.arange(len(li)), (_PRODUCTS * rng.random(len(li)) ** 2).astype(int)]
    out["order_items"] = pa.table(
        {
            "order_id": pc.take(order_ids, pa.array(li)),
            "line": np.arange(len(li)) - first_line[li] + 1,
            "product_id": np.char.add(
                np.array(CATEGORIES)[cat].astype("<U3"), (100 + product).astype(str)
            ).astype(object),
            "category": np.array(CATEGORIES, dtype=object)[cat],
            "quantity": qty,
            "price": price,
        }
    )
    # Responses first: they set each ticket's CSAT.
    rs = responses(rng, chunk, pools)
    tk = {k: chunk.column("tickets", k) for k in chunk.tickets}
    m = len(tk.get("customer", []))
    if m:
        resolved = np.where(tk["unresolved"], np.datetime64("NaT"), tk["created"] + tk["art"])
        skew = rng.random(m) < BAD_TICKET_SHARE
        resolved = np.where(skew, tk["created"] - np.timedelta64(3600, "s"), resolved)
        counters["bad_tickets"] += int(skew.sum())
        out["tickets"] = pa.table(
            {
                "ticket_id": _ids("T", counters["tickets"], m, 8),
                "customer_id": cust(tk["customer"]),
                "channel": _CHANNELS[TP_CHANNEL[tk["tp"]]],
                "agent_id": _AGENT_IDS[tk["agent"]],
                "topic": tk["topic"].astype(object),
                "created_at": _ts(tk["created"]),
                "first_response_at": _ts(tk["created"] + tk["frt"]),
                "resolved_at": _ts(resolved),
                "contacts": tk["contacts"],
                "csat": pa.array(tk["csat"], from_pandas=True).cast(pa.int64()),
            }
        )
        counters["tickets"] += m
    m = len(rs["kind"])
    score = rs["score"].copy()
    typo = (rs["kind"] == "nps") & (rng.random(m) < BAD_NPS_SHARE)
    score[typo] = 11
    counters["bad_responses"] += int(typo.sum())
    out["responses"] = pa.table(
        {
            "response_id": _ids("R", counters["responses"], m, 9),
            "survey_id": rs["survey_id"],
            "customer_id": cust(rs["customer"]),
            "kind": rs["kind"],
            "score": score,
            "comment": rs["comment"],
            "touchpoint": np.where(rs["tp"] >= 0, TP_NAMES[np.maximum(rs["tp"], 0)], None),
            "channel": np.where(
                rs["tp"] >= 0, _CHANNELS[TP_CHANNEL[np.maximum(rs["tp"], 0)]], "email"
            ),
            "ts": _ts(rs["ts"]),
        }
    )
    counters["responses"] += m
    fb = feedback(rng, chunk, pools, total)
    m = len(fb["source"])
    known = fb["customer"] >= 0
    handles = np.where(
        known,
        "@"
        + np.array(FIRST_NAMES, dtype=object)[rng.integers(len(FIRST_NAMES), size=m)].astype(str)
        + rng.integers(10, 9999, m).astype(str),
        "@guest" + rng.integers(10_000, 99_999, m).astype(str),
    ).astype(object)
    out["feedback"] = pa.table(
        {
            "feedback_id": _ids("F", counters["feedback"], m, 9),
            "customer_id": pc.if_else(pa.array(known), cust(np.maximum(fb["customer"], 0)), None),
            "ts": _ts(fb["ts"]),
            "source": fb["source"],
            "touchpoint": fb["tp_name"],
            "text": fb["text"],
            "rating": pa.array(fb["rating"], from_pandas=True),
            "author": handles,
            "likes": fb["likes"],
            "shares": fb["shares"],
            "comments": fb["comments"],
        }
    )
    counters["feedback"] += m
    return out


#: Ingest order: dimensions first, so references resolve.
INGEST_ORDER = (
    "touchpoints",
    "customers",
    "orders",
    "order_items",
    "events",
    "tickets",
    "responses",
    "feedback",
)


def build_demo(
    path: str | Path,
    *,
    customers: int = 20_000,
    seed: int = 7,
    progress: Progress | None = None,
    analyse: bool = False,
) -> DemoReport:
    """Simulate the demo company, write its files and ingest them into a workspace.

    Parameters
    ----------
    path
        Folder for the workspace, its ``files/`` and ``ground_truth.json``.
    customers
        Number of customers; memory stays flat as it grows (chunks of 50,000).
    seed
        Random seed: the same seed gives the same company.
    progress
        Called as ``progress(step, done, total)``.
    analyse
        Also run `analyse_demo` on the new workspace (as ``cx demo`` does); its result is
        the report's ``analysis``.
    """
    started = time.perf_counter()
    folder = Path(path).resolve()
    prepare_folder(folder)
    files = folder / "files"
    rng = np.random.default_rng(seed)
    pools = TextPools(np.random.default_rng(seed + 1))
    counters = dict.fromkeys(
        ("events", "orders", "tickets", "responses", "feedback", "bad_tickets", "bad_responses"), 0
    )
    personas: dict[str, str] = {}
    hurt: list[str] = []
    writers = Writers(files)
    vendor = VendorExports(files)
    n_chunks = -(-customers // CHUNK)
    steps = n_chunks + len(INGEST_ORDER)
    writers.write(
        "touchpoints",
        pa.table(
            {
                name: [t[i] for t in TOUCHPOINTS]
                for i, name in enumerate(("touchpoint", "channel", "stage", "owner"))
            }
        ),
    )
    try:
        for i in range(n_chunks):
            offset = i * CHUNK
            n = min(CHUNK, customers - offset)
            chunk = simulate_chunk(rng, n)
            tables = _tables(chunk, offset, counters, rng, pools, customers)
            names = np.array([p.name for p in PERSONAS])[chunk.persona]
            ids = tables["customers"]["customer_id"].to_pylist()
            personas.update(zip(ids, names, strict=True))
            hurt.extend(ids[k] for k in np.flatnonzero(chunk.hurt))
            for name, table in tables.items():
                if name in EXPORTS:
                    vendor.write(name, table)
                else:
                    writers.write(name, table)
            if progress:
                progress(f"simulated {offset + n:,} customers", i + 1, steps)
    finally:
        writers.close()
        vendor.close()
    truth = {
        "seed": seed,
        "customers": customers,
        "period": ["2025-01-01", "2025-12-31"],
        "pain_point": {
            "touchpoint": PAIN_TOUCHPOINT,
            "theme": PAIN_THEME,
            "owner": {t[0]: t[3] for t in TOUCHPOINTS}[PAIN_TOUCHPOINT],
            # Customers who suffered at least one late delivery there.
            "hurt_customers": hurt,
        },
        "slow_agent": SLOW_AGENT,
        "social_spike": {"date": str(SPIKE_DATE), "theme": SPIKE_THEME},
        "planted_bad_rows": {
            "tickets": counters["bad_tickets"],
            "responses": counters["bad_responses"],
        },
        "personas": personas,
    }
    truth_path = folder / "ground_truth.json"
    truth_path.write_text(json.dumps(truth), encoding="utf-8")
    read = stored = quarantined = 0
    with Workspace(folder, create=True) as ws:
        for j, table in enumerate(INGEST_ORDER):
            if table in EXPORTS:  # a vendor's layout, through its importer (`cx import`)
                source = vendor.path(table)
                results = import_files(ws, EXPORTS[table][0], [source]) if source.exists() else []
            else:
                results = [ingest(ws, table, files / f"{table}.csv")]
            for result in results:
                read += result.rows_read
                stored += result.rows_stored
                quarantined += result.rows_quarantined
            if progress:
                progress(f"ingested {table}", n_chunks + j + 1, steps)
        define_surveys(ws)
        counts = ws.counts()
    seconds = time.perf_counter() - started
    analysis = analyse_demo(folder, progress=progress) if analyse else None
    return DemoReport(
        folder, counts, read, stored, quarantined, seconds, truth_path, truth, analysis
    )
