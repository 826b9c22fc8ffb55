"""Shopify's orders export: one CSV row per line item, the order's own fields on its first.

The admin's Orders > Export writes ``orders_export.csv`` (layout: Shopify Help Center,
"Exporting orders"; checked against public real exports, see
``tests/data/importers/shopify/README.md``). The rows of one order share its ``Name``
(``#1001``) and repeat ``Email`` and ``Created at``; its other order fields are blank on all
rows but the first. One file gives three parts:

- ``orders``: order_id = ``Name`` (what staff and customers quote; the numeric ``Id`` is
  kept as a field), customer_id = ``Email`` lower-cased, else the phone (cash-on-delivery
  shops export orders without an e-mail), ts = ``Created at``, amount = ``Total``, channel
  from ``Source`` (`SOURCE_CHANNELS`), status from ``Cancelled at``, ``Financial Status``
  and ``Refunded Amount`` (`FINANCIAL_STATUSES`); the other order columns are custom fields
  (tags, discount code, shipping method, currency, payment method, risk level...).
- ``order_items``: line = 1, 2... within the order in file order, product_id =
  ``Lineitem sku`` (its name where the SKU is blank), category = ``Vendor`` (the export has
  no product type), quantity, price; the other ``Lineitem`` columns are custom fields.
- ``customers``: one row per customer_id; name (``Billing Name``), phone, country
  (``Billing Country``) and consent (``Accepts Marketing``) from their latest order that has
  them; created_at = their earliest order in the file (the export has no sign-up date).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from cxkit.errors import UnreadableFile
from cxkit.importers._base import Importer, Part, register
from cxkit.importers._files import Row, csv_records, read_text
from cxkit.importers._rows import kept_fields, rows_table
from cxkit.ingest import Mapping

__all__ = ["FINANCIAL_STATUSES", "SOURCE_CHANNELS"]

#: ``Financial Status`` -> order status; a blank or unknown one leaves the status empty
#: (the raw value stays in the ``financial_status`` field). A cancelled order is
#: ``cancelled`` and a fully refunded one ``returned`` whatever its financial status.
FINANCIAL_STATUSES: dict[str, str] = {
    "paid": "completed",
    "partially_refunded": "completed",
    "refunded": "returned",
    "pending": "pending",
    "authorized": "pending",
    "partially_paid": "pending",
    "voided": "cancelled",
    "expired": "cancelled",
}

#: ``Source`` -> channel. ``iphone`` and ``android`` are Shopify's names for orders from
#: its mobile apps. Draft orders (``shopify_draft_order``) are keyed in by staff for a
#: phone, e-mail or chat request, which the export does not say, so they get no channel;
#: neither do sales-channel apps (a handle or numeric app id). The raw value stays in the
#: ``source`` field.
SOURCE_CHANNELS: dict[str, str] = {
    "web": "web",
    "pos": "store",
    "iphone": "app",
    "android": "app",
    "shopify_draft_order": "",
}

#: Columns a file must have to be read as an orders export.
_REQUIRED = (
    "Name",
    "Email",
    "Financial Status",
    "Created at",
    "Total",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
)
#: Order-level columns not kept on ``orders``: the customer's contact details and street
#: addresses are personal data the ``customers`` table holds (city, province and country
#: stay, for slicing), and consent is the customer's, not the order's.
_NOT_ORDER_FIELDS = frozenset(
    {
        "Email",
        "Phone",
        "Accepts Marketing",
        *(
            f"{side} {part}"
            for side in ("Billing", "Shipping")
            for part in ("Name", "Street", "Address1", "Address2", "Company", "Zip", "Phone")
        ),
    }
)
#: Line-level columns besides those named ``Lineitem ...``.
_LINE_COLUMNS = frozenset({"Vendor"})
_PHONES = ("Phone", "Billing Phone", "Shipping Phone")
#: Money columns kept as fields (``Total`` and ``Lineitem price`` are canonical columns).
_MONEY = re.compile(
    r"Subtotal|Shipping|Taxes|Discount Amount|Refunded Amount|Outstanding Balance|Duties"
    r"|Tax \d+ Value|Lineitem compare at price|Lineitem discount"
)
#: Columns kept as custom fields of ``customers`` (where the file has them).
_CUSTOMER_FIELDS = ("Billing City", "Billing Province")
_CREATED_FORMAT = "%Y-%m-%d %H:%M:%S %z"

_ORDERS = Mapping(
    columns={
        "order_id": "Name",
        "customer_id": "_customer_id",
        "ts": "Created at",
        "amount": "Total",
        "channel": "_channel",
        "status": "_status",
    },
    fields="rest",
    name="shopify-orders",
    text="shopify orders_export.csv v1: orders (Name, Email/phone, Created at, Total)",
)
_ORDER_ITEMS = Mapping(
    columns={
        "order_id": "Name",
        "line": "_line",
        "product_id": "_product_id",
        "category": "Vendor",
        "quantity": "Lineitem quantity",
        "price": "Lineitem price",
    },
    fields="rest",
    name="shopify-order-items",
    text="shopify orders_export.csv v1: order_items (one row per Lineitem)",
)
_CUSTOMERS = Mapping(
    columns={
        "customer_id": "_customer_id",
        "email": "Email",
        "name": "Billing Name",
        "phone": "_phone",
        "country": "Billing Country",
        "consent_marketing": "Accepts Marketing",
        "created_at": "_first_order_at",
    },
    fields="rest",
    name="shopify-customers",
    text="shopify orders_export.csv v1: customers (by e-mail, else phone)",
)


def _read(paths: Sequence[Path]) -> list[Part]:
    parts: list[Part] = []
    for path in paths:
        header, lines = csv_records(read_text(path), path, by_line=True)
        missing = [c for c in _REQUIRED if c not in header]
        if missing:
            raise UnreadableFile(
                f"{path}: not a Shopify orders export: no {', '.join(missing)} column; "
                f"expected the header of Orders > Export (Name, Email, Financial Status, "
                f"...); the file has: {', '.join(header[:30])}",
                file=str(path),
            )
        if not lines:
            continue  # a header alone: nothing to load, and no values to type fields by
        parts += _parts(path, header, lines)
    return parts


def _parts(path: Path, header: list[str], lines: list[tuple[int, Row]]) -> list[Part]:
    """Split one file's rows into the orders, order_items and customers parts."""
    by_order: dict[str, list[tuple[int, Row]]] = {}
    for number, row in lines:
        # A row without a Name stands alone (its order is quarantined for the missing id).
        by_order.setdefault(row["Name"].strip() or f"\0{number}", []).append((number, row))
    order_columns = [
        c
        for c in header
        if not c.startswith("Lineitem ") and c not in _LINE_COLUMNS | _NOT_ORDER_FIELDS
    ]
    orders: list[tuple[int, Row]] = []
    items: list[tuple[int, Row]] = []
    for group in by_order.values():
        order = _merged(group, header)
        order |= {
            "_customer_id": _customer_id(order),
            "_channel": SOURCE_CHANNELS.get(order.get("Source", "").strip().lower(), ""),
            "_status": _status(order),
        }
        orders.append((group[0][0], order))
        for line, (number, row) in enumerate(group, 1):
            sku = row.get("Lineitem sku", "").strip()
            items.append(
                (number, row | {"_line": str(line), "_product_id": sku or row["Lineitem name"]})
            )
    item_columns = [
        "Name",
        "_line",
        "_product_id",
        *(c for c in header if c.startswith("Lineitem ") or c in _LINE_COLUMNS),
    ]
    customer_columns = [
        *_CUSTOMERS.columns.values(),
        *(c for c in _CUSTOMER_FIELDS if c in header),
    ]
    file = str(path)
    order_columns = ["_customer_id", "_channel", "_status", *order_columns]
    order_rows = rows_table(orders, order_columns, only=True)
    item_rows = rows_table(items, item_columns, only=True)
    return [
        Part("orders", order_rows, file, _typed(_ORDERS, order_rows)),
        Part("order_items", item_rows, file, _typed(_ORDER_ITEMS, item_rows)),
        Part(
            "customers",
            rows_table(_customers(orders), customer_columns, only=True),
            file,
            _CUSTOMERS,
        ),
    ]


