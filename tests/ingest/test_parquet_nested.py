"""Parquet's nested columns arrive in JSON columns as JSON text, not quarantined."""

from __future__ import annotations

import json
from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq

from cxkit.ingest import ingest
from cxkit.store import Workspace


def test_a_struct_column_is_stored_as_a_json_object(tmp_path) -> None:
    rows = pa.table(
        {
            "event_id": ["e1", "e2"],
            "customer_id": ["c1", "c2"],
            "ts": pa.array([datetime(2025, 1, 1, 10)] * 2, pa.timestamp("us")),
            "touchpoint": ["home", "cart"],
            "properties": [{"a": 1, "b": "x"}, {"a": 2, "b": None}],
        }
    )
    pq.write_table(rows, tmp_path / "events.parquet")
    with Workspace(tmp_path / "ws", create=True) as ws:
        result = ingest(ws, "events", tmp_path / "events.parquet")
        assert (result.rows_stored, result.rows_quarantined) == (2, 0)
        stored = ws.table("events").order_by("event_id").properties.to_pyarrow().to_pylist()
    assert [json.loads(p) for p in stored] == [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
