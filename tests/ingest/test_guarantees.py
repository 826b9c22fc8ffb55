"""The four ingest guarantees of issue 2, each on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxkit.errors import MissingColumn, UnreadableFile
from cxkit.ingest import ingest
from cxkit.store import Backend, Workspace
from tests.conftest import write

MESSY = (
    "order_id,customer_id,ts,amount,channel\n"
    "O1,C1,2024-01-01,10.5,web\n"
    "O2,C1,2024-01-02,-1,web\n"  # negative amount
    "O3,C2,not a date,3,app\n"  # bad timestamp
    "O4,C2,2024-01-03,4\n"  # short line
    "O5,C3,2024-01-04,5,store,extra\n"  # long line
    "O6,C3,2024-01-05,6,Store\n"
    "O6,C3,2024-01-06,7,store\n"  # duplicate key: the later row wins
    ",C4,2024-01-07,8,web\n"  # missing key
)


def _snapshot(ws: Workspace, drop: tuple[str, ...] = ()) -> dict[str, list]:
    return {
        name: sorted(
            map(
                str,
                ws.to_pandas(name)
                .drop(columns=["ingested_at", *drop], errors="ignore")
                .itertuples(index=False),
            )
        )
        for name in ws.counts()
    }


def test_rows_read_equal_stored_plus_quarantined(ws, tmp_path: Path) -> None:
    r = ingest(ws, "orders", write(tmp_path / "m.csv", MESSY))
    assert r.rows_read == 8
    assert (r.rows_stored, r.rows_quarantined) == (2, 6)
    assert r.rows_read == r.rows_stored + r.rows_quarantined
    assert ws.count("orders") == r.rows_stored
    assert ws.count("quarantine") == r.rows_quarantined
    stored = ws.to_pandas("orders").set_index("order_id")
    assert stored.loc["O6", "amount"] == 7 and stored.loc["O6", "channel"] == "store"
    rows = sorted(ws.to_pandas("quarantine").row_number.tolist())
    assert rows == [2, 3, 4, 5, 6, 8]


def test_same_file_twice_adds_nothing(ws, tmp_path: Path) -> None:
    f = write(tmp_path / "m.csv", MESSY)
    first = ingest(ws, "orders", f)
    before = _snapshot(ws, drop=("seq", "batch_id"))
    second = ingest(ws, "orders", f)
    assert second.batch_id != first.batch_id  # every load is logged, and can be undone
    assert (second.rows_inserted, second.rows_updated) == (0, first.rows_stored)
    after = _snapshot(ws, drop=("seq", "batch_id"))
    for name in ("batches", "load_changes"):
        assert len(after.pop(name)) == len(before.pop(name)) * 2
    assert after == before  # the data, and the quarantine: the second load's replaced the first's
    log = ws.to_pandas("batches")
    assert log.file_sha256.nunique() == 1 and len(log) == 2


def test_changed_rows_upsert_by_key(ws, tmp_path: Path) -> None:
    ingest(
        ws,
        "orders",
        write(tmp_path / "a.csv", "order_id,customer_id,ts,amount\nO1,C1,2024-01-01,1\n"),
    )
    ingest(
        ws,
        "orders",
        write(
            tmp_path / "b.csv",
            "order_id,customer_id,ts,amount\nO1,C1,2024-01-01,2\nO2,C1,2024-01-02,3\n",
        ),
    )
    assert sorted(ws.to_pandas("orders").amount.tolist()) == [2.0, 3.0]


def test_composite_key_upsert(ws, tmp_path: Path) -> None:
    head = "order_id,line,product_id,quantity,price\n"
    ingest(ws, "order_items", write(tmp_path / "a.csv", head + "O1,1,P1,1,5\nO1,2,P2,1,6\n"))
    ingest(ws, "order_items", write(tmp_path / "b.csv", head + "O1,2,P3,2,7\nO2,1,P1,1,5\n"))
    df = ws.to_pandas("order_items").sort_values(["order_id", "line"])
    assert df[["order_id", "line", "product_id"]].values.tolist() == [
        ["O1", 1, "P1"],
        ["O1", 2, "P3"],
        ["O2", 1, "P1"],
    ]


def test_failure_mid_load_leaves_workspace_as_before(
    ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(
        ws,
        "orders",
        write(tmp_path / "a.csv", "order_id,customer_id,ts,amount\nO0,C0,2024-01-01,1\n"),
    )
    before = _snapshot(ws)
    rows = "".join(f"O{i},C{i},2024-01-01,{i}\n" for i in range(1, 1001)) + "X,,bad,-1\n"
    f = write(tmp_path / "big.csv", "order_id,customer_id,ts,amount\n" + rows)
    real_insert = Backend.insert

    def insert_half_then_fail(self, name, expr):
        if name == "orders":
            real_insert(self, name, expr.limit(500))  # half the rows land, then the load dies
            raise RuntimeError("disk full (injected)")
        real_insert(self, name, expr)

    monkeypatch.setattr(Backend, "insert", insert_half_then_fail)
    with pytest.raises(RuntimeError, match="injected"):
        ingest(ws, "orders", f)
    monkeypatch.undo()
    assert _snapshot(ws) == before
    assert ingest(ws, "orders", f).rows_stored == 1000  # and the workspace still works


def test_errors_carry_location(ws, tmp_path: Path) -> None:
    f = write(tmp_path / "x.csv", "order_id\nO1\n")
    with pytest.raises(MissingColumn) as info:
        ingest(ws, "orders", f)
    assert info.value.file == str(f) and info.value.column == "customer_id"
    with pytest.raises(UnreadableFile) as info2:
        ingest(ws, "orders", tmp_path / "none.csv")
    assert info2.value.file == str(tmp_path / "none.csv")
