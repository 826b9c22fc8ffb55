"""The Shopify orders importer on a hand-made export in the admin's exact layout.

Expected values are read off tests/data/importers/shopify/orders_export.csv by hand: six
orders (#1006 down to #1001, newest first) with eleven line items; #1006's Total was
re-typed with a decimal comma ("39,24"), so that order is quarantined.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from cxkit.errors import UnreadableFile
from cxkit.importers import IMPORTERS, import_files
from cxkit.ingest import IngestResult
from cxkit.store import Workspace

#: A workspace and what importing into it returned.
Loaded = tuple[Workspace, list[IngestResult]]

DATA = Path(__file__).parents[1] / "data" / "importers"
EXPORT = DATA / "shopify" / "orders_export.csv"


def _by_table(results: list[IngestResult]) -> dict[str, tuple[int, int, int]]:
    return {r.table: (r.rows_read, r.rows_stored, r.rows_quarantined) for r in results}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The export imported once into a fresh workspace (the tests below only read it)."""
    with Workspace(tmp_path_factory.mktemp("shopify") / "ws", create=True) as ws:
        yield ws, import_files(ws, "shopify", [EXPORT])


def test_shopify_counts_per_table(loaded: Loaded) -> None:
    ws, results = loaded
    # 6 orders (1 bad amount), 11 line items, 5 customers: dan, the phone-only COD buyer,
    # carla, ada (2 orders), ben.
    assert _by_table(results) == {
        "orders": (6, 5, 1),
        "order_items": (11, 11, 0),
        "customers": (5, 5, 0),
    }
    assert ws.count("orders") == 5
    assert ws.count("order_items") == 11
    assert ws.count("customers") == 5


def test_shopify_orders_hand_checked(loaded: Loaded) -> None:
    ws, _ = loaded
    orders = ws.to_pandas("orders").set_index("order_id")
    assert sorted(orders.index) == ["#1001", "#1002", "#1003", "#1004", "#1005"]

    first = orders.loc["#1001"]
    assert first.customer_id == "ada@example.com"
    assert first.amount == pytest.approx(54.15)
    # "2024-01-05 10:00:00 -0500" is 15:00 UTC.
    assert first.ts == datetime(2024, 1, 5, 15, 0, 0)
    assert (first.channel, first.status) == ("web", "completed")
    # POS order at 18:30 -0500, the evening before midnight UTC.
    assert orders.loc["#1003"].ts == datetime(2024, 1, 8, 23, 30, 0)

    assert orders.channel.fillna("-").to_dict() == {
        "#1001": "web",
        "#1002": "-",  # shopify_draft_order: keyed in by staff, channel unknown
        "#1003": "store",  # pos
        "#1004": "app",  # iphone
        "#1005": "-",  # a sales-channel app id (5690175)
    }
    assert orders.status.to_dict() == {
        "#1001": "completed",  # paid
        "#1002": "pending",  # authorized
        "#1003": "completed",
        "#1004": "returned",  # refunded in full
        "#1005": "cancelled",  # voided, Cancelled at set
    }
    # Upper-case e-mail is lower-cased; the order without an e-mail goes by its phone.
    assert orders.loc["#1002"].customer_id == "ben@example.com"
    assert orders.loc["#1005"].customer_id == "+15555550123"


def test_shopify_repeated_rows_do_not_blank_the_order(loaded: Loaded) -> None:
    ws, _ = loaded
    orders = ws.to_pandas("orders").set_index("order_id")
    # #1003 has three rows; the second and third leave every order field blank.
    pos = orders.loc["#1003"]
    assert pos.amount == pytest.approx(75.97)
    assert pos.status == "completed"
    assert pos.customer_id == "ada@example.com"
    assert pos.ts == datetime(2024, 1, 8, 23, 30, 0)


def test_shopify_order_items_lines(loaded: Loaded) -> None:
    ws, _ = loaded
    items = ws.to_pandas("order_items").sort_values(["order_id", "line"])
    rows = [
        (r.order_id, r.line, r.product_id, r.category, r.quantity, r.price)
        for r in items.itertuples()
    ]
    assert rows == [
        ("#1001", 1, "NAP-LIN-4", "Harbor Linen", 2, 18.0),
        ("#1001", 2, "CAN-BEE-1", "Hive & Wick", 1, 14.0),
        ("#1002", 1, "THR-WOL-GRY", "Harbor Linen", 2, 50.0),
        ("#1003", 1, "MUG-STN-SND", "Clay Co", 1, 25.0),
        ("#1003", 2, "CAN-BEE-1", "Hive & Wick", 2, 14.0),
        ("#1003", 3, "NAP-LIN-4", "Harbor Linen", 1, 18.0),
        ("#1004", 1, "THR-WOL-GRY", "Harbor Linen", 2, 50.0),
        ("#1004", 2, "Gift Wrap", "Harbor Home", 1, 3.0),  # no SKU: the item's name
        ("#1005", 1, "MUG-STN-SND", "Clay Co", 1, 25.0),
        # The quarantined order's items are stored: their own values are fine.
        ("#1006", 1, "NAP-LIN-4", "Harbor Linen", 1, 18.0),
        ("#1006", 2, "CAN-BEE-1", "Hive & Wick", 1, 14.0),
    ]


