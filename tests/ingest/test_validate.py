"""One bad cell per row -> the reason ingest must give, written out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxkit.ingest import ingest
from tests.conftest import write

TICKET_HEAD = "ticket_id,customer_id,channel,created_at,first_response_at,resolved_at,contacts,csat"
RESPONSE_HEAD = "response_id,kind,score,ts"

CASES = [
    # table, header, row, column, reason
    (  # found by schemathesis through the API: too large for int64 is not an integer
        "tickets",
        TICKET_HEAD,
        "T1,C1,chat,2024-01-01,,,9223372036854775296,5",
        "contacts",
        "contacts: expected an integer, got '9223372036854775296'",
    ),
    (
        "tickets",
        TICKET_HEAD,
        "T1,C1,fax,2024-01-01,,,1,5",
        "channel",
        "channel: 'fax' is not one of channels (web, app, email, phone, chat, store, social)",
    ),
    (
        "tickets",
        TICKET_HEAD,
        "T1,C1,chat,yesterday,,,1,5",
        "created_at",
        "created_at: expected a timestamp, got 'yesterday'",
    ),
    (
        "tickets",
        TICKET_HEAD,
        ",C1,chat,2024-01-01,,,1,5",
        "ticket_id",
        "ticket_id: missing required value",
    ),
    (
        "tickets",
        TICKET_HEAD,
        "T1,C1,chat,2024-01-01 10:00,2024-01-01 09:00,,1,5",
        "first_response_at",
        "first_response_at (2024-01-01 09:00) is before created_at (2024-01-01 10:00)",
    ),
    (
        "tickets",
        TICKET_HEAD,
        "T1,C1,chat,2024-01-02,,2024-01-01,1,",
        "resolved_at",
        "resolved_at (2024-01-01) is before created_at (2024-01-02)",
    ),
    (
        "tickets",
        TICKET_HEAD,
        "T1,C1,chat,2024-01-01,,,0,5",
        "contacts",
        "contacts: 0 is outside 1..inf",
    ),
    ("tickets", TICKET_HEAD, "T1,C1,chat,2024-01-01,,,1,6", "csat", "csat: 6 is outside 1..5"),
    (
        "tickets",
        TICKET_HEAD,
        "T1,C1,chat,2024-01-01,,,1.5,5",
        "contacts",
        "contacts: expected an integer, got '1.5'",
    ),
    (
        "responses",
        RESPONSE_HEAD,
        "R1,nps,11,2024-01-01",
        "score",
        "score: 11 is outside 0..10 for kind nps",
    ),
    (
        "responses",
        RESPONSE_HEAD,
        "R1,csat,0,2024-01-01",
        "score",
        "score: 0 is outside 1..5 for kind csat",
    ),
    (
        "responses",
        RESPONSE_HEAD,
        "R1,ces,8,2024-01-01",
        "score",
        "score: 8 is outside 1..7 for kind ces",
    ),
    (
        "responses",
        RESPONSE_HEAD,
        "R1,stars,3,2024-01-01",
        "kind",
        "kind: 'stars' is not one of score_kinds (nps, csat, ces)",
    ),
    (
        "orders",
        "order_id,customer_id,ts,amount",
        "O1,C1,2024-01-01,-5",
        "amount",
        "amount: -5 is outside 0..inf",
    ),
]


@pytest.mark.parametrize(("table", "header", "row", "column", "reason"), CASES)
def test_bad_cell_is_quarantined_with_reason(
    ws, tmp_path: Path, table, header, row, column, reason
):
    f = write(tmp_path / "in.csv", f"{header}\n{row}\n")
    result = ingest(ws, table, f)
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (1, 0, 1)
    q = ws.to_pandas("quarantine").iloc[0]
    assert (q.row_number, q.column_name, q.reason) == (1, column, reason)
    assert q.source_file == str(f)


@pytest.mark.parametrize(
    ("row", "score"),
    [
        ("R1,nps,0,2024-01-01", 0),
        ("R1,nps,10,2024-01-01", 10),
        ("R1,CSAT,5,2024-01-01", 5),
        ("R1,ces,7,2024-01-01", 7),
    ],
)
def test_scale_bounds_are_inclusive(ws, tmp_path: Path, row: str, score: int) -> None:
    f = write(tmp_path / "in.csv", f"{RESPONSE_HEAD}\n{row}\n")
    assert ingest(ws, "responses", f).rows_stored == 1
    assert ws.to_pandas("responses").score.tolist() == [score]


def test_every_problem_of_a_row_is_reported(ws, tmp_path: Path) -> None:
    f = write(tmp_path / "in.csv", f"{TICKET_HEAD}\nT1,C1,fax,2024-01-01,,,0,9\n")
    ingest(ws, "tickets", f)
    q = ws.to_pandas("quarantine").iloc[0]
    assert q.column_name == "channel,contacts,csat"
    assert q.reason.count(";") == 2


def test_unknown_customers_warn_but_store(ws, tmp_path: Path) -> None:
    ingest(ws, "customers", write(tmp_path / "c.csv", "customer_id\nC1\n"))
    f = write(
        tmp_path / "o.csv",
        "order_id,customer_id,ts,amount\nO1,C1,2024-01-01,5\nO2,C9,2024-01-01,5\n",
    )
    result = ingest(ws, "orders", f)
    assert result.rows_stored == 2
    assert result.warnings and "1 rows reference customer ids" in result.warnings[0]


def test_values_are_normalised(ws, tmp_path: Path) -> None:
    f = write(
        tmp_path / "c.csv",
        "customer_id,consent_marketing,consent_analytics,created_at\n"
        "C1,Yes,0,2024-03-01T10:00:00\nC2,FALSE,y,2024-03-02\n",
    )
    assert ingest(ws, "customers", f).rows_stored == 2
    df = ws.to_pandas("customers").sort_values("customer_id")
    assert df.consent_marketing.tolist() == [True, False]
    assert df.consent_analytics.tolist() == [False, True]
    assert str(df.created_at.iloc[0]) == "2024-03-01 10:00:00"
