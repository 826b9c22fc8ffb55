"""The server's hold on a workspace: one DuckDB connection per thread, one writer at a time.

DuckDB lets connections of one process read concurrently; writes are serialised by a lock.
Survey answers and API records go through `Writer`, which commits whatever is waiting in
one transaction (group commit), answers first, and only then acknowledges each: an
acknowledged answer or batch is on disk, and a busy server writes hundreds per transaction.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxkit.ingest import RecordsResult, ingest_batches
from cxkit.store import Workspace, workspace_secret
from cxkit.surveys import (
    Answer,
    Invitation,
    Outcome,
    Survey,
    SurveyLinks,
    invite_after_tickets,
    list_surveys,
    record_answers,
)

__all__ = ["RateLimiter", "State", "Stored", "Writer"]

#: Most answers committed in one transaction.
MAX_BATCH = 1000
#: Most API records validated and committed in one transaction (batches are never split).
MAX_RECORDS = 5000
#: Records per group while survey answers are waiting: a write they wait for stays short.
SHARED_RECORDS = 300


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
        self._writer: Writer | None = None
        self._cache: dict[Any, tuple[dict[str, int], Any]] = {}

    @property
    def writer(self) -> Writer:
        """The writer of answers and API records, started on first use (again after `close`)."""
        with self._open_lock:
            if self._writer is None:
                self._writer = Writer(self)
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


@dataclass
class _Job:
    table: str
    records: list[dict[str, Any]]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Stored]


@dataclass
class Stored:
    """What became of one API batch: the ingest result and the invitations it made."""

    result: RecordsResult
    invitations: list[Invitation] = field(default_factory=list)
    #: Set when the database refused the write: nothing was stored, the sender may retry.
    error: str | None = None


class Writer:
    """The thread that writes survey answers and API records, answers first.

    Survey answers waiting are committed together in one transaction (group commit), and
    so are API batches for one table. Answers and record groups take turns: between two
    groups of records, answers that arrived meanwhile go first, so a flood of API batches
    never starves the people answering; and after a group of answers, a group of records
    that waited goes, so a steady stream of answers never starves the API either.
    Each submitter is told its outcome only after the commit: acknowledged = stored.
    """

    def __init__(self, state: State) -> None:
        self._state = state
        self._ready = threading.Condition()
        self._answers: collections.deque[_Pending] = collections.deque()
        self._jobs: collections.deque[_Job] = collections.deque()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="cx-writer", daemon=True)
        self._thread.start()

    async def submit(self, answer: Answer) -> Outcome:
        """Queue ``answer`` and wait until it is committed (or refused)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        with self._ready:
            self._answers.append(_Pending(answer, loop, future))
            self._ready.notify()
        return await future

    async def store(self, table: str, records: list[dict[str, Any]]) -> Stored:
        """Queue a batch of ``table`` records (all or none) and wait until it is committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Stored] = loop.create_future()
        with self._ready:
            self._jobs.append(_Job(table, records, loop, future))
            self._ready.notify()
        return await future

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        with self._ready:
            self._stopping = True
            self._ready.notify()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        jobs_turn = False  # after a group of answers, batches that waited go next
        while True:
            with self._ready:
                while not (self._answers or self._jobs or self._stopping):
                    self._ready.wait()
                answers: list[_Pending] = []
                jobs = self._take_jobs() if jobs_turn or not self._answers else []
                if not jobs:
                    answers = [
                        self._answers.popleft() for _ in range(min(len(self._answers), MAX_BATCH))
                    ]
                if not answers and not jobs:
                    return  # stopping, and nothing left
            if answers:
                self._write_answers(answers)
                jobs_turn = True
            else:
                self._write_jobs(jobs)
                jobs_turn = False

    def _take_jobs(self) -> list[_Job]:
        """Take the first waiting batch and the next ones for the same table, within a size.

        While answers wait, the group is kept small (`SHARED_RECORDS`), so they wait for
        one short write at most.
        """
        if not self._jobs:
            return []
        most = SHARED_RECORDS if self._answers else MAX_RECORDS
        first = self._jobs.popleft()
        jobs, size = [first], len(first.records)
        while self._jobs and size < most:
            nxt = next((j for j in self._jobs if j.table == first.table), None)
            if nxt is None or size + len(nxt.records) > most:
                break
            self._jobs.remove(nxt)
            jobs.append(nxt)
            size += len(nxt.records)
        return jobs

    def _write_answers(self, batch: list[_Pending]) -> None:
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

    def _write_jobs(self, jobs: list[_Job]) -> None:
        table = jobs[0].table
        try:
            with self._state.writing() as ws:
                results = ingest_batches(ws, table, [j.records for j in jobs])
                stored = [Stored(r) for r in results]
                if table == "tickets":
                    for s in stored:
                        if s.result.rows is not None:
                            rows = s.result.rows.to_pandas()
                            s.invitations = invite_after_tickets(ws, self._state.links, rows)
        except Exception as exc:  # the database refused: nothing of the group was stored
            error = f"the records could not be stored just now ({type(exc).__name__}); retry"
            stored = [Stored(RecordsResult(table), error=error) for _ in jobs]
        for job, outcome in zip(jobs, stored, strict=True):
            job.loop.call_soon_threadsafe(_resolve, job.future, outcome)


def _resolve(future: asyncio.Future[Any], outcome: Any) -> None:
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
