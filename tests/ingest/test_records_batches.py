"""API records: several batches checked at once, each landing whole or not at all."""

from __future__ import annotations

from cxkit.ingest import ingest_batches, ingest_records
from cxkit.store import Workspace


def _event(i: int, **kw: str) -> dict[str, str]:
    return {"event_id": f"e{i}", "customer_id": "c1", "ts": "2025-01-01T10:00:00",
            "touchpoint": "home", **kw}  # fmt: skip


def test_batches_stand_alone_and_the_later_one_wins_a_shared_key(tmp_path) -> None:
    with Workspace(tmp_path, create=True) as ws:
        results = ingest_batches(
            ws,
            "events",
            [
                [_event(1), _event(2)],
                [_event(2, touchpoint="cart"), _event(3)],
                [_event(4), _event(5, ts="nope")],
                [_event(6), _event(6)],
                [],
            ],
        )
        assert [r.stored for r in results] == [2, 2, 0, 0, 0]
        assert results[2].rejected == [(2, "ts: expected a timestamp, got 'nope'")]
        assert results[3].rejected == [
            (1, "event_id: duplicate key; row 2 of this file has the same key and wins")
        ]
        rows = ws.table("events").order_by("event_id").select("event_id", "touchpoint")
        assert rows.to_pyarrow().to_pylist() == [
            {"event_id": "e1", "touchpoint": "home"},
            {"event_id": "e2", "touchpoint": "cart"},
            {"event_id": "e3", "touchpoint": "home"},
        ]
        assert ws.count("batches") == 2  # one log row per stored batch
        assert results[1].rows is not None and results[1].rows.num_rows == 2


def test_a_lone_surrogate_is_refused_not_raised(tmp_path) -> None:
    with Workspace(tmp_path, create=True) as ws:
        result = ingest_records(ws, "events", [_event(1, touchpoint="bad \ud800 text")])
        assert result.stored == 0
        assert (1, "touchpoint: not valid Unicode (a lone surrogate)") in result.rejected
        assert ws.count("events") == 0
