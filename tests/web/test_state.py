"""The app's page cache: a write spoils only what read the written table."""

from __future__ import annotations

from datetime import datetime

from cxkit.store import Workspace
from cxkit.web._state import State


def test_a_write_invalidates_only_caches_that_read_its_table(tmp_path) -> None:
    Workspace(tmp_path, create=True).close()
    state = State(tmp_path)
    calls: list[str] = []

    def orders() -> int:
        calls.append("orders")
        return state.workspace().count("orders")

    def tickets() -> int:
        calls.append("tickets")
        return state.workspace().count("tickets")

    try:
        assert state.cached("o", orders) == 0 and state.cached("t", tickets) == 0
        assert state.cached("o", orders) == 0 and state.cached("t", tickets) == 0
        assert calls == ["orders", "tickets"]
        row = {"order_id": "o1", "customer_id": "c1", "ts": datetime(2025, 1, 1), "amount": 5.0}
        with state.writing() as ws:
            ws.upsert("orders", [row])
        assert state.cached("o", orders) == 1  # read orders: recomputed
        assert state.cached("t", tickets) == 0  # read tickets only: kept
        assert calls == ["orders", "tickets", "orders"]
    finally:
        state.close()