def _typed(mapping: Mapping, rows: pa.Table) -> Mapping:
    """Return ``mapping`` keeping every column its rules leave as a field, money as numbers.

    Money columns are declared ``float64``: inferred from one export where every amount is
    whole (``45.00``), they would be integers, and a later ``45.50`` would not fit.
    """
    money = {c: "float64" for c in rows.column_names if _MONEY.fullmatch(c)}
    return dataclasses.replace(
        mapping, fields=kept_fields(rows, set(mapping.columns.values()), money)
    )


def _merged(group: list[tuple[int, Row]], header: list[str]) -> Row:
    """Return an order's fields: each the first non-blank value among its rows."""
    out = dict.fromkeys(header, "")
    for _, row in group:
        for c, value in row.items():
            if not out[c].strip() and value.strip():
                out[c] = value
    return out


def _customer_id(order: Row) -> str:
    email = order["Email"].strip().lower()
    return email or next((p for c in _PHONES if (p := order.get(c, "").strip())), "")


def _status(order: Row) -> str:
    """Return the order status: cancelled, returned (refunded in full) or by financial status.

    Examples
    --------
    >>> _status({"Financial Status": "paid", "Cancelled at": "", "Total": "10.00"})
    'completed'
    >>> _status({"Financial Status": "paid", "Refunded Amount": "10.00", "Total": "10.00"})
    'returned'
    >>> _status({"Financial Status": "voided", "Cancelled at": "2024-01-02 10:00:00 -0500"})
    'cancelled'
    """
    if order.get("Cancelled at", "").strip():
        return "cancelled"
    refunded, total = _number(order.get("Refunded Amount", "")), _number(order.get("Total", ""))
    if refunded is not None and total is not None and 0 < total <= refunded:
        return "returned"
    return FINANCIAL_STATUSES.get(order.get("Financial Status", "").strip().lower(), "")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _created(order: Row) -> datetime | None:
    """Return when an order was placed, for ordering a customer's orders (None if unreadable)."""
    try:
        return datetime.strptime(order["Created at"].strip(), _CREATED_FORMAT)
    except ValueError:
        return None


