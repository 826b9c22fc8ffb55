"""Load test: survey answers posted to a running `cx serve` over loopback.

Target: >= 1,000 answers/s with p99 < 100 ms on this 2-core machine, and none lost: every
answer acknowledged (303) is in ``responses`` after the server stops. The client (aiohttp,
keep-alive connections) runs in this process and shares the two cores with the server.
Rate limiting is off (``--rate-limit 0``): every request comes from one address.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import numpy as np

from cxkit.store import Workspace
from cxkit.surveys import SurveyLinks, create_survey, invite, workspace_secret


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(folder: Path, n: int) -> list[str]:
    """A workspace with one NPS survey and ``n`` invitation tokens."""
    with Workspace(folder, create=True) as ws:
        survey = create_survey(ws, "Load test", "nps", follow_up="Why?")
        links = SurveyLinks(workspace_secret(ws.path))
        return [i.token for i in invite(ws, links, survey.survey_id, range(n))]


def _wait_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    import urllib.request

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


async def _load(base: str, tokens: list[str], concurrency: int) -> tuple[list[float], int, int]:
    """Post one answer per token from ``concurrency`` clients; return latencies and counts."""
    latencies: list[float] = []
    ok = failed = 0
    queue = iter(enumerate(tokens))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client() -> None:
            nonlocal ok, failed
            for i, token in queue:
                body = {"score": str(i % 11), "comment": f"answer {i}"}
                t0 = time.perf_counter()
                async with session.post(
                    f"{base}/s/{token}", data=body, allow_redirects=False
                ) as resp:
                    await resp.read()
                    status = resp.status
                latencies.append(time.perf_counter() - t0)
                if status == 303:
                    ok += 1
                else:
                    failed += 1

        await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, ok, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=30_000)
    parser.add_argument("--warmup", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cx-bench-api-"))
    folder = tmp / "ws"
    try:
        tokens = _prepare(folder, args.answers + args.warmup)
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
            asyncio.run(_load(base, tokens[: args.warmup], args.concurrency))
            t0 = time.perf_counter()
            lat, ok, failed = asyncio.run(_load(base, tokens[args.warmup :], args.concurrency))
            seconds = time.perf_counter() - t0
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
        with Workspace(folder) as ws:
            stored = ws.count("responses")
        ms = np.array(lat) * 1000
        acknowledged = ok + args.warmup
        print(
            json.dumps(
                {
                    "bench": "api",
                    "answers": args.answers,
                    "concurrency": args.concurrency,
                    "seconds": round(seconds, 2),
                    "answers_per_s": round(args.answers / seconds),
                    "p50_ms": round(float(np.percentile(ms, 50)), 1),
                    "p99_ms": round(float(np.percentile(ms, 99)), 1),
                    "max_ms": round(float(ms.max()), 1),
                    "acknowledged": ok,
                    "refused": failed,
                    "stored_incl_warmup": stored,
                    "lost": acknowledged - stored,
                    "cores": os.cpu_count(),
                }
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
