"""`suggest_mapping`: the table, rules, time formats and vocabulary maps it proposes for an
unknown export, and that the TOML it writes loads the file (rows read = stored + quarantined).

Hand-made files are written by the tests; the real ones come from ../shared/data (see its
MANIFEST.md). Expected counts and values are read off the files, not off cxkit.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from cxkit.errors import MappingError, MissingColumn
from cxkit.ingest import IngestResult, Mapping, Suggestion, ingest, suggest_mapping
from cxkit.store import Workspace
from tests.conftest import T, write

# The UCI Online Retail layout (archive.ics.uci.edu/dataset/352/online+retail; the CSV
# copies on Kaggle, e.g. tunguz/online-retail, and Azure's Databricks tutorial quote its
# first rows, used here as they are): one row per invoice line, InvoiceDate month first
# without leading zeros. The rows after them are hand-made in that layout.
RETAIL_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
RETAIL_FIRST = [
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom",
    "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom",
    "536365,84406B,CREAM CUPID HEARTS COAT HANGER,8,12/1/2010 8:26,2.75,17850,United Kingdom",
    "536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850,United Kingdom",
]


def _retail(tmp_path: Path, *, late: bool = True) -> Path:
    """1,200 invoice lines: all on 12/1/2010 (day 1 or month 1?) but the last four.

    Row 600 is a cancellation (quantity -1); rows 1,197-1,200 are on 1/13/2011, a day
    above 12 that only a sample reaching the end of the file sees.
    """
    rows = list(RETAIL_FIRST)
    for i in range(len(rows) + 1, 1_201):
        invoice, day = f"5364{i // 10:02d}", "12/1/2010 9:41"
        if i == 600:
            invoice = "C" + invoice
        if i > 1_196 and late:
            day = "1/13/2011 10:05"
        quantity = -1 if i == 600 else 1 + i % 5
        rows.append(f"{invoice},2{i:04d},ITEM {i},{quantity},{day},1.25,1{i:04d},France")
    return write(tmp_path / "online_retail.csv", "\n".join([RETAIL_HEADER, *rows]) + "\n")


#: An orders export with day-first dates (13/02 settles it) and channels as people write them.
ORDERS = """Order No,Customer ID,Order Date,Total,Sales Channel
A1,C1,03/02/2024 10:15,19.90,E-mail
A2,C2,13/02/2024 09:00,5.00,Phone
A3,C1,28/02/2024 17:45,42.50,In-store
A4,C3,01/03/2024 08:30,7.25,Online
A5,C2,02/03/2024 12:00,3.10,Fax
"""


def _round_trip(s: Suggestion, tmp_path: Path) -> Mapping:
    """Write the suggestion as a file, load it as a user would, and compare."""
    path = tmp_path / "suggested.toml"
    path.write_text(s.to_toml(), encoding="utf-8")
    loaded = Mapping.load(path)
    assert loaded.columns == s.rules()
    assert loaded.fields == s.fields
    assert loaded.table == s.table
    assert loaded.source == s.source
    direct = s.mapping()
    assert (direct.columns, direct.fields, direct.source) == (
        loaded.columns,
        loaded.fields,
        loaded.source,
    )
    return loaded


def _counts(r: IngestResult) -> tuple[int, int, int]:
    assert r.rows_read == r.rows_stored + r.rows_quarantined
    return r.rows_read, r.rows_stored, r.rows_quarantined


def test_day_first_dates_and_channels_as_people_write_them(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", ORDERS)
    s = suggest_mapping(ws, path)
    assert s.table == "orders"
    assert s.rules() == {
        "order_id": "Order No",
        "customer_id": "Customer ID",
        "ts": {"column": "Order Date", "format": "%d/%m/%Y %H:%M"},
        "amount": "Total",
        "channel": {
            "column": "Sales Channel",
            "map": {"E-mail": "email", "In-store": "store", "Online": "web"},
        },
    }
    ts = next(g for g in s.columns if g.target == "ts")
    assert ts.format == "%d/%m/%Y %H:%M"
    assert any("'13/02/2024 09:00' has a day above 12" in n for n in ts.notes)
    channel = next(g for g in s.columns if g.target == "channel")
    assert channel.unmapped == ["Fax"]
    text = s.to_toml()
    assert "# channel: NOT MAPPED" in text and "'Fax'" in text
    assert s.fields == [] and s.missing == [] and s.sample_rows == s.rows == 5

    r = ingest(ws, s.table, path, mapping=_round_trip(s, tmp_path))
    assert _counts(r) == (5, 4, 1)
    got = ws.to_pandas("orders").set_index("order_id")
    assert got.loc["A1", "ts"] == T("2024-02-03T10:15")
    assert got.loc["A2", "ts"] == T("2024-02-13T09:00")
    assert got.loc["A4", "ts"] == T("2024-03-01T08:30")
    assert got.channel.to_dict() == {"A1": "email", "A2": "phone", "A3": "store", "A4": "web"}
    assert got.loc["A3", "amount"] == 42.5
    (reason,) = ws.to_pandas("quarantine").reason
    assert reason.startswith("channel: 'Fax' is not one of channels")


def test_the_sample_reaches_the_end_of_the_file_to_settle_month_first(
    ws: Workspace, tmp_path: Path
) -> None:
    s = suggest_mapping(ws, _retail(tmp_path), "orders")
    assert (s.rows, s.sample_rows) == (1_200, 850)  # rows 1-500, then every 2nd
    ts = next(g for g in s.columns if g.target == "ts")
    assert ts.rule == {"column": "InvoiceDate", "format": "%m/%d/%Y %H:%M"}
    assert any("'1/13/2011 10:05' has a day above 12" in n for n in ts.notes)


def test_without_a_day_above_12_the_format_is_said_to_be_ambiguous(
    ws: Workspace, tmp_path: Path
) -> None:
    s = suggest_mapping(ws, _retail(tmp_path, late=False), "orders")
    ts = next(g for g in s.columns if g.target == "ts")
    assert ts.format == "%d/%m/%Y %H:%M"
    (note,) = [n for n in ts.notes if "AMBIGUOUS" in n]
    assert "also reads as %m/%d/%Y %H:%M (no day above 12)" in note
    assert "AMBIGUOUS" in s.to_toml()


def test_a_required_column_no_header_matches_is_named_with_the_closest_headers(
    ws: Workspace, tmp_path: Path
) -> None:
    s = suggest_mapping(ws, _retail(tmp_path), "orders")
    assert [g.target for g in s.missing] == ["amount"]
    assert s.missing[0].closest[0] == "UnitPrice"
    (problem,) = s.problems()
    assert problem.startswith(
        f"{tmp_path / 'online_retail.csv'}: required column 'amount' of table 'orders': "
        "no header matches it; closest headers: 'UnitPrice', "
    )
    assert "# amount: REQUIRED, and no header matches it; closest headers: 'UnitPrice'" in (
        s.to_toml()
    )
    with pytest.raises(MissingColumn, match="required column 'amount'") as caught:
        s.check()
    assert caught.value.column == "amount"
    # The TOML still loads (the user fills in the line it names).
    assert "amount" not in Mapping.load(_write_toml(s, tmp_path)).columns


def _write_toml(s: Suggestion, tmp_path: Path) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(s.to_toml(), encoding="utf-8")
    return path


def test_invoice_lines_go_to_order_items_with_the_row_as_line(
    ws: Workspace, tmp_path: Path
) -> None:
    path = _retail(tmp_path)
    s = suggest_mapping(ws, path)
    assert s.table == "order_items"
    assert s.rules() == {
        "order_id": "InvoiceNo",
        "line": {"template": "{_row}"},
        "product_id": "StockCode",
        "quantity": "Quantity",
        "price": "UnitPrice",
    }
    assert s.fields == ["Description", "InvoiceDate", "CustomerID", "Country"]
    r = ingest(ws, s.table, path, mapping=_round_trip(s, tmp_path))
    # Row 600 (quantity -1, a cancellation) is below the column's 0.
    assert _counts(r) == (1_200, 1_199, 1)
    items = ws.to_pandas("order_items").set_index("line")
    assert list(items.loc[1, ["order_id", "product_id", "quantity", "price"]]) == [
        "536365",
        "85123A",
        6,
        2.55,
    ]
    assert items.loc[4, "description"] == "HAND WARMER UNION JACK"
    assert items.loc[1_200, "invoicedate"] == "1/13/2011 10:05"  # a text field: not ISO


def test_telco_customers_keep_every_other_column_as_a_custom_field(
    ws: Workspace, tmp_path: Path, shared_data: Path
) -> None:
    path = shared_data / "telco_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
    s = suggest_mapping(ws, path)
    assert s.table == "customers"
    assert s.rules() == {"customer_id": "customerID", "segment": "Contract"}
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert s.fields == [h for h in header if h not in ("customerID", "Contract")]
    assert len(s.fields) == 19
    r = ingest(ws, s.table, path, mapping=_round_trip(s, tmp_path))
    assert _counts(r) == (7_043, 7_043, 0)
    got = ws.to_pandas("customers").set_index("customer_id")
    first = got.loc["7590-VHVEG"]
    assert (first.segment, first.tenure, first.monthlycharges) == ("Month-to-month", 1, 29.85)
    assert int(got.churn.sum()) == 1_869  # MANIFEST.md: Churn Yes = 1,869
    assert got.totalcharges.isna().sum() == 11  # the 11 blank TotalCharges


def test_cdnow_is_read_as_blank_separated_columns_with_a_derived_order_id(
    ws: Workspace, tmp_path: Path, shared_data: Path
) -> None:
    path = shared_data / "cdnow" / "CDNOW_master.txt"
    s = suggest_mapping(ws, path)
    assert (s.table, s.source) == ("orders", {"format": "whitespace"})
    assert s.rules() == {
        "order_id": {"template": "CDNOW_master-{_row}"},
        "customer_id": "customer_id",
        "ts": {"column": "date", "format": "%Y%m%d"},
        "amount": "dollar_value",
    }
    assert s.fields == ["number_of_cds"]
    r = ingest(ws, s.table, path, mapping=_round_trip(s, tmp_path))
    assert _counts(r) == (69_659, 69_659, 0)
    orders = ws.table("orders")
    assert orders.customer_id.nunique().to_pyarrow().as_py() == 23_570  # MANIFEST.md
    first = ws.to_pandas("orders").set_index("order_id").loc["CDNOW_master-1"]
    # The file's first record: 00001 19970101 1 11.77.
    assert (first.customer_id, first.ts, first.amount, first.number_of_cds) == (
        "00001",
        T("1997-01-01"),
        11.77,
        1,
    )


def test_a_process_log_becomes_events_and_its_channels_are_mapped(
    ws: Workspace, tmp_path: Path, shared_data: Path
) -> None:
    path = shared_data / "event_logs" / "receipt.csv"
    s = suggest_mapping(ws, path)
    assert s.table == "events"
    rules = s.rules()
    assert rules["event_id"] == {"template": "receipt-{_row}"}
    assert (rules["customer_id"], rules["ts"], rules["touchpoint"]) == (
        "case:concept:name",
        "time:timestamp",
        "concept:name",
    )
    assert rules["channel"] == {
        "column": "case:channel",
        "map": {"Desk": "store", "Internet": "web", "e-mail": "email"},
    }
    channel = next(g for g in s.columns if g.target == "channel")
    assert channel.unmapped == ["Post"]
    with open(path, newline="", encoding="utf-8") as fh:
        channels = [row["case:channel"] for row in csv.DictReader(fh)]
    # Post (in the sample) and Intern (not in it) are no channel: quarantined.
    unmapped = sum(c in ("Post", "Intern") for c in channels)
    assert unmapped == 314
    r = ingest(ws, s.table, path, mapping=_round_trip(s, tmp_path))
    assert _counts(r) == (len(channels), len(channels) - unmapped, unmapped)
    events = ws.to_pandas("events")
    assert events.channel.value_counts().to_dict() == {"web": 7_478, "store": 657, "email": 128}


def test_olist_orders_have_no_amount_and_their_statuses_are_mapped(
    ws: Workspace, shared_data: Path
) -> None:
    path = shared_data / "olist" / "olist_orders_dataset.csv"
    s = suggest_mapping(ws, path)
    assert s.table == "orders"
    assert s.rules()["ts"] == "order_purchase_timestamp"  # ISO: no format needed
    status = next(g for g in s.columns if g.target == "status")
    assert status.rule == {
        "column": "order_status",
        "map": {
            "canceled": "cancelled",
            "delivered": "completed",
            "invoiced": "pending",
            "shipped": "pending",
        },
    }
    assert status.unmapped == ["unavailable"]
    (problem,) = s.problems()
    assert "required column 'amount' of table 'orders': no header matches it" in problem
    assert "closest headers: 'order_approved_at', " in problem


def test_support_tickets_need_a_creation_time(ws: Workspace, shared_data: Path) -> None:
    path = shared_data / "support_tickets" / "customer_support_tickets.csv"
    s = suggest_mapping(ws, path)
    assert s.table == "tickets"
    rules = s.rules()
    assert rules["ticket_id"] == "Ticket ID"
    assert rules["channel"] == {"column": "Ticket Channel", "map": {"Social media": "social"}}
    assert (rules["first_response_at"], rules["resolved_at"], rules["csat"]) == (
        "First Response Time",
        "Time to Resolution",
        "Customer Satisfaction Rating",
    )
    (missing,) = s.missing
    assert missing.target == "created_at" and missing.closest[0] == "Date of Purchase"
    assert "closest headers: 'Date of Purchase'" in s.problems()[0]


def test_tweets_are_read_leniently_and_their_time_format_found(
    ws: Workspace, shared_data: Path
) -> None:
    s = suggest_mapping(ws, shared_data / "twcs" / "twcs_first5000.csv")
    assert (s.table, s.source) == ("feedback", {"strict": False})
    assert s.rules()["ts"] == {"column": "created_at", "format": "%a %b %d %H:%M:%S %z %Y"}
    (missing,) = s.missing
    assert missing.target == "source"
    assert any('source = { value = "review" }' in n for n in missing.notes)


def test_a_survey_kind_is_taken_from_the_score_column_name(ws: Workspace, tmp_path: Path) -> None:
    path = write(
        tmp_path / "nps.csv",
        "Response ID,Customer ID,Submitted At,NPS Score,Comment\n"
        "R1,C1,2024-05-01 10:00,9,great\nR2,C2,2024-05-02 11:00,4,slow\n",
    )
    s = suggest_mapping(ws, path)
    assert s.table == "responses"
    assert s.rules()["kind"] == {"value": "nps"}
    assert _counts(ingest(ws, "responses", path, mapping=s.mapping())) == (2, 2, 0)
    assert ws.to_pandas("responses").set_index("response_id").score.to_dict() == {"R1": 9, "R2": 4}


def test_headers_and_values_with_quotes_backslashes_and_accents_round_trip(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "odd.csv",
        '"Customer ""ID""",Order\\No,Date,Total,Channel,Remarque é\n'
        'C1,O1,2024-01-05,3.5,"E""mail",déjà\n'
        "C2,O2,2024-01-06,4.5,Web site,non\n",
    )
    s = suggest_mapping(ws, path)
    assert s.rules() == {
        "order_id": "Order\\No",
        "customer_id": 'Customer "ID"',
        "ts": "Date",
        "amount": "Total",
        "channel": {"column": "Channel", "map": {'E"mail': "email", "Web site": "web"}},
    }
    assert s.fields == ["Remarque é"]
    tomllib.loads(s.to_toml())
    r = ingest(ws, s.table, path, mapping=_round_trip(s, tmp_path))
    assert _counts(r) == (2, 2, 0)
    got = ws.to_pandas("orders").set_index("order_id")
    assert got.channel.to_dict() == {"O1": "email", "O2": "web"}
    assert got.remarque.to_dict() == {"O1": "déjà", "O2": "non"}  # field_name drops the é