def test_shopify_customers(loaded: Loaded) -> None:
    ws, _ = loaded
    customers = ws.to_pandas("customers").set_index("customer_id")
    ada = customers.loc["ada@example.com"]
    # Name and consent from her latest order (#1003, POS: "Ada Lovelace", "no"); the
    # phone only #1001 has; created_at = her earliest order (#1001), 15:00 UTC.
    assert ada["name"] == "Ada Lovelace"
    assert not ada.consent_marketing
    assert ada.phone == "+1 617 555 0100"
    assert ada.created_at == datetime(2024, 1, 5, 15, 0, 0)
    assert (ada.email, ada.country) == ("ada@example.com", "US")

    cod = customers.loc["+15555550123"]
    assert cod["name"] == "Eve Example"
    assert cod.phone == "+15555550123"
    assert pd.isna(cod.email)  # none in the export
    assert customers.loc["carla@example.com"].country == "CA"
    assert bool(customers.loc["dan@example.com"].consent_marketing)


def test_shopify_bad_record_is_quarantined_with_its_reason(loaded: Loaded) -> None:
    ws, _ = loaded
    q = ws.to_pandas("quarantine")
    assert len(q) == 1
    bad = q.iloc[0]
    assert (bad.table_name, bad.row_number, bad.column_name) == ("orders", 1, "amount")
    assert bad.reason == "amount: expected a finite number, got '39,24'"
    assert '"Name":"#1006"' in bad.raw.replace(": ", ":")


def test_shopify_second_export_merges(ws: Workspace) -> None:
    import_files(ws, "shopify", [EXPORT])
    again = _by_table(import_files(ws, "shopify", [EXPORT]))
    assert again == {"orders": (6, 5, 1), "order_items": (11, 11, 0), "customers": (5, 5, 0)}
    assert (ws.count("orders"), ws.count("order_items"), ws.count("customers")) == (5, 11, 5)
    assert ws.count("quarantine") == 1  # the file's earlier quarantine is replaced


def test_shopify_reads_gzip(ws: Workspace, tmp_path: Path) -> None:
    packed = tmp_path / "orders_export.csv.gz"
    packed.write_bytes(gzip.compress(EXPORT.read_bytes()))
    assert _by_table(import_files(ws, "shopify", [packed]))["order_items"] == (11, 11, 0)


def test_shopify_wrong_layout_names_the_file(ws: Workspace) -> None:
    other = DATA / "typeform" / "responses_nps.csv"
    with pytest.raises(UnreadableFile, match="not a Shopify orders export") as info:
        import_files(ws, "shopify", [other])
    assert str(other) in str(info.value)
    assert info.value.file == str(other)
    assert ws.count("orders") == 0


def test_shopify_ragged_row_names_file_and_record(ws: Workspace, tmp_path: Path) -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "orders_export.csv"
    broken.write_text("\n".join([lines[0], lines[1] + ",extra,fields"]) + "\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"record 1 \(line 2\) has 81 fields") as info:
        import_files(ws, "shopify", [broken])
    assert info.value.file == str(broken)


def test_shopify_header_only_export_loads_nothing(ws: Workspace, tmp_path: Path) -> None:
    empty = tmp_path / "orders_export.csv"
    empty.write_text(EXPORT.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert import_files(ws, "shopify", [empty]) == []
    assert ws.fields("orders") == {}


def test_shopify_is_registered() -> None:
    assert IMPORTERS["shopify"].title.startswith("Shopify orders export")


def test_shopify_custom_fields(loaded: Loaded) -> None:
    ws, _ = loaded
    orders = ws.table("orders")
    tags = orders.select("order_id", "tags").to_pandas().set_index("order_id").tags
    assert tags.fillna("").to_dict() == {
        "#1001": "newsletter, first-order",
        "#1002": "wholesale, net30",
        "#1003": "vip",
        "#1004": "gift",
        "#1005": "cod",
    }
    kept = orders.select("order_id", "currency", "discount_code", "source", "subtotal")
    frame = kept.to_pandas().set_index("order_id")
    assert frame.loc["#1004", "currency"] == "CAD"
    assert frame.loc["#1001", "discount_code"] == "WELCOME10"
    assert frame.loc["#1005", "source"] == "5690175"
    # Money fields are numbers even where every amount is whole.
    assert frame.loc["#1002", "subtotal"] == pytest.approx(100.0)
    assert str(orders.schema()["subtotal"]).startswith("float64")
    # Street addresses and contact details are not copied onto orders.
    assert "billing_street" not in orders.columns
    assert "email" not in orders.columns
