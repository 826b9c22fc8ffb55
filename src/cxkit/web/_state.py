"""The server's hold on a workspace: one DuckDB connection per thread, one writer at a time.

DuckDB lets connections of one process read concurrently; writes are serialised by a lock.
Survey answers go through `AnswerWriter`, which commits whatever answers are waiting in
one transaction (group commit) and only then acknowledges each of them: an acknowledged
answer is on disk, and a busy server writes hundreds per transaction instead of one.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxkit.store import Workspace, workspace_secret
from cxkit.surveys import (
    Answer,
    Outcome,
    Survey,
    SurveyLinks,
    list_surveys,
    record_answers,
)

__all__ = ["AnswerWriter", "RateLimiter", "State"]

#: Most answers committed in one transaction.
MAX_BATCH = 1000


class State:
    """Everything the app shares: per-thread workspaces, the write lock, links, caches."""

    def __init__(
        self, path: str | Path, *, rate_limit: int = 60, base_url: str | None = None
    ) -> None:
        self.path = Path(path).resolve()
        self._local = threading.local()
        self._generation = 0
        self._opened: list[Workspace] = []
        self._open_lock = threading.Lock()
        self.write_lock = threading.Lock()
        #: Writes so far per table, so cached page data knows when what it read is stale.
        self.versions: dict[str, int] = {}
        self.links = SurveyLinks(workspace_secret(self.path))
        self.surveys: dict[str, Survey] = {}
        self.reload_surveys()
        #: The ``[web]`` settings of ``cx.toml``; ``base_url`` overrides its base URL.
        self.settings = self.workspace().config.web
        if base_url:
            self.settings.base_url = base_url
        self.rate_limiter = RateLimiter(rate_limit)
        self._writer: AnswerWriter | None = None
        self._cache: dict[Any, tuple[dict[str, int], Any]] = {}

    @property
    def writer(self) -> AnswerWriter:
        """The survey-answer writer, started on first use (and again after `close`)."""
        with self._open_lock:
            if self._writer is None:
                self._writer = AnswerWriter(self)
            return self._writer

    def workspace(self) -> Workspace:
        """Return this thread's connection to the workspace (opened on first use)."""
        held = getattr(self._local, "held", None)
        if held is None or held[0] != self._generation:
            ws = Workspace(self.path)
            self._local.held = (self._generation, ws)
            with self._open_lock:
                self._opened.append(ws)
            return ws
        return held[1]

    @contextlib.contextmanager
    def writing(self) -> Iterator[Workspace]:
        """Hold the write lock with this thread's workspace; then spoil what it wrote.

        Cached data that read a table the block wrote is marked stale, and only that.
        """
        ws = self.workspace()
        with self.write_lock, ws.tracking() as access:
            try:
                yield ws
            finally:
                for name in access.writes:
                    self.versions[name] = self.versions.get(name, 0) + 1

    def link(self, token: str) -> str:
        """Return the public survey link of ``token``, from the configured base URL only."""
        return f"{self.settings.public_url}/s/{token}"

    def reload_surveys(self) -> None:
        """Refresh the in-memory survey definitions after a change."""
        self.surveys = {s.survey_id: s for s in list_surveys(self.workspace())}

    def survey(self, survey_id: str) -> Survey | None:
        """Return survey ``survey_id``, re-reading definitions once if it is not known yet."""
        if survey_id not in self.surveys:
            self.reload_surveys()
        return self.surveys.get(survey_id)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Return ``compute()``, reused until a write to one of the tables it read."""
        hit = self._cache.get(key)
        if hit is not None and all(self.versions.get(t, 0) == v for t, v in hit[0].items()):
            return hit[1]
        with self.workspace().tracking() as access:
            before = {t: self.versions.get(t, 0) for t in self.versions}
            value = compute()
        # Versions from before computing: a write that raced the computation spoils it.
        self._cache[key] = ({t: before.get(t, 0) for t in access.reads}, value)
        return value

    def close(self) -> None:
        """Stop the writer and close every connection (both reopen on next use)."""
        with self._open_lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.stop()
        with self._open_lock:
            self._generation += 1
            for ws in self._opened:
                ws.close()
            self._opened.clear()


@dataclass
class _Pending:
    answer: Answer
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Outcome]


class AnswerWriter:
    """A thread that writes queued survey answers in batches, one transaction each."""

    def __init__(self, state: State) -> None:
        self._state = state
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="cx-answer-writer", daemon=True)
        self._thread.start()

    async def submit(self, answer: Answer) -> Outcome:
        """Queue ``answer`` and wait until it is committed (or refused)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        self._queue.put(_Pending(answer, loop, future))
        return await future

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Pending]) -> None:
        try:
            with self._state.writing() as ws:
                outcomes = record_answers(
                    ws, [p.answer for p in batch], surveys=self._state.surveys
                )
        except Exception as exc:  # the database refused: tell every waiting client
            error = f"your answer could not be saved just now ({type(exc).__name__}); try again"
            outcomes = [Outcome(error=error, retry=True)] * len(batch)
        for pending, outcome in zip(batch, outcomes, strict=True):
            pending.loop.call_soon_threadsafe(_resolve, pending.future, outcome)


def _resolve(future: asyncio.Future[Outcome], outcome: Outcome) -> None:
    if not future.done():
        future.set_result(outcome)


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, bursts up to a fifth of that.

    ``per_minute = 0`` turns limiting off (for load tests behind one address).
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._burst = max(per_minute / 5, 5.0)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Take a token for ``client``; False when its bucket is empty."""
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        rate = self.per_minute / 60
        with self._lock:
            tokens, last = self._buckets.get(client, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * rate)
            if len(self._buckets) > 100_000:  # forget idle clients rather than grow forever
                self._buckets.clear()
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return False
            self._buckets[client] = (tokens - 1, now)
            return True