def test_a_lone_column_of_names_is_not_read_as_blank_separated(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path / "names.csv", "Customer Name\nAnn Lee\nBo Chen\n")
    s = suggest_mapping(ws, path, "customers")
    assert s.source == {}
    assert s.rules() == {"name": "Customer Name"}
    assert [g.target for g in s.missing] == ["customer_id"]


def test_a_file_no_header_of_which_matches_any_table_is_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path / "odd.csv", "qwx,zzv\n1,2\n")
    with pytest.raises(MappingError, match=r"no header matches a column of any table .*qwx, zzv"):
        suggest_mapping(ws, path)


def test_suggesting_writes_nothing_to_the_workspace(ws: Workspace, tmp_path: Path) -> None:
    suggest_mapping(ws, write(tmp_path / "export.csv", ORDERS))
    assert ws.count("orders") == 0 and ws.count("batches") == 0 and ws.count("quarantine") == 0


def test_line_breaks_in_a_header_or_the_file_name_stay_out_of_the_comments(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "two\nlines.csv", '"Order\nNo",Customer ID,Date,Total\nO1,C1,2024-01-05,3.5\n'
    )
    s = suggest_mapping(ws, path)
    assert s.rules()["order_id"] == "Order\nNo"
    naming = [ln for ln in s.to_toml().splitlines() if "lines.csv" in ln]
    assert naming and all(ln.startswith("# ") and "two lines.csv" in ln for ln in naming)
    _round_trip(s, tmp_path)
    assert _counts(ingest(ws, s.table, path, mapping=s.mapping())) == (1, 1, 0)
