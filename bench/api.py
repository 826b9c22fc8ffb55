"""Load test of a running `cx serve` over loopback: survey answers and API ingest, one run.

Targets (issue 16), on this 2-core machine, the client (aiohttp, keep-alive connections)
sharing the cores with the server:

- answers alone: >= 1,000 answers/s with p99 < 100 ms;
- answers while API ingest runs (24 batch clients posting, 24 answering): answers p99 < 300 ms;
- one-record API write: p50 < 20 ms (one client, one record per request);
- 50-record batches from 16 clients: >= 5,000 records/s;
- acknowledged = stored: every 303 answer is in ``responses`` and every 201 record in
  ``events`` after the server stops; Plotly's script is cacheable by browsers.

Rate limiting is off (``--rate-limit 0``): every request comes from one address.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import numpy as np

from cxkit.store import Workspace
from cxkit.surveys import SurveyLinks, create_survey, invite, workspace_secret
from cxkit.web import add_api_key

_ids = itertools.count()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(folder: Path, n: int) -> tuple[list[str], str]:
    """A workspace with one NPS survey, ``n`` invitation tokens and an ingest API key."""
    with Workspace(folder, create=True) as ws:
        survey = create_survey(ws, "Load test", "nps", follow_up="Why?")
        links = SurveyLinks(workspace_secret(ws.path))
        tokens = [i.token for i in invite(ws, links, survey.survey_id, range(n))]
        return tokens, add_api_key(ws, "ingest", "bench")


def _wait_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def _events(n: int) -> list[dict[str, str]]:
    """``n`` new web events, each with an id never sent before."""
    return [
        {
            "event_id": f"bench-{next(_ids)}",
            "customer_id": f"C{k % 5000:07d}",
            "ts": "2026-11-30T12:00:00",
            "touchpoint": "product_page",
            "channel": "web",
        }
        for k in range(n)
    ]


class Tally:
    """Latencies and outcomes of one kind of request."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.ok = 0
        self.failed = 0
        self.records = 0

    def summary(self, seconds: float) -> dict[str, float]:
        ms = np.array(self.latencies or [0.0]) * 1000
        return {
            "requests": len(self.latencies),
            "per_s": round(len(self.latencies) / seconds),
            "records_per_s": round(self.records / seconds),
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p99_ms": round(float(np.percentile(ms, 99)), 1),
            "max_ms": round(float(ms.max()), 1),
            "acknowledged": self.ok,
            "refused": self.failed,
        }


async def _answers(
    session: aiohttp.ClientSession, base: str, tokens: Iterator[str], tally: Tally
) -> None:
    """Answer surveys, one token after another, until the tokens run out."""
    for i, token in enumerate(tokens):
        body = {"score": str(i % 11), "comment": f"answer {i}"}
        t0 = time.perf_counter()
        async with session.post(f"{base}/s/{token}", data=body, allow_redirects=False) as r:
            await r.read()
            status = r.status
        tally.latencies.append(time.perf_counter() - t0)
        tally.ok += status == 303
        tally.failed += status != 303


async def _batches(
    session: aiohttp.ClientSession, base: str, key: str, size: int, until: float, tally: Tally
) -> None:
    """Post batches of ``size`` new events until ``until`` (monotonic time)."""
    single = size == 1
    url = f"{base}/api/v1/events" + ("" if single else "/batch")
    while time.monotonic() < until:
        records = _events(size)
        body = records[0] if single else {"records": records}
        t0 = time.perf_counter()
        async with session.post(url, json=body, headers={"X-API-Key": key}) as r:
            await r.read()
            status = r.status
        tally.latencies.append(time.perf_counter() - t0)
        if status == 201:
            tally.ok += 1
            tally.records += size
        else:
            tally.failed += 1


