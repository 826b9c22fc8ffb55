"""The Intercom importer on a hand-made Conversations API page and an NDJSON file.

Expected values are read off tests/data/importers/intercom by hand (see its README):
conversations.json holds conversations 1001-1006, one per source type (conversation,
email, phone_call, twitter, whatsapp, push); conversations.ndjson holds 2001-2003, and
2002's created_at is the text "yesterday", so it is quarantined. Unix seconds were
turned into UTC by hand: 1709283600 = 19,783 days (2024-03-01) * 86,400 + 9 h.
"""

from __future__ import annotations

import gzip
import json
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
PAGE = DATA / "intercom" / "conversations.json"
LINES = DATA / "intercom" / "conversations.ndjson"


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
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The list page imported once into a fresh workspace (the tests below only read it)."""
    with Workspace(tmp_path_factory.mktemp("intercom") / "ws", create=True) as ws:
        yield ws, import_files(ws, "intercom", [PAGE])


def test_intercom_is_registered() -> None:
    assert IMPORTERS["intercom"].name == "intercom"
    assert "developers.intercom.com" in IMPORTERS["intercom"].reference


def test_intercom_page_counts(page: Loaded) -> None:
    ws, results = page
    assert _counts(results) == {("tickets", "conversations.json"): (6, 6, 0)}
    assert ws.count("tickets") == 6
    assert ws.to_pandas("quarantine").empty


def test_intercom_conversations_hand_checked(page: Loaded) -> None:
    t = _tickets(page[0])
    assert t.channel.to_dict() == {
        "intercom-1001": "chat",  # conversation (Messenger)
        "intercom-1002": "email",
        "intercom-1003": "phone",  # phone_call
        "intercom-1004": "social",  # twitter
        "intercom-1005": "chat",  # whatsapp
        "intercom-1006": "app",  # push
    }
    assert _plain(t.csat) == {
        "intercom-1001": 5,
        "intercom-1002": 2,
        "intercom-1003": None,
        "intercom-1004": None,
        "intercom-1005": None,
        "intercom-1006": 4,
    }
    first = t.loc["intercom-1001"]
    assert (first.customer_id, first.agent_id, first.topic) == (
        "65e1a2b3c4d5e6f708192a3b",
        "7001",
        "billing",
    )
    # 1709283600, 1709284500, 1709290800: 09:00, 09:15 and 11:00 UTC on 1 March 2024.
    assert first.created_at == datetime(2024, 3, 1, 9, 0, 0)
    assert first.first_response_at == datetime(2024, 3, 1, 9, 15, 0)
    assert first.resolved_at == datetime(2024, 3, 1, 11, 0, 0)
    # 1002: first admin reply 2 h 30 min after it came in at 14:00.
    assert t.loc["intercom-1002"].first_response_at - t.loc["intercom-1002"].created_at == (
        pd.Timedelta(hours=2, minutes=30)
    )
    # contacts = count_reopens + 1: 1002 and 1004 were reopened once.
    assert t.contacts.astype(int).tolist() == [1, 2, 1, 2, 1, 1]
    assert t.topic.fillna("-").tolist() == ["billing", "shipping", "-", "shipping", "delivery", "-"]


def test_intercom_open_conversations_are_not_resolved(page: Loaded) -> None:
    t = _tickets(page[0])
    # 1004 was closed at 12:00 and reopened (state open): last_close_at is no resolution.
    assert pd.isna(t.loc["intercom-1004"].resolved_at)
    assert t.loc["intercom-1004"].first_response_at == datetime(2024, 3, 4, 8, 40, 0)
    # 1005 is snoozed and unanswered.
    assert t.loc["intercom-1005"][["first_response_at", "resolved_at"]].isna().all()
    assert t.resolved_at.notna().sum() == 4


def test_intercom_ndjson_quarantines_a_bad_created_at(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "conversations.ndjson.gz", "wb") as out:
        out.write(LINES.read_bytes())
    with Workspace(tmp_path / "ws", create=True) as ws:
        results = import_files(ws, "intercom", [tmp_path / "conversations.ndjson.gz"])
        assert _counts(results) == {("tickets", "conversations.ndjson.gz"): (3, 2, 1)}
        t = _tickets(ws)
        assert t.index.tolist() == ["intercom-2001", "intercom-2003"]
        assert t.channel.tolist() == ["chat", "chat"]  # conversation, sms
        assert t.loc["intercom-2001"].first_response_at == datetime(2024, 4, 1, 8, 7, 0)
        q = ws.to_pandas("quarantine")
        assert q[["row_number", "column_name", "reason"]].values.tolist() == [
            [2, "created_at", "created_at: expected a timestamp, got 'yesterday'"]
        ]
        assert json.loads(q.iloc[0].raw)["ticket_id"] == "intercom-2002"


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        (
            "tickets.json",
            (DATA / "zendesk" / "tickets.json").read_text(),
            "record 1 is an object with fields tickets, next_page",
        ),
        (
            "contacts.ndjson",
            '{"type": "contact", "id": "65e1", "created_at": 1709283600}\n',
            "record 1 is a 'contact' object",
        ),
        ("export.csv", "id,created_at\n1,1709283600\n", "not JSON"),
        ("cut.ndjson", '{"type": "conversation", "id": "1", "created_at": 1}\n{"type"', "line 2"),
    ],
)
def test_intercom_wrong_layout_names_the_file(
    tmp_path: Path, name: str, text: str, words: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with Workspace(tmp_path / "ws", create=True) as ws, pytest.raises(UnreadableFile) as err:
        import_files(ws, "intercom", [path])
    assert str(path) in str(err.value)
    assert words in str(err.value)
    assert err.value.file == str(path)


def test_intercom_import_again_updates_in_place(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws", create=True) as ws:
        import_files(ws, "intercom", [PAGE])
        (again,) = import_files(ws, "intercom", [PAGE])
        assert (again.rows_inserted, again.rows_updated) == (0, 6)
        assert ws.count("tickets") == 6


def test_intercom_custom_fields(page: Loaded) -> None:
    ws, _ = page
    columns = ["ticket_id", "priority", "state", "tags", "custom_attributes_plan", "snoozed_until"]
    t = ws.table("tickets").select(*columns).to_pandas().set_index("ticket_id").sort_index()
    assert t.priority.tolist() == ["priority", *["not_priority"] * 5]
    assert t.state.tolist() == ["closed", "closed", "closed", "open", "snoozed", "closed"]
    assert json.loads(t.loc["intercom-1001"].tags) == ["billing", "vip"]
    assert _plain(t.custom_attributes_plan) == {
        "intercom-1001": "Pro",
        "intercom-1002": "Basic",
        "intercom-1003": "Basic",
        "intercom-1004": None,
        "intercom-1005": "Pro",
        "intercom-1006": None,
    }
    # Snoozed until 2030: a time ahead, kept as text so the conversation is not quarantined.
    assert t.loc["intercom-1005"].snoozed_until == "2030-01-01T00:00:00Z"
    external = ws.table("tickets").select("ticket_id", "contact_external_id").to_pandas()
    assert _plain(external.set_index("ticket_id").sort_index().contact_external_id) == {
        "intercom-1001": "cust-77",
        "intercom-1002": "cust-78",
        "intercom-1003": None,
        "intercom-1004": None,
        "intercom-1005": "cust-77",
        "intercom-1006": "cust-78",
    }
