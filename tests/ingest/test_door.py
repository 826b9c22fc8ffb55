"""Numbers and text at the door (issue 16): what can never be stored is quarantined."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cxkit.errors import ConfigError
from cxkit.ingest import ingest
from cxkit.store import Workspace
from tests.conftest import write

ORDER_HEAD = "order_id,customer_id,ts,amount"
TICKET_HEAD = "ticket_id,created_at,contacts"
PLAUSIBLE = (
    "is outside the plausible times, 1970-01-01 to 1 day after the load "
    "([ingest] earliest, days_ahead in cx.toml)"
)
EMAIL = "is not an e-mail address (expected name@domain.tld, no spaces)"
OBJECT = 'expected a JSON object like {"key": "value"}, got'

CASES = [
    # table, header, row, column, reason
    (
        "orders",
        ORDER_HEAD,
        "O1,C1,2024-01-01,NaN",
        "amount",
        "amount: expected a finite number, got 'NaN'",
    ),
    (
        "orders",
        ORDER_HEAD,
        "O1,C1,2024-01-01,nan",
        "amount",
        "amount: expected a finite number, got 'nan'",
    ),
    (
        "orders",
        ORDER_HEAD,
        "O1,C1,2024-01-01,Infinity",
        "amount",
        "amount: expected a finite number, got 'Infinity'",
    ),
    (
        "orders",
        ORDER_HEAD,
        "O1,C1,2024-01-01,1e309",
        "amount",
        "amount: expected a finite number, got '1e309'",
    ),
    (
        "orders",
        ORDER_HEAD,
        "O1,C1,2024-01-01,-inf",
        "amount",
        "amount: expected a finite number, got '-inf'",
    ),
    (
        "orders",
        ORDER_HEAD,
        "O1,C1,2024-01-01,true",
        "amount",
        "amount: expected a finite number, got 'true'",
    ),
    (
        "tickets",
        TICKET_HEAD,
        "T1,2024-01-01,true",
        "contacts",
        "contacts: expected an integer, got 'true'",
    ),
    (
        "tickets",
        TICKET_HEAD,
        "T1,2024-01-01,NaN",
        "contacts",
        "contacts: expected an integer, got 'NaN'",
    ),
    (
        "tickets",
        TICKET_HEAD,
        "T1,2024-01-01,1e309",
        "contacts",
        "contacts: expected an integer, got '1e309'",
    ),
    (
        "orders",
        ORDER_HEAD,
        "O\x001,C1,2024-01-01,5",
        "order_id",
        "order_id: 'O\\01' holds a NUL character (\\0)",
    ),
    (
        "orders",
        ORDER_HEAD,
        "O1,C1,1969-12-31 23:59:59,5",
        "ts",
        f"ts: '1969-12-31 23:59:59' {PLAUSIBLE}",
    ),
    ("orders", ORDER_HEAD, "O1,C1,2100-01-01,5", "ts", f"ts: '2100-01-01' {PLAUSIBLE}"),
    (
        "tickets",
        TICKET_HEAD,
        "T1,1900-01-01,1",
        "created_at",
        f"created_at: '1900-01-01' {PLAUSIBLE}",
    ),
    (
        "customers",
        "customer_id,email",
        "C1,ann smith@example.com",
        "email",
        f"email: 'ann smith@example.com' {EMAIL}",
    ),
    ("customers", "customer_id,email", "C1,ann@example", "email", f"email: 'ann@example' {EMAIL}"),
    (
        "customers",
        "customer_id,email",
        "C1,@example.com",
        "email",
        f"email: '@example.com' {EMAIL}",
    ),
    (
        "customers",
        "customer_id,email",
        "C1,ann@@example.com",
        "email",
        f"email: 'ann@@example.com' {EMAIL}",
    ),
    (
        "customers",
        "customer_id,email",
        "C1,ann@example..com",
        "email",
        f"email: 'ann@example..com' {EMAIL}",
    ),
    (
        "customers",
        "customer_id,attributes",
        "C1,nope",
        "attributes",
        f"attributes: {OBJECT} 'nope'",
    ),
    (
        "customers",
        "customer_id,attributes",
        'C1,"[1, 2]"',
        "attributes",
        f"attributes: {OBJECT} '[1, 2]'",
    ),
    (
        "customers",
        "customer_id,attributes",
        'C1,"""text"""',
        "attributes",
        f"attributes: {OBJECT} '\"text\"'",
    ),
    (
        "customers",
        "customer_id,attributes",
        'C1,"{""a"": "',
        "attributes",
        f"attributes: {OBJECT} '{{\"a\": '",
    ),
    (
        "events",
        "event_id,customer_id,ts,touchpoint,properties",
        "E1,C1,2024-01-01,web_home,42",
        "properties",
        f"properties: {OBJECT} '42'",
    ),
]


@pytest.mark.parametrize(("table", "header", "row", "column", "reason"), CASES)
def test_unstorable_value_is_quarantined(ws, tmp_path: Path, table, header, row, column, reason):
    f = write(tmp_path / "in.csv", f"{header}\n{row}\n")
    result = ingest(ws, table, f)
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (1, 0, 1)
    q = ws.to_pandas("quarantine").iloc[0]
    assert (q.source_file, q.row_number, q.column_name, q.reason) == (str(f), 1, column, reason)
    assert ws.count(table) == 0


def test_plausible_values_are_stored(ws, tmp_path: Path) -> None:
    soon = (datetime.now(UTC) + timedelta(hours=12)).strftime("%Y-%m-%d %H:%M:%S")
    f = write(
        tmp_path / "c.csv",
        "customer_id,created_at,email,attributes\n"
        'C1,1970-01-01 00:00:00,ann.smith+cx@mail.example.co.uk,"  {""tier"": [1, 2]}"\n'
        f"C2,{soon},o'neil@example.com,{{}}\n",
    )
    assert ingest(ws, "customers", f).rows_stored == 2
    stored = ws.to_pandas("customers").sort_values("customer_id")
    assert stored.email.tolist() == ["ann.smith+cx@mail.example.co.uk", "o'neil@example.com"]
    assert [json.loads(a) for a in stored.attributes] == [{"tier": [1, 2]}, {}]


def test_plausible_range_comes_from_cx_toml(tmp_path: Path) -> None:
    Workspace(tmp_path / "ws", create=True).close()
    (tmp_path / "ws" / "cx.toml").write_text('[ingest]\nearliest = "2020-01-01"\ndays_ahead = 0\n')
    soon = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    f = write(
        tmp_path / "o.csv",
        f"{ORDER_HEAD}\nO1,C1,2019-12-31,1\nO2,C1,2020-01-01,1\nO3,C1,{soon},1\n",
    )
    with Workspace(tmp_path / "ws") as ws:
        assert ingest(ws, "orders", f).rows_stored == 1
        assert ws.to_pandas("orders").order_id.tolist() == ["O2"]
        q = ws.to_pandas("quarantine").sort_values("row_number")
        words = "the plausible times, 2020-01-01 to 0 days after the load"
        assert q.row_number.tolist() == [1, 3]
        assert all(words in r for r in q.reason)


def test_a_bad_earliest_is_named(tmp_path: Path) -> None:
    Workspace(tmp_path / "ws", create=True).close()
    (tmp_path / "ws" / "cx.toml").write_text('[ingest]\nearliest = "last year"\n')
    f = write(tmp_path / "o.csv", f"{ORDER_HEAD}\nO1,C1,2024-01-01,1\n")
    with Workspace(tmp_path / "ws") as ws, pytest.raises(ConfigError, match="'last year'"):
        ingest(ws, "orders", f)


def test_nul_in_a_cell_quarantines_the_row_not_the_file(ws, tmp_path: Path) -> None:
    f = write(
        tmp_path / "f.csv",
        "feedback_id,ts,source,text\nF1,2024-01-01,review,fine\nF2,2024-01-01,review,bad\x00text\n",
    )
    result = ingest(ws, "feedback", f)
    assert (result.rows_stored, result.rows_quarantined) == (1, 1)
    q = ws.to_pandas("quarantine").iloc[0]
    assert (q.row_number, q.column_name) == (2, "text")
    assert q.reason == "text: 'bad\\0text' holds a NUL character (\\0)"
    assert json.loads(q.raw)["text"] == "bad\x00text"


def test_ndjson_numbers_that_are_not_finite(ws, tmp_path: Path) -> None:
    head = '"customer_id": "C1", "ts": "2024-01-01"'
    lines = [
        f'{{"order_id": "O1", {head}, "amount": 1e309}}',
        f'{{"order_id": "O2", {head}, "amount": NaN}}',
        f'{{"order_id": "O3", {head}, "amount": 2.5}}',
    ]
    result = ingest(ws, "orders", write(tmp_path / "o.ndjson", "\n".join(lines) + "\n"))
    assert (result.rows_stored, result.rows_quarantined) == (1, 2)
    reasons = ws.to_pandas("quarantine").sort_values("row_number").reason.tolist()
    assert reasons == [
        "amount: expected a finite number, got '1e309'",
        "amount: expected a finite number, got 'NaN'",
    ]
