"""Loads merge without loss, are logged, and are undone exactly (issue 17, point 1)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from cxkit.errors import IngestError
from cxkit.ingest import Mapping, ingest, ingest_records, list_loads, undo_load
from cxkit.journeys import cases
from cxkit.store import Workspace

TELCO = Path(__file__).parents[3] / "shared" / "data" / "telco_churn"
TELCO = TELCO / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
SERVICES = ["customerID", "PhoneService", "InternetService", "StreamingTV", "Contract"]
BILLING = ["customerID", "PaymentMethod", "MonthlyCharges", "TotalCharges", "Churn"]
KEEP = Mapping(columns={"customer_id": "customerID"}, fields="rest")
REST = Mapping(fields="rest")


def _split(tmp_path: Path) -> tuple[Path, Path, pd.DataFrame]:
    """Two files covering different columns of the same 7,043 customers (a five-table export)."""
    whole = pd.read_csv(TELCO, dtype=str, keep_default_na=False)
    a, b = tmp_path / "services.csv", tmp_path / "billing.csv"
    whole[SERVICES].to_csv(a, index=False)
    whole[BILLING].to_csv(b, index=False)
    return a, b, whole


def _customers(ws: Workspace) -> pd.DataFrame:
    frame = ws.to_pandas("customers").sort_values("customer_id").reset_index(drop=True)
    return frame[sorted(frame.columns)]


def test_a_second_file_of_other_columns_blanks_nothing(tmp_path: Path) -> None:
    a, b, whole = _split(tmp_path)
    with Workspace(tmp_path / "ws", create=True) as ws:
        first = ingest(ws, "customers", a, mapping=KEEP)
        second = ingest(ws, "customers", b, mapping=KEEP)
        merged = _customers(ws)
    assert (first.rows_inserted, first.rows_updated) == (7043, 0)
    assert (second.rows_inserted, second.rows_updated) == (0, 7043)
    assert set(first.new_fields) == {"phoneservice", "internetservice", "streamingtv", "contract"}
    # The second implementation: the whole file in one load.
    whole_file = tmp_path / "whole.csv"
    whole[sorted(set(SERVICES + BILLING))].to_csv(whole_file, index=False)
    with Workspace(tmp_path / "one", create=True) as ws:
        ingest(ws, "customers", whole_file, mapping=KEEP)
        once = _customers(ws)
    pd.testing.assert_frame_equal(merged, once, check_like=True)
    # And against the file itself: the services survived the billing load.
    row = merged.set_index("customer_id").loc["7590-VHVEG"]
    assert (row.contract, row.phoneservice, row.paymentmethod) == (
        "Month-to-month",
        False,
        "Electronic check",
    )
    assert row.monthlycharges == pytest.approx(29.85)


def test_a_null_is_unknown_not_erased(tmp_path: Path) -> None:
    f1, f2 = tmp_path / "1.csv", tmp_path / "2.csv"
    f1.write_text("customer_id,name,country\nC1,Ann,FR\nC2,Bob,DE\n")
    f2.write_text("customer_id,name,country\nC1,,ES\nC3,Cid,\n")
    with Workspace(tmp_path / "ws", create=True) as ws:
        ingest(ws, "customers", f1)
        ingest(ws, "customers", f2)
        got = ws.to_pandas("customers").set_index("customer_id")
    assert got.loc["C1", "name"] == "Ann" and got.loc["C1", "country"] == "ES"
    assert got.loc["C2", "country"] == "DE" and got.loc["C3", "name"] == "Cid"


def test_every_load_is_logged_with_file_hash_and_columns(tmp_path: Path) -> None:
    a, b, _ = _split(tmp_path)
    with Workspace(tmp_path / "ws", create=True) as ws:
        ingest(ws, "customers", a, mapping=KEEP)
        ingest(ws, "customers", b, mapping=KEEP)
        log = list_loads(ws).to_pandas()
    assert list(log.source_file) == [str(b), str(a)]  # newest first
    assert log.file_sha256.iloc[0] == hashlib.sha256(b.read_bytes()).hexdigest()
    assert json.loads(log["columns"].iloc[0]) == {
        "customer_id": "customerID",
        "paymentmethod": "PaymentMethod",
        "monthlycharges": "MonthlyCharges",
        "totalcharges": "TotalCharges",
        "churn": "Churn",
    }
    assert list(log.rows_read) == [7043, 7043]


def test_undo_restores_exactly_what_was_there(tmp_path: Path) -> None:
    a, b, _ = _split(tmp_path)
    extra = tmp_path / "extra.csv"
    extra.write_text("customerID,Contract\nNEW-1,One year\n7590-VHVEG,Two year\nbad,\n")
    with Workspace(tmp_path / "ws", create=True) as ws:
        first = ingest(ws, "customers", a, mapping=KEEP)
        after_first = _customers(ws)
        second = ingest(ws, "customers", b, mapping=KEEP)
        after_second = _customers(ws)
        third = ingest(ws, "customers", extra, mapping=KEEP)
        assert ws.count("customers") == 7045
        # The second load cannot go while the third changed one of its rows.
        with pytest.raises(IngestError, match=f"later loads changed rows.*{third.batch_id}"):
            undo_load(ws, second.batch_id)
        done = undo_load(ws, third.batch_id)
        assert (done.rows_removed, done.rows_restored) == (2, 1)  # NEW-1 and "bad"; 7590
        pd.testing.assert_frame_equal(_customers(ws), after_second)
        undo_load(ws, second.batch_id)
        # The billing fields stay as columns, empty now: exactly the state after the first.
        now = _customers(ws)
        assert now.paymentmethod.isna().all() and now.churn.isna().all()
        pd.testing.assert_frame_equal(now[after_first.columns], after_first)
        with pytest.raises(IngestError, match="undone already"):
            undo_load(ws, second.batch_id)
        undo_load(ws, first.batch_id)
        assert ws.count("customers") == 0
        log = list_loads(ws).to_pandas()
        assert log.undone_at.notna().all()


def test_undo_takes_the_quarantine_of_that_load_too(tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text("order_id,customer_id,ts,amount\nO1,C1,2024-01-01,5\nO2,C1,not a date,6\n")
    with Workspace(tmp_path / "ws", create=True) as ws:
        r = ingest(ws, "orders", f)
        assert (r.rows_stored, r.rows_quarantined) == (1, 1)
        done = undo_load(ws, r.batch_id)
        assert (done.rows_removed, done.quarantine_removed) == (1, 1)
        assert ws.count("orders") == 0 and ws.count("quarantine") == 0


def test_api_batches_are_listed_but_cannot_be_undone(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws", create=True) as ws:
        ingest_records(ws, "customers", [{"customer_id": "C1"}])
        log = list_loads(ws).to_pandas()
        assert list(log.source_file) == ["api"]
        with pytest.raises(IngestError, match="cannot be undone"):
            undo_load(ws, log.batch_id.iloc[0])
        with pytest.raises(IngestError, match="no load 'nope'"):
            undo_load(ws, "nope")


def test_ties_in_time_keep_the_order_of_the_file(tmp_path: Path) -> None:
    f = tmp_path / "e.csv"
    # Same second; the ids sort the other way round ("z" before "a" in the file).
    f.write_text(
        "event_id,customer_id,ts,touchpoint\n"
        "z9,C1,2024-01-01 10:00:00,landing\n"
        "m5,C1,2024-01-01 10:00:00,product\n"
        "a1,C1,2024-01-01 10:00:00,checkout\n"
    )
    with Workspace(tmp_path / "ws", create=True) as ws:
        ingest(ws, "events", f)
        steps = cases(ws).order_by("step").touchpoint.to_pyarrow().to_pylist()
    assert steps == ["landing", "product", "checkout"]


def test_times_with_an_offset_are_stored_as_the_utc_instant(tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text(
        "order_id,customer_id,ts,amount\n"
        "O1,C1,2024-01-05T10:00:00-05:00,1\n"
        "O2,C1,2024-01-05 10:00:00 -0500,1\n"
        "O3,C1,2024-01-05T10:00:00Z,1\n"
        "O4,C1,2024-01-05 10:00:00,1\n"
    )
    with Workspace(tmp_path / "ws", create=True) as ws:
        ingest(ws, "orders", f)
        got = ws.to_pandas("orders").set_index("order_id").ts.astype(str).to_dict()
    assert got == {
        "O1": "2024-01-05 15:00:00",
        "O2": "2024-01-05 15:00:00",
        "O3": "2024-01-05 10:00:00",
        "O4": "2024-01-05 10:00:00",
    }


def test_a_field_widens_when_a_later_file_does_not_fit_its_type(tmp_path: Path) -> None:
    a, b, c = (tmp_path / f"{n}.csv" for n in "abc")
    a.write_text("customer_id,Seats,Renewal\nC1,3,2024-01-01\nC2,4,2024-02-01\n")
    b.write_text("customer_id,Seats,Renewal\nC3,2.5,soon\n")
    c.write_text("customer_id,Seats,Renewal\nC4,,\n")  # blank: says nothing about the type
    with Workspace(tmp_path / "ws", create=True) as ws:
        assert ingest(ws, "customers", a, mapping=REST).new_fields == {
            "seats": "int64",
            "renewal": "timestamp",
        }
        second = ingest(ws, "customers", b, mapping=REST)
        assert (second.rows_stored, second.rows_quarantined) == (1, 0)  # nothing refused
        assert ws.fields("customers") == {"seats": "float64", "renewal": "string"}
        ingest(ws, "customers", c, mapping=REST)
        assert ws.fields("customers") == {"seats": "float64", "renewal": "string"}
        got = ws.to_pandas("customers").set_index("customer_id")
    assert got.seats.to_dict() == {
        "C1": 3.0,
        "C2": 4.0,
        "C3": 2.5,
        "C4": pytest.approx(float("nan"), nan_ok=True),
    }
    assert got.renewal.loc["C1"] == "2024-01-01 00:00:00" and got.renewal.loc["C3"] == "soon"


def test_a_custom_time_field_may_lie_outside_the_plausible_range(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    # A due date next decade and a birth date before 1970 are the source's business.
    f.write_text(
        "ticket_id,created_at,Due,Born\nT1,2024-01-01,2036-01-01,1950-05-01\n"
        "T2,1900-01-01,2024-01-02,1960-01-01\n"
    )
    with Workspace(tmp_path / "ws", create=True) as ws:
        r = ingest(ws, "tickets", f, mapping=REST)
        assert ws.fields("tickets") == {"due": "timestamp", "born": "timestamp"}
        reasons = ws.to_pandas("quarantine").reason.tolist()
    assert (r.rows_stored, r.rows_quarantined) == (1, 1)  # only T2: its created_at is 1900
    assert reasons[0].startswith("created_at: '1900-01-01' is outside the plausible times")