async def _run(base: str, tokens: list[str], key: str, args: argparse.Namespace) -> dict:
    connector = aiohttp.TCPConnector(limit=200)
    out: dict[str, object] = {}
    async with aiohttp.ClientSession(connector=connector) as session:
        queue = iter(tokens)
        # Warm-up: both paths compiled and cached.
        warm, warm_batches = Tally(), Tally()
        await asyncio.gather(
            *(_answers(session, base, itertools.islice(queue, 50), warm) for _ in range(4)),
            _batches(session, base, key, 50, time.monotonic() + 2, warm_batches),
        )

        # 1. Answers alone.
        answers = Tally()
        t0 = time.perf_counter()
        chunk = itertools.islice(queue, args.answers)
        await asyncio.gather(
            *(_answers(session, base, chunk, answers) for _ in range(args.concurrency))
        )
        out["answers_alone"] = answers.summary(time.perf_counter() - t0)

        # 2. Answers while 24 clients post batches.
        mixed_answers, mixed_batches = Tally(), Tally()
        until = time.monotonic() + args.seconds
        chunk = itertools.islice(queue, args.mixed_answers)

        async def answer_until() -> None:
            while time.monotonic() < until:
                before = len(mixed_answers.latencies)
                await _answers(session, base, itertools.islice(chunk, 20), mixed_answers)
                if len(mixed_answers.latencies) == before:
                    raise SystemExit("out of invitation tokens: raise --mixed-answers")

        t0 = time.perf_counter()
        await asyncio.gather(
            *(answer_until() for _ in range(24)),
            *(_batches(session, base, key, 50, until, mixed_batches) for _ in range(24)),
        )
        seconds = time.perf_counter() - t0
        out["mixed_answers"] = mixed_answers.summary(seconds)
        out["mixed_batches"] = mixed_batches.summary(seconds)

        # 3. One-record writes from one client.
        single = Tally()
        t0 = time.perf_counter()
        await _batches(session, base, key, 1, time.monotonic() + args.seconds, single)
        out["one_record_writes"] = single.summary(time.perf_counter() - t0)

        # 4. 50-record batches from 16 clients.
        batches = Tally()
        t0 = time.perf_counter()
        until = time.monotonic() + args.seconds
        await asyncio.gather(*(_batches(session, base, key, 50, until, batches) for _ in range(16)))
        out["batches_50x16"] = batches.summary(time.perf_counter() - t0)

        async with session.get(f"{base}/static-lib/plotly.min.js") as r:
            await r.read()
            out["plotly_cache_control"] = r.headers.get("cache-control")
        tallies = (warm_batches, mixed_batches, single, batches)
        out["_acknowledged_answers"] = warm.ok + answers.ok + mixed_answers.ok
        out["_acknowledged_records"] = sum(t.records for t in tallies)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--mixed-answers", type=int, default=40_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15, help="length of timed phases")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cx-bench-api-"))
    folder = tmp / "ws"
    try:
        tokens, key = _prepare(folder, 200 + args.answers + args.mixed_answers)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        cx = Path(sys.executable).with_name("cx")
        proc = subprocess.Popen(
            [str(cx), "serve", str(folder), "--port", str(port), "--rate-limit", "0"],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "CX_LOG_LEVEL": "WARNING"},
        )
        try:
            _wait_up(base, proc)
            out = asyncio.run(_run(base, tokens, key, args))
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=120)
        with Workspace(folder) as ws:
            stored_answers, stored_events = ws.count("responses"), ws.count("events")
        acknowledged_answers = out.pop("_acknowledged_answers")
        acknowledged_records = out.pop("_acknowledged_records")
        print(
            json.dumps(
                {
                    "bench": "api",
                    **out,
                    "answers_acknowledged": acknowledged_answers,
                    "answers_stored": stored_answers,
                    "records_acknowledged": acknowledged_records,
                    "records_stored": stored_events,
                    "lost": (acknowledged_answers - stored_answers)
                    + (acknowledged_records - stored_events),
                    "cores": os.cpu_count(),
                },
                indent=1,
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
