"""Customers: search with and without personal data, the profile, the cross-channel timeline."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from cxkit.customers import HIDDEN, customer_profile, customer_timeline, find_customers, mask_pii
from cxkit.ingest import ingest_records
from cxkit.schema import table_spec

T = dt.datetime.fromisoformat


def _stored(ws, table, rows):
    result = ingest_records(ws, table, rows)
    assert not result.rejected, result.rejected


def _derived(ws, table, rows):
    ws.replace(table, pd.DataFrame(rows).reindex(columns=list(table_spec(table).column_names)))


def _raw(ws, table, row):
    """Append one row as it is, past ingest's checks."""
    schema = table_spec(table).ibis_schema().to_pyarrow()
    ws.append(table, pa.Table.from_pylist([row], schema=schema))


@pytest.fixture
def shop(ws):
    _stored(ws, "customers", [
        {"customer_id": "C1", "name": "Ana Lima", "email": "ana@example.com", "phone": "555",
         "country": "PT", "segment": "retail"},
        {"customer_id": "C2", "name": "Bo Chen", "email": "bo@example.com", "country": "SE"},
        {"customer_id": "X9", "name": "Cy Ana", "email": "cy@example.com"},
    ])  # fmt: skip
    _stored(ws, "events", [
        {"event_id": "e1", "customer_id": "C1", "ts": "2025-01-01T09:00:00",
         "touchpoint": "home", "channel": "web"},
        {"event_id": "e2", "customer_id": "C1", "ts": "2025-01-03T09:00:00",
         "touchpoint": "checkout", "channel": "web"},
        {"event_id": "e3", "customer_id": "C2", "ts": "2025-01-02T09:00:00", "touchpoint": "home"},
    ])  # fmt: skip
    _stored(ws, "orders", [
        {"order_id": "o1", "customer_id": "C1", "ts": "2025-01-03T10:00:00", "amount": 12.345,
         "status": "completed", "channel": "web"},
    ])  # fmt: skip
    _stored(ws, "tickets", [
        {"ticket_id": "t1", "customer_id": "C1", "channel": "phone", "agent_id": "A1",
         "topic": "late", "created_at": "2025-01-04T08:00:00",
         "resolved_at": "2025-01-04T09:00:00", "csat": 4},
    ])  # fmt: skip
    _stored(ws, "responses", [
        {"response_id": "r1", "customer_id": "C1", "kind": "nps", "score": 9,
         "comment": "fast", "ts": "2025-01-05T08:00:00", "touchpoint": "checkout"},
    ])  # fmt: skip
    _stored(ws, "feedback", [
        {"feedback_id": "f1", "customer_id": "C1", "ts": "2025-01-06T08:00:00",
         "source": "review", "text": "great shop"},
    ])  # fmt: skip
    _derived(ws, "customer_scores", [
        {"customer_id": "C1", "churn_risk": 0.25, "reasons": '["few orders", "a late delivery"]',
         "clv": 100.0, "rfm_segment": "loyal"},
    ])  # fmt: skip
    _derived(ws, "recommendations", [
        {"customer_id": "C1", "rank": 2, "item": "mugs"},
        {"customer_id": "C1", "rank": 1, "item": "tea"},
    ])  # fmt: skip
    return ws


def test_pii_columns_come_from_the_schema():
    frame = pd.DataFrame({"customer_id": ["C1"], "name": ["Ana"], "email": ["a@b"], "x": [1]})
    masked = mask_pii(frame)
    hidden = set(table_spec("customers").pii_columns) & set(frame.columns)
    assert hidden == {"name", "email"}
    assert (masked[sorted(hidden)] == HIDDEN).all().all()
    assert masked.customer_id.iloc[0] == "C1" and masked.x.iloc[0] == 1
    assert frame.name.iloc[0] == "Ana"  # the input is left alone


def test_search_by_id_and_only_with_pii_by_name_or_email(shop):
    assert list(find_customers(shop, "c")["customer_id"]) == ["C1", "C2"]
    assert find_customers(shop, "ana").empty  # names are not searched without PII rights
    found = find_customers(shop, " ANA ", see_pii=True)
    assert list(found.customer_id) == ["C1", "X9"]
    assert "ana@example.com" in set(found.email)
    hidden = find_customers(shop, "C1")
    assert (hidden.name == HIDDEN).all() and (hidden.email == HIDDEN).all()
    assert len(find_customers(shop, "", see_pii=True, limit=2)) == 2


def test_timeline_crosses_every_channel_newest_first(shop):
    t = customer_timeline(shop, "C1")
    assert list(t.columns) == ["ts", "what", "channel", "where", "detail"]
    assert list(t.what) == ["review", "NPS", "ticket", "order", "visit", "visit"]
    assert t.ts.is_monotonic_decreasing
    rows = t.set_index("what")
    assert rows.loc["order", "detail"] == "12.35 completed"
    assert rows.loc["ticket", "detail"] == "agent A1, resolved, CSAT 4"
    assert rows.loc["NPS", "detail"] == "score 9: fast"
    assert rows.loc["review", "detail"] == "great shop"
    assert len(customer_timeline(shop, "C1", limit=2)) == 2
    assert customer_timeline(shop, "nobody").empty


def test_profile_with_scores_offers_and_hidden_pii(shop):
    seen = customer_profile(shop, "C1", see_pii=True)
    assert seen is not None
    assert seen["profile"].email.iloc[0] == "ana@example.com"
    assert seen["scores"].reasons.iloc[0] == ["few orders", "a late delivery"]
    assert seen["offers"] == ["tea", "mugs"]
    assert len(seen["timeline"]) == 6
    hidden = customer_profile(shop, "C1")
    assert hidden is not None and hidden["profile"].email.iloc[0] == HIDDEN
    bare = customer_profile(shop, "X9")  # in the customers table, nothing else yet
    assert bare is not None and bare["scores"].empty and bare["offers"] == []
    assert customer_profile(shop, "nobody") is None


@pytest.mark.parametrize(
    "odd", ["N\x00L", "\u202eRTL", "emoji \U0001f600", "quote ' and \\ backslash", "x" * 5000]
)
def test_any_text_is_looked_up_as_data(shop, odd):
    # A NUL inside SQL text ends DuckDB's parsing of it. Ingest refuses NULs; a table
    # written some other way may hold them.
    _raw(shop, "customers", {"customer_id": odd, "name": f"name {odd}"})
    _raw(shop, "events", {"event_id": "odd", "customer_id": odd, "ts": T("2025-02-01"),
                          "touchpoint": "home"})  # fmt: skip
    found = customer_profile(shop, odd, see_pii=True)
    assert found is not None and found["profile"].name.iloc[0] == f"name {odd}"
    assert list(found["timeline"].what) == ["visit"]
    assert list(find_customers(shop, odd).customer_id) == [odd]
    assert list(find_customers(shop, f"name {odd}", see_pii=True).customer_id) == [odd]
    assert customer_profile(shop, odd + "\x00") is None
    assert find_customers(shop, "\x00\x00").empty