def _customers(orders: list[tuple[int, Row]]) -> list[tuple[int, Row]]:
    """Return one row per customer, numbered by the file row of their first order in it."""
    by_customer: dict[str, list[tuple[int, Row]]] = {}
    for number, order in orders:
        if order["_customer_id"]:
            by_customer.setdefault(order["_customer_id"], []).append((number, order))
    out = []
    for customer_id, group in by_customer.items():
        dated = [(when, order) for _, order in group if (when := _created(order)) is not None]
        # Latest order first, so its name, phone and consent win; undated orders last.
        latest = [o for _, o in sorted(dated, key=lambda d: d[0], reverse=True)]
        ordered = latest + [o for _, o in group if _created(o) is None]
        # The raw text of the earliest readable date (or the first, which validation flags).
        first = min(dated, key=lambda d: d[0])[1] if dated else group[0][1]

        def pick(*columns: str, ordered: list[Row] = ordered) -> str:
            return next((v for o in ordered for c in columns if (v := o.get(c, "").strip())), "")

        out.append(
            (
                min(n for n, _ in group),
                {
                    "_customer_id": customer_id,
                    "Email": pick("Email").lower(),
                    "Billing Name": pick("Billing Name"),
                    "_phone": pick(*_PHONES),
                    "Billing Country": pick("Billing Country"),
                    "Accepts Marketing": pick("Accepts Marketing"),
                    "_first_order_at": first["Created at"],
                    **{c: pick(c) for c in _CUSTOMER_FIELDS},
                },
            )
        )
    return out


register(
    Importer(
        name="shopify",
        title="Shopify orders export (orders_export.csv): orders, order_items, customers",
        read=_read,
        reference="Shopify Help Center, 'Exporting orders' (Orders > Export, CSV)",
    )
)
