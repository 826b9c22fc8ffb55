"""The Zendesk importer on hand-made API pages, a full-export NDJSON file and Fivetran's seeds.

Expected values are read off the files in tests/data/importers/zendesk by hand (see its
README): tickets.json holds tickets 101-108 (108 came in through the API: channel "api",
not a cxkit channel, so it is quarantined); ticket_metrics.json the metrics of 101, 102,
103 and 105; users.json three end-users and one agent; tickets.ndjson tickets 201-204
(202 was created on 30 February); fivetran_*.csv are Fivetran's dbt_zendesk_source seeds.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from cxkit.errors import UnreadableFile
from cxkit.importers import IMPORTERS, import_files
from cxkit.ingest import IngestResult
from cxkit.store import Workspace

Loaded = tuple[Workspace, list[IngestResult]]

DATA = Path(__file__).parents[1] / "data" / "importers"
ZD = DATA / "zendesk"
API = [ZD / "tickets.json", ZD / "ticket_metrics.json", ZD / "users.json"]


def _counts(results: list[IngestResult]) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {
        (r.table, Path(r.file).name): (r.rows_read, r.rows_stored, r.rows_quarantined)
        for r in results
    }


def _plain(column: pd.Series) -> dict:
    """Return a column as a dict, missing values as None (pandas reads them back as NaN)."""
    return {k: None if pd.isna(v) else v for k, v in column.items()}


def _tickets(ws: Workspace) -> pd.DataFrame:
    return ws.to_pandas("tickets").set_index("ticket_id").sort_index()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """Tickets, their metrics and users, imported once together (the tests only read)."""
    with Workspace(tmp_path_factory.mktemp("zendesk") / "ws", create=True) as ws:
        yield ws, import_files(ws, "zendesk", API)


def test_zendesk_is_registered() -> None:
    assert IMPORTERS["zendesk"].name == "zendesk"
    assert "developer.zendesk.com" in IMPORTERS["zendesk"].reference


def test_zendesk_api_counts(api: Loaded) -> None:
    ws, results = api
    # The metrics file is read into its tickets' rows: every metric has its ticket here.
    assert _counts(results) == {
        ("customers", "users.json"): (4, 4, 0),
        ("tickets", "tickets.json"): (8, 7, 1),
    }
    assert [r.table for r in results] == ["customers", "tickets"]
    assert ws.count("tickets") == 7
    assert ws.count("customers") == 4


def test_zendesk_tickets_hand_checked(api: Loaded) -> None:
    t = _tickets(api[0])
    assert t.index.tolist() == ["101", "102", "103", "104", "105", "106", "107"]
    assert t.channel.to_dict() == {
        "101": "web",
        "102": "email",
        "103": "chat",
        "104": "phone",  # voice
        "105": "app",  # mobile_sdk
        "106": "social",  # twitter
        "107": "chat",  # native_messaging
    }
    # satisfaction_rating.score: good, bad, offered, unoffered, (none), unoffered, unoffered
    assert _plain(t.csat) == {
        "101": 5,
        "102": 1,
        "103": None,
        "104": None,
        "105": None,
        "106": None,
        "107": None,
    }
    assert t.customer_id.to_dict() == {
        "101": "9001",
        "102": "9002",
        "103": "9001",
        "104": "9003",
        "105": "9002",
        "106": "9003",
        "107": "9001",
    }
    assert t.agent_id.fillna("-").tolist() == ["501", "502", "501", "503", "-", "502", "501"]
    # The first tag; 103 has none.
    assert t.topic.fillna("-").tolist() == [
        "billing",
        "shipping",
        "-",
        "returns",
        "account",
        "shipping",
        "warranty",
    ]
    assert t.loc["101"].created_at == datetime(2024, 3, 1, 9, 0, 0)
    assert t.loc["104"].created_at == datetime(2024, 3, 4, 16, 45, 0)


def test_zendesk_first_reply_and_resolution_from_metrics(api: Loaded) -> None:
    t = _tickets(api[0])
    # 101: created 09:00, reply_time_in_minutes.calendar 42.
    assert t.loc["101"].first_response_at == datetime(2024, 3, 1, 9, 42, 0)
    assert t.loc["101"].resolved_at == datetime(2024, 3, 1, 15, 30, 0)
    # 102: reply_time_in_seconds.calendar 5430 (1 h 30 min 30 s) wins over the 91 minutes.
    assert t.loc["102"].first_response_at == datetime(2024, 3, 2, 15, 50, 30)
    assert t.loc["102"].resolved_at == datetime(2024, 3, 4, 10, 0, 0)
    # 103: 2 whole minutes would be 10:02:00, after its solve at 10:01:30: the reply was
    # sent as it was solved.
    assert t.loc["103"].first_response_at == datetime(2024, 3, 3, 10, 1, 30)
    assert t.loc["103"].resolved_at == datetime(2024, 3, 3, 10, 1, 30)
    # 105: no reply yet, not solved; 104, 106, 107 have no metrics.
    assert t[["first_response_at", "resolved_at"]].isna().sum().to_dict() == {
        "first_response_at": 4,
        "resolved_at": 4,
    }
    # contacts = reopens + 1: 102 was reopened once.
    assert t.contacts.dropna().astype(int).to_dict() == {"101": 1, "102": 2, "103": 1, "105": 1}


def test_zendesk_unknown_channel_is_quarantined_with_its_reason(api: Loaded) -> None:
    q = api[0].to_pandas("quarantine")
    assert len(q) == 1
    bad = q.iloc[0]
    assert Path(bad.source_file).name == "tickets.json"
    assert (bad.table_name, bad.row_number, bad.column_name) == ("tickets", 8, "channel")
    assert bad.reason.startswith("channel: 'api' is not one of channels (web, app,")
    raw = json.loads(bad.raw)
    assert (raw["id"], raw["via.channel"], raw["subject"]) == (
        "108",
        "api",
        "Contact form: invoice copy",
    )


def test_zendesk_api_channel_loads_once_the_vocabulary_has_it(tmp_path: Path) -> None:
    Workspace(tmp_path / "ws", create=True).close()
    (tmp_path / "ws" / "cx.toml").write_text('[vocabularies]\nchannels = ["api"]\n')
    with Workspace(tmp_path / "ws") as ws:
        results = import_files(ws, "zendesk", [ZD / "tickets.json"])
        assert _counts(results) == {("tickets", "tickets.json"): (8, 8, 0)}
        assert _tickets(ws).loc["108"].channel == "api"


def test_zendesk_customers_from_users(api: Loaded) -> None:
    c = api[0].to_pandas("customers").set_index("customer_id").sort_index()
    assert c.index.tolist() == ["501", "9001", "9002", "9003"]
    assert c.loc["9001"]["name"] == "Ana Souza"
    assert c.loc["9003"].email == "chloe.martin@example.fr"
    assert c.loc["9001"].phone == "+55 11 91234-5678"
    assert c.loc["9002"].created_at == datetime(2024, 1, 15, 18, 30, 0)
    assert c.role.to_dict() == {
        "501": "agent",
        "9001": "end-user",
        "9002": "end-user",
        "9003": "end-user",
    }


def test_zendesk_full_export_ndjson(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws", create=True) as ws:
        results = import_files(ws, "zendesk", [ZD / "tickets.ndjson"])
        assert _counts(results) == {("tickets", "tickets.ndjson"): (4, 3, 1)}
        t = _tickets(ws)
        assert t.index.tolist() == ["201", "203", "204"]
        assert t.channel.tolist() == ["email", "chat", "phone"]
        assert list(_plain(t.csat).values()) == [5, 1, None]
        q = ws.to_pandas("quarantine")
        assert q[["row_number", "column_name", "reason"]].values.tolist() == [
            [2, "created_at", "created_at: expected a timestamp, got '2024-02-30T10:00:00Z'"]
        ]


def test_zendesk_fivetran_seeds(tmp_path: Path) -> None:
    files = [
        ZD / "fivetran_ticket_data.csv",
        ZD / "ticket_metrics.csv",
        ZD / "fivetran_user_data.csv",
    ]
    with Workspace(tmp_path / "ws", create=True) as ws:
        results = import_files(ws, "zendesk", files)
        assert _counts(results) == {
            ("customers", "fivetran_user_data.csv"): (10, 10, 0),
            ("tickets", "fivetran_ticket_data.csv"): (10, 10, 0),
        }
        t = _tickets(ws)
        assert t.channel.value_counts().to_dict() == {"email": 9, "web": 1}
        first = t.loc["1595"]
        # Fivetran writes UTC without an offset.
        assert first.created_at == datetime(2020, 2, 19, 1, 54, 52)
        assert (first.channel, first.customer_id) == ("web", "396331237134")
        assert pd.isna(first.agent_id)
        # ticket_metrics.csv: 95 minutes to the first reply, never reopened.
        assert t.loc["16988"].first_response_at == datetime(2020, 12, 22, 1, 54, 23)
        assert t.loc["16988"].resolved_at == datetime(2020, 12, 23, 10, 0, 0)
        assert t.loc["16988"].contacts == 1
        # 1440 minutes is one day; reopened twice.
        assert t.loc["14173"].first_response_at == datetime(2020, 10, 29, 12, 3, 2)
        assert t.loc["14173"].contacts == 3
        # Solved without a public reply.
        assert pd.isna(t.loc["1966"].first_response_at)
        assert t.loc["1966"].resolved_at == datetime(2020, 2, 28, 7, 0, 0)
        assert t.status.value_counts().to_dict() == {"closed": 6, "deleted": 3, "solved": 1}
        c = ws.to_pandas("customers").set_index("customer_id")
        assert c.role.value_counts().to_dict() == {"end-user": 8, "admin": 1, "agent": 1}
        assert ws.to_pandas("quarantine").empty


def test_zendesk_files_are_told_by_content_not_name(tmp_path: Path) -> None:
    shutil.copy(ZD / "tickets.json", tmp_path / "export-1.txt")
    with gzip.open(tmp_path / "tickets.json.gz", "wb") as out:  # users, despite the name
        out.write((ZD / "users.json").read_bytes())
    with Workspace(tmp_path / "ws", create=True) as ws:
        results = import_files(
            ws, "zendesk", [tmp_path / "export-1.txt", tmp_path / "tickets.json.gz"]
        )
        assert _counts(results) == {
            ("customers", "tickets.json.gz"): (4, 4, 0),
            ("tickets", "export-1.txt"): (8, 7, 1),
        }


def test_zendesk_metrics_alone_load_as_their_tickets(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws", create=True) as ws:
        results = import_files(ws, "zendesk", [ZD / "ticket_metrics.json"])
        assert _counts(results) == {("tickets", "ticket_metrics.json"): (4, 4, 0)}
        t = _tickets(ws)
        assert t.index.tolist() == ["101", "102", "103", "105"]
        # created_at is the metric record's, which Zendesk makes with the ticket.
        assert t.loc["102"].created_at == datetime(2024, 3, 2, 14, 20, 0)
        assert t.loc["102"].first_response_at == datetime(2024, 3, 2, 15, 50, 30)
        assert t.channel.isna().all()


def test_zendesk_tickets_after_their_metrics_merge(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws", create=True) as ws:
        import_files(ws, "zendesk", [ZD / "ticket_metrics.json"])
        (result,) = import_files(ws, "zendesk", [ZD / "tickets.json"])
        assert (result.rows_inserted, result.rows_updated) == (3, 4)
        t = _tickets(ws)
        assert t.loc["102"].channel == "email"
        assert t.loc["102"].first_response_at == datetime(2024, 3, 2, 15, 50, 30)


def test_zendesk_import_again_updates_in_place(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws", create=True) as ws:
        import_files(ws, "zendesk", API[:2])
        # The timestamp fields the first import added (metric_set_assigned_at...) take them again.
        (again,) = import_files(ws, "zendesk", API[:2])
        assert (again.rows_inserted, again.rows_updated) == (0, 7)
        assert ws.count("tickets") == 7


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("orgs.json", '{"organizations": [{"id": 1, "name": "Acme"}], "count": 1}', "not Zendesk"),
        ("convs.json", (DATA / "intercom" / "conversations.json").read_text(), "not Zendesk"),
        (
            "cut.ndjson",
            '{"id": 1, "requester_id": 2}\n{"id": 3, "requester_id": 4}\n{"id": 5,',
            "line 3 is not JSON",
        ),
        ("bad.json", '{"tickets": [{"id": 1,}]}', "not JSON"),
        ("list.json", '{"tickets": [1, 2]}', "record 1 is 1, not a JSON object"),
        (
            "ragged.csv",
            "id,requester_id,created_at\n1,2,2024-01-01\n3,4\n",
            "data row 2 has 2 fields",
        ),
        ("empty.csv", "\n", "the file is empty"),
    ],
)
def test_zendesk_wrong_layout_names_the_file(
    tmp_path: Path, name: str, text: str, words: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with Workspace(tmp_path / "ws", create=True) as ws, pytest.raises(UnreadableFile) as err:
        import_files(ws, "zendesk", [path])
    assert str(path) in str(err.value)
    assert words in str(err.value)
    assert err.value.file == str(path)


def test_zendesk_organizations_seed_is_not_a_zendesk_export(tmp_path: Path) -> None:
    path = ZD / "fivetran_organization_data.csv"
    with Workspace(tmp_path / "ws", create=True) as ws, pytest.raises(UnreadableFile) as err:
        import_files(ws, "zendesk", [path])
    assert f"{path}: not Zendesk tickets, ticket metrics or users" in str(err.value)
    assert "shared_tickets" in str(err.value)


def test_zendesk_csv_keeps_multiline_text(tmp_path: Path) -> None:
    header = (ZD / "fivetran_ticket_data.csv").read_text().splitlines()[0]
    row = (
        '7,2024-01-02 00:00:00.000,FALSE,55,1,2024-01-01 10:00:00,"Line one\nline two",,,,3,'
        'FALSE,TRUE,4,high,,,88,open,"Refund, please\nsecond line",88,,5,question,'
        "2024-01-01 11:00:00,https://x.zendesk.com/api/v2/tickets/7.json,chat,,,,,,[],,,"
    )
    path = tmp_path / "tickets.csv"
    path.write_text(f"{header}\n{row}\n")
    with Workspace(tmp_path / "ws", create=True) as ws:
        assert _counts(import_files(ws, "zendesk", [path])) == {
            ("tickets", "tickets.csv"): (1, 1, 0)
        }
        t = _tickets(ws)
        assert t.loc["7"].subject == "Refund, please\nsecond line"
        assert (t.loc["7"].channel, t.loc["7"].priority) == ("chat", "high")


def test_zendesk_custom_fields(api: Loaded) -> None:
    ws, _ = api
    tickets = ws.table("tickets")
    got = tickets.select(
        "ticket_id", "priority", "status", "tags", "custom_fields_360100", "due_at"
    )
    t = got.to_pandas().set_index("ticket_id").sort_index()
    assert t.priority.fillna("-").tolist() == [
        "normal",
        "high",
        "-",
        "normal",
        "low",
        "-",
        "urgent",
    ]
    assert t.status.tolist() == ["solved", "solved", "solved", "closed", "open", "pending", "open"]
    assert json.loads(t.loc["102"].tags) == ["shipping", "late_delivery"]
    assert t.custom_fields_360100.fillna("-").tolist() == [
        "premium",
        "basic",
        "-",
        "basic",
        "-",
        "-",
        "-",
    ]
    # A task's due date may lie ahead: kept as text, so its ticket is not quarantined.
    assert t.loc["107"].due_at == "2031-06-30T17:00:00Z"
    replies = tickets.select("ticket_id", "metric_set_replies").to_pandas().dropna()
    assert dict(zip(replies.ticket_id, replies.metric_set_replies, strict=True)) == {
        "101": 2,
        "102": 3,
        "103": 1,
        "105": 0,
    }
    customers = ws.table("customers").select("customer_id", "user_fields_plan").to_pandas()
    assert _plain(customers.set_index("customer_id").user_fields_plan) == {
        "9001": "premium",
        "9002": "basic",
        "9003": "basic",
        "501": None,
    }
