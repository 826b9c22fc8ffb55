"""Nothing lost under concurrent answers, across a restart, or when the server is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx

from cxkit.store import Workspace
from cxkit.surveys import SurveyLinks, invite, workspace_secret
from tests.web.conftest import free_port


def _tokens(path: Path, n: int, survey: str = "nps-relationship") -> list[str]:
    links = SurveyLinks(workspace_secret(path))
    with Workspace(path) as ws:
        return [i.token for i in invite(ws, links, survey, [f"C{k:07d}" for k in range(n)])]


def _answered(base: str, tokens: list[str], clients: int) -> list[int]:
    def answer(pair: tuple[int, str]) -> int:
        k, token = pair
        r = httpx.post(f"{base}/s/{token}", data={"score": str(k % 11)}, timeout=60)
        return r.status_code

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(answer, enumerate(tokens)))


def test_parallel_clients_lose_nothing(live, site):
    path, _ = site
    with Workspace(path) as ws:
        before = ws.count("responses")
    tokens = _tokens(path, 400)
    # Each link twice at once: one answer per invitation must win, the other be refused.
    codes = _answered(live, tokens + tokens, clients=32)
    assert codes.count(303) == 400 and codes.count(410) == 400, sorted(set(codes))
    with Workspace(path) as ws:
        assert ws.count("responses") == before + 400
        inv = ws.table("invitations")
        answered = inv.filter(inv.answered_at.notnull() & inv.customer_id.startswith("C0000"))
        r = ws.table("responses")
        joined = answered.join(r, answered.response_id == r.response_id)
        assert ws.count(joined) >= 400


def _serve(path: Path, port: int) -> subprocess.Popen[bytes]:
    cx = Path(sys.executable).with_name("cx")
    log = path.with_suffix(".log")
    with open(log, "ab") as fh:  # the child keeps its own handle
        proc = subprocess.Popen(
            [str(cx), "serve", str(path), "--port", str(port), "--rate-limit", "0"],
            stdout=subprocess.DEVNULL,
            stderr=fh,
        )
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "cx serve did not start"
        time.sleep(0.2)


def test_restart_and_kill_keep_every_acknowledged_answer(built, tmp_path):
    import shutil

    path = tmp_path / "ws"
    shutil.copytree(built[0], path)
    with Workspace(path) as ws:
        before = ws.count("responses")
    tokens = _tokens(path, 600)
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    proc = _serve(path, port)
    first = _answered(base, tokens[:200], clients=16)
    proc.send_signal(signal.SIGINT)  # a clean stop
    assert proc.wait(timeout=60) == 0, path.with_suffix(".log").read_text()[-3000:]

    proc = _serve(path, port)  # a restart keeps everything
    assert httpx.get(f"{base}/s/{tokens[0]}").status_code == 410  # still answered
    acks: list[int] = []

    def post(token: str) -> int:
        code = _status(f"{base}/s/{token}")
        acks.append(code)
        return code

    with ThreadPoolExecutor(16) as pool:
        pending = pool.map(post, tokens[200:])  # answers in flight while the server is killed
        deadline = time.monotonic() + 60
        while acks.count(303) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)  # kill once some answers are in, whatever the machine's speed
        os.kill(proc.pid, signal.SIGKILL)
        second = list(pending)
    proc.wait(timeout=30)

    acknowledged = first.count(303) + second.count(303)
    assert first.count(303) == 200 and 0 < second.count(303) < 400
    with Workspace(path) as ws:  # opens cleanly: DuckDB replays its write-ahead log
        # Every acknowledged answer is stored. A group committed in the instant before the
        # kill, whose replies never left, is stored too: more than acknowledged, never less,
        # and never more than was sent (its senders, retrying, are told it was answered).
        stored = ws.count("responses") - before
        assert acknowledged <= stored <= 200 + len(second)
        inv = ws.table("invitations")
        assert ws.count(inv.filter(inv.answered_at.notnull())) >= acknowledged


def _status(url: str) -> int:
    try:
        return httpx.post(url, data={"score": "7"}, timeout=30).status_code
    except httpx.HTTPError:
        return 0  # the server died before answering: not acknowledged


def test_a_failed_write_asks_the_customer_to_retry(app, client, monkeypatch):
    """If the database refuses a batch, every waiting answer gets a 503, none a false 'thanks'."""
    from cxkit.web import _state

    state = app.state.cx
    with state.writing() as ws:
        (inv,) = invite(ws, state.links, "nps-relationship", ["C0000009"])

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(_state, "record_answers", refuse)
    r = client.post(f"/s/{inv.token}", data={"score": "8"})
    assert r.status_code == 503 and "try again" in r.text
    monkeypatch.undo()
    assert client.post(f"/s/{inv.token}", data={"score": "8"}).status_code == 200
