"""The server's writer: API batches grouped per table, survey answers served first."""

from __future__ import annotations

import asyncio
import threading
import time

from cxkit.store import Workspace
from cxkit.surveys import Answer, Claim, create_survey
from cxkit.web._state import State


def _event(i: int, **kw: str) -> dict[str, str]:
    return {"event_id": f"e{i}", "customer_id": "c1", "ts": "2025-01-01T10:00:00",
            "touchpoint": "home", **kw}  # fmt: skip


def _order(i: int) -> dict[str, object]:
    return {"order_id": f"o{i}", "customer_id": "c1", "ts": "2025-01-01T10:00:00", "amount": 5}


def test_answers_go_before_waiting_batches_and_each_batch_stands_alone(tmp_path) -> None:
    with Workspace(tmp_path, create=True) as ws:
        survey = create_survey(ws, "Pulse", "nps", anonymous=True)
    state = State(tmp_path)
    order: list[str] = []

    async def scenario() -> None:
        writer = state.writer
        state.write_lock.acquire()  # the writer takes the first batch, then waits here
        first = asyncio.ensure_future(writer.store("events", [_event(1), _event(2)]))
        await asyncio.sleep(0.2)
        jobs = [
            asyncio.ensure_future(writer.store("orders", [_order(1)])),
            asyncio.ensure_future(writer.store("events", [_event(2, touchpoint="cart")])),
            asyncio.ensure_future(writer.store("events", [_event(3, ts="soon")])),
        ]
        await asyncio.sleep(0.05)
        answer = asyncio.ensure_future(writer.submit(Answer(Claim(survey.survey_id), 9)))
        await asyncio.sleep(0.05)
        for name, future in [("first", first), ("answer", answer), *zip("oeb", jobs, strict=True)]:
            future.add_done_callback(lambda _f, name=name: order.append(name))
        threading.Timer(0.1, state.write_lock.release).start()
        await asyncio.gather(first, answer, *jobs)
        results = [first.result(), *(j.result() for j in jobs)]
        assert [r.result.stored for r in results] == [2, 1, 1, 0]
        assert results[3].result.rejected == [(1, "ts: expected a timestamp, got 'soon'")]
        assert answer.result().response_id is not None

    try:
        start = time.monotonic()
        asyncio.run(scenario())
        assert time.monotonic() - start < 30
    finally:
        state.close()
    # The answer, queued after three batches, is written right after the batch in hand;
    # the two waiting events batches are written together, after the orders batch.
    assert order.index("answer") < order.index("o")
    with Workspace(tmp_path) as ws:
        events = ws.table("events").order_by("event_id").to_pyarrow()
        assert events["touchpoint"].to_pylist() == ["home", "cart"]  # the later batch won e2
        assert ws.count("orders") == 1 and ws.count("responses") == 1


def test_a_steady_stream_of_answers_does_not_starve_the_batches(tmp_path) -> None:
    """Answers and record groups take turns: with answers always waiting, a batch still goes."""
    with Workspace(tmp_path, create=True) as ws:
        survey = create_survey(ws, "Pulse", "nps", anonymous=True)
    state = State(tmp_path)
    order: list[str] = []

    async def scenario() -> None:
        writer = state.writer
        state.write_lock.acquire()  # everything below queues while the writer waits
        first = asyncio.ensure_future(writer.submit(Answer(Claim(survey.survey_id), 1)))
        await asyncio.sleep(0.2)
        batch = asyncio.ensure_future(writer.store("events", [_event(1)]))
        await asyncio.sleep(0.05)
        later = asyncio.ensure_future(writer.submit(Answer(Claim(survey.survey_id), 2)))
        await asyncio.sleep(0.05)
        for name, future in (("first", first), ("batch", batch), ("later", later)):
            future.add_done_callback(lambda _f, name=name: order.append(name))
        threading.Timer(0.1, state.write_lock.release).start()
        await asyncio.gather(first, batch, later)

    try:
        asyncio.run(scenario())
    finally:
        state.close()
    # The answer that arrived while the batch waited does not jump it: they alternate.
    assert order == ["first", "batch", "later"]
