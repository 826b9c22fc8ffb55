"""Pain points without any order say nothing of drop-off, rather than "100% no order after"."""

from __future__ import annotations

from pathlib import Path

from cxkit.ingest import ingest
from cxkit.journeys import pain_points
from cxkit.store import Workspace


def test_no_orders_no_drop_off(tmp_path: Path) -> None:
    files = {
        "touchpoints": "touchpoint,channel,stage\nhome,web,research\ncart,web,purchase\n",
        "events": "event_id,customer_id,ts,touchpoint\n"
        "e1,C1,2024-01-01,home\ne2,C1,2024-01-02,cart\ne3,C2,2024-01-01,home\n",
        "orders": "order_id,customer_id,ts,amount\nO1,C1,2024-01-03,10\n",
    }
    with Workspace(tmp_path / "ws", create=True) as ws:
        for table in ("touchpoints", "events"):
            (tmp_path / f"{table}.csv").write_text(files[table])
            ingest(ws, table, tmp_path / f"{table}.csv")
        before = pain_points(ws).set_index("touchpoint")
        assert before.drop_off.isna().all()
        assert not before.evidence.str.contains("no order after").any()
        (tmp_path / "orders.csv").write_text(files["orders"])
        ingest(ws, "orders", tmp_path / "orders.csv")
        after = pain_points(ws).set_index("touchpoint")
    # C1 ordered after both visits, C2 never: home 50%, cart 0%.
    assert after.drop_off.to_dict() == {"cart": 0.0, "home": 50.0}
    assert "50% no order after" in after.evidence["home"]
