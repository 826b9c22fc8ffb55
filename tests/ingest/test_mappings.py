"""Shipped mappings on the real files in ../shared/data, checked against pandas."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from cxkit.errors import MappingError
from cxkit.ingest import Mapping, builtin_mappings, ingest


def test_shipped_mappings() -> None:
    assert builtin_mappings() == [
        "cdnow-orders",
        "helpdesk-events",
        "telco-customers",
        "twcs-feedback",
    ]


def test_cdnow_master_to_orders(ws, shared_data: Path) -> None:
    path = shared_data / "cdnow" / "CDNOW_master.txt"
    expected = pd.read_csv(path, sep=r"\s+", dtype={"customer_id": str, "date": str})
    r = ingest(ws, "orders", path, mapping="cdnow-orders")
    assert (r.rows_read, r.rows_stored, r.rows_quarantined) == (69_659, 69_659, 0)
    orders = ws.table("orders")
    got = (
        orders.aggregate(
            customers=orders.customer_id.nunique(),
            revenue=orders.amount.sum(),
            first=orders.ts.min(),
            last=orders.ts.max(),
        )
        .to_pandas()
        .iloc[0]
    )
    assert got.customers == expected.customer_id.nunique() == 23_570
    assert got.revenue == pytest.approx(expected.dollar_value.sum())
    assert str(got["first"].date()) == "1997-01-01" and str(got["last"].date()) == "1998-06-30"


def test_telco_to_customers(ws, shared_data: Path) -> None:
    path = shared_data / "telco_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
    expected = pd.read_csv(path)
    r = ingest(ws, "customers", path, mapping="telco-customers")
    assert (r.rows_read, r.rows_stored, r.rows_quarantined) == (7_043, 7_043, 0)
    got = ws.to_pandas("customers")
    assert got.segment.value_counts().to_dict() == {
        k.lower().replace("-", "_").replace(" ", "_"): v
        for k, v in expected.Contract.value_counts().to_dict().items()
    }
    attrs = got.set_index("customer_id").attributes.map(json.loads)
    assert sum(a["Churn"] == "Yes" for a in attrs) == 1_869
    assert attrs["7590-VHVEG"]["TotalCharges"] == "29.85"


def test_twcs_to_feedback_keeps_every_record(ws, shared_data: Path) -> None:
    path = shared_data / "twcs" / "twcs_first5000.csv"
    r = ingest(ws, "feedback", path, mapping="twcs-feedback")
    # One record is split by a raw carriage return: its two halves go to quarantine.
    assert (r.rows_read, r.rows_stored, r.rows_quarantined) == (5_001, 4_999, 2)
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    inbound = sum(rec["inbound"] == "True" for rec in records)
    fb = ws.table("feedback")
    assert fb.customer_id.notnull().sum().execute() in (inbound, inbound - 1)
    q = ws.to_pandas("quarantine")
    assert q.reason.str.startswith("malformed line").all()


def test_mapping_for_wrong_table(ws, shared_data: Path) -> None:
    with pytest.raises(MappingError, match="for table 'orders', not 'customers'"):
        ingest(ws, "customers", shared_data / "cdnow" / "CDNOW_master.txt", mapping="cdnow-orders")


def test_mapping_rules(ws, tmp_path: Path) -> None:
    (tmp_path / "o.csv").write_text("id,who,when,total,paid\n7,Ann,03/02/2024,9.5,Y\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'table = "orders"\n[columns]\n'
        'order_id = { template = "shop-{id}-{_row}" }\ncustomer_id = "who"\n'
        'ts = { column = "when", format = "%d/%m/%Y" }\namount = "total"\n'
        'status = { column = "paid", map = { Y = "completed", N = "pending" } }\n'
        'channel = { value = "store" }\n'
    )
    assert ingest(ws, "orders", tmp_path / "o.csv", mapping=mapping).rows_stored == 1
    row = ws.to_pandas("orders").iloc[0]
    assert (row.order_id, row.customer_id, str(row.ts), row.status, row.channel) == (
        "shop-7-1",
        "Ann",
        "2024-02-03 00:00:00",
        "completed",
        "store",
    )
    bad = Mapping(columns={"colour": "x"})
    with pytest.raises(MappingError, match="'colour' is not in table 'orders'"):
        ingest(ws, "orders", tmp_path / "o.csv", mapping=bad)
