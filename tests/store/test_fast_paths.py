"""The workspace's fast paths agree with the general ones, and it records what code touches."""

from __future__ import annotations

from datetime import datetime

import ibis
import pyarrow as pa

from cxkit.store import Workspace


def _orders(ids: list[str], amounts: list[float]) -> pa.Table:
    return pa.table(
        {
            "order_id": ids,
            "customer_id": ["c1"] * len(ids),
            "ts": [datetime(2025, 1, 1)] * len(ids),
            "amount": amounts,
            "channel": ["web"] * len(ids),
            "status": [None] * len(ids),
        }
    )


def test_arrow_upsert_replaces_by_key_like_the_general_path(tmp_path) -> None:
    fast, slow = Workspace(tmp_path / "a", create=True), Workspace(tmp_path / "b", create=True)
    with fast, slow:
        for ws, shape in ((fast, lambda t: t), (slow, lambda t: t.to_pandas())):
            ws.upsert("orders", shape(_orders(["o1", "o2"], [10.0, 20.0])))
            ws.upsert("orders", shape(_orders(["o2", "o3"], [25.0, 30.0])))
        got = [
            ws.table("orders").order_by("order_id").select("order_id", "amount").to_pyarrow()
            for ws in (fast, slow)
        ]
        assert got[0].to_pylist() == got[1].to_pylist()
        assert got[0].column("amount").to_pylist() == [10.0, 25.0, 30.0]


def test_arrow_merge_keeps_what_a_null_does_not_say_like_the_general_path(tmp_path) -> None:
    fast, slow = Workspace(tmp_path / "a", create=True), Workspace(tmp_path / "b", create=True)
    later = _orders(["o2", "o3"], [25.0, 30.0]).drop_columns(["channel"])
    later = later.set_column(3, "amount", pa.array([None, 30.0], pa.float64()))
    with fast, slow:
        for ws, shape in ((fast, lambda t: t), (slow, ibis.memtable)):
            ws.merge("orders", shape(_orders(["o1", "o2"], [10.0, 20.0])))
            ws.merge("orders", shape(later))
        got = [
            ws.table("orders").order_by("order_id").select("order_id", "amount", "channel")
            for ws in (fast, slow)
        ]
        rows = [g.to_pyarrow().to_pylist() for g in got]
    assert rows[0] == rows[1]
    # o2: no amount in the later rows (null) and no channel column: both kept from the first.
    assert [(r["amount"], r["channel"]) for r in rows[0]] == [
        (10.0, "web"),
        (20.0, "web"),
        (30.0, None),
    ]


def test_arrow_upsert_in_a_failed_transaction_leaves_nothing(tmp_path) -> None:
    with Workspace(tmp_path, create=True) as ws:
        ws.upsert("orders", _orders(["o1"], [1.0]))
        try:
            with ws.transaction():
                ws.upsert("orders", _orders(["o1", "o2"], [5.0, 6.0]))
                raise RuntimeError("half-way")
        except RuntimeError:
            pass
        rows = ws.table("orders").select("order_id", "amount").to_pyarrow().to_pylist()
        assert rows == [{"order_id": "o1", "amount": 1.0}]


def test_run_reuses_one_expression_over_new_inputs(tmp_path) -> None:
    template = ibis.table({"x": "int64"}, name="_cx_input")
    expr = template.mutate(y=template.x * 2).filter(template.x > 1)
    with Workspace(tmp_path, create=True) as ws:
        first = ws.run(expr, {"_cx_input": pa.table({"x": [1, 2, 3]})})
        second = ws.run(expr, {"_cx_input": pa.table({"x": [5]})})
    assert first.column("y").to_pylist() == [4, 6]
    assert second.column("y").to_pylist() == [10]


def test_tracking_records_reads_and_writes(tmp_path) -> None:
    with Workspace(tmp_path, create=True) as ws:
        with ws.tracking() as access:
            ws.count("tickets")
            ws.upsert("orders", _orders(["o1"], [1.0]))
        ws.count("responses")  # after the block: not recorded
    assert access.reads == {"tickets"}
    assert access.writes == {"orders"}


def test_arrow_append_goes_by_name_past_custom_fields(tmp_path) -> None:
    """A table holding custom fields (after the schema's columns) still takes fast appends.

    The demo's answers arrive with Delighted's custom properties; survey answers given on
    the web are appended afterwards, and failed as a column-count mismatch (503s).
    """
    with Workspace(tmp_path, create=True) as ws:
        ws.add_fields("orders", {"coupon": "string"})
        ws.append("orders", _orders(["o1"], [5.0]).append_column("seq", pa.array([7])))
        row = ws.table("orders").to_pyarrow().to_pylist()[0]
    assert (row["order_id"], row["amount"], row["seq"], row["coupon"]) == ("o1", 5.0, 7, None)
