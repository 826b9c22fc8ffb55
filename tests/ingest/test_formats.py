from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from cxkit.ingest import ingest
from tests.conftest import write


def test_semicolon_csv_detected(ws, tmp_path: Path) -> None:
    f = write(tmp_path / "c.csv", "customer_id;segment;country\nC1;a;FR\nC2;b;DE\n")
    assert ingest(ws, "customers", f).rows_stored == 2
    assert sorted(ws.to_pandas("customers").country) == ["DE", "FR"]


def test_latin1_detected_and_kept(ws, tmp_path: Path) -> None:
    f = write(tmp_path / "c.csv", "customer_id,name\nC1,Zoë Müller\nC2,José Núñez\n", "latin-1")
    assert ingest(ws, "customers", f).rows_stored == 2
    assert sorted(ws.to_pandas("customers").name) == ["José Núñez", "Zoë Müller"]


def test_utf8_bom_and_explicit_header_off(ws, tmp_path: Path) -> None:
    f = write(tmp_path / "c.csv", "\ufeffcustomer_id,segment\nC1,a\n")
    assert ingest(ws, "customers", f).rows_stored == 1
    g = write(tmp_path / "t.csv", "tp1,web,research,marketing\ntp2,app,purchase,mobile\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[source]\nheader = false\nnames = ["a", "b", "c", "d"]\n'
        '[columns]\ntouchpoint = "a"\nchannel = "b"\nstage = "c"\nowner = "d"\n'
    )
    assert ingest(ws, "touchpoints", g, mapping=mapping).rows_stored == 2


def test_parquet_keeps_types(ws, tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "order_id": ["O1", "O2"],
            "customer_id": ["C1", "C2"],
            "ts": pd.to_datetime(["2024-01-01 10:00", "2024-02-01 00:00"]),
            "amount": [1.5, -2.0],
        }
    )
    frame.to_parquet(tmp_path / "o.parquet")
    r = ingest(ws, "orders", tmp_path / "o.parquet")
    assert (r.rows_read, r.rows_stored, r.rows_quarantined) == (2, 1, 1)
    assert ws.to_pandas("orders").ts.iloc[0] == pd.Timestamp("2024-01-01 10:00")


def test_ndjson_nested_properties_become_json_text(ws, tmp_path: Path) -> None:
    lines = [
        {
            "event_id": "E1",
            "customer_id": "C1",
            "ts": "2024-01-01T10:00:00",
            "touchpoint": "app_browse",
            "channel": "app",
            "properties": {"device": "ios", "n": 2},
        },
        {
            "event_id": "E2",
            "customer_id": "C1",
            "ts": "2024-01-01T10:05:00",
            "touchpoint": "app_checkout",
            "channel": "app",
            "properties": {"device": "ios"},
        },
    ]
    f = write(tmp_path / "e.ndjson", "\n".join(json.dumps(x) for x in lines) + "\n")
    assert ingest(ws, "events", f).rows_stored == 2
    props = ws.to_pandas("events").sort_values("event_id").properties.tolist()
    assert [json.loads(p) for p in props] == [x["properties"] for x in lines]
