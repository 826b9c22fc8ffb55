"""The GA4 importer on a hand-made day of the BigQuery export (events_20240105).

Expected values are read off tests/data/importers/ga4/events_20240105.json by hand (see
its README): 13 events on one line each; a web visitor with no user id (7 events, the
last an exact repeat of the view_item), a signed-in iOS user (3), an Android app user
(2), and a consent-denied ping with no user id at all (line 11), which is quarantined.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxkit.errors import UnreadableFile
from cxkit.importers import import_files
from cxkit.ingest import IngestResult
from cxkit.store import Workspace

Loaded = tuple[Workspace, list[IngestResult]]

EXPORT = Path(__file__).parents[1] / "data" / "importers" / "ga4" / "events_20240105.json"
WEB = "1197573522.1704445200"
IOS = "88431AE0C2E44B7A9D3F6C1B0E2A7D55"
ANDROID = "f3a9c2e1d4b54c6a8e7f0a1b2c3d4e5f"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    with Workspace(tmp_path_factory.mktemp("ga4") / "ws", create=True) as ws:
        yield ws, import_files(ws, "ga4", [EXPORT])


def _events(ws: Workspace) -> pd.DataFrame:
    return ws.to_pandas("events").set_index("event_id")


def test_ga4_counts(loaded: Loaded) -> None:
    ws, [result] = loaded
    assert (result.table, result.rows_read, result.rows_stored, result.rows_quarantined) == (
        "events",
        13,
        12,
        1,
    )
    assert ws.count("events") == 12


def test_ga4_event_ids(loaded: Loaded) -> None:
    ws, _ = loaded
    ids = set(_events(ws).index)
    # user_pseudo_id-event_timestamp-event_name-n: the repeated view_item is n = 2.
    assert f"{WEB}-1704448835000001-view_item-1" in ids
    assert f"{WEB}-1704448835000001-view_item-2" in ids
    # session_start, page_view and first_visit share one microsecond, not one id.
    assert {f"{WEB}-1704448800123456-{n}-1" for n in ("session_start", "page_view")} <= ids
    assert f"{IOS}-1704460190000000-purchase-1" in ids
    assert len(ids) == 12


def test_ga4_microsecond_timestamps(loaded: Loaded) -> None:
    ws, _ = loaded
    e = _events(ws)
    assert e.loc[f"{WEB}-1704448800123456-session_start-1"].ts == pd.Timestamp(
        "2024-01-05 10:00:00.123456"
    )
    assert e.loc[f"{WEB}-1704448835000001-view_item-1"].ts == pd.Timestamp(
        "2024-01-05 10:00:35.000001"
    )
    assert e.loc[f"{WEB}-1704449000999999-purchase-1"].ts == pd.Timestamp(
        "2024-01-05 10:03:20.999999"
    )
    assert e.loc[f"{ANDROID}-1704470000654321-session_start-1"].ts == pd.Timestamp(
        "2024-01-05 15:53:20.654321"
    )


def test_ga4_hand_checked_values(loaded: Loaded) -> None:
    ws, _ = loaded
    e = _events(ws)
    cart = e.loc[f"{WEB}-1704448861500000-add_to_cart-1"]
    assert cart.customer_id == WEB  # no user_id: the pseudo id
    assert (cart.touchpoint, cart.channel) == ("add_to_cart", "web")
    assert cart.session_id == f"{WEB}-1704448790"
    assert json.loads(str(cart.properties)) == {
        "ga_session_id": 1704448790,
        "ga_session_number": 1,
        "page_location": "https://shop.example.com/p/cloud-tee",
        "page_title": "Cloud Tee",
        "engaged_session_event": 1,
        "value": 24.5,
        "currency": "USD",
    }
    screen = e.loc[f"{IOS}-1704460142250000-screen_view-1"]
    assert screen.customer_id == "C-1001"  # signed in: the site's user id
    assert (screen.channel, screen.session_id) == ("app", f"{IOS}-1704460100")
    assert json.loads(str(screen.properties))["firebase_screen"] == "Cart"
    android = e.loc[f"{ANDROID}-1704470003000000-screen_view-1"]
    assert (android.channel, android.customer_id) == ("app", ANDROID)
    # One session per visitor: 3 sessions in all.
    assert e.session_id.nunique() == 3


def test_ga4_ties_keep_file_order(loaded: Loaded) -> None:
    ws, _ = loaded
    e = ws.to_pandas("events")
    web = e[e.customer_id == WEB].sort_values(["ts", "seq"])
    # session_start, page_view and first_visit share 10:00:00.123456: the file's order.
    assert web.touchpoint.tolist()[:3] == ["session_start", "page_view", "first_visit"]


def test_ga4_reexport_in_another_order_merges(tmp_path: Path) -> None:
    # BigQuery gives no row order: the same day exported again, reversed, is the same events.
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    again = tmp_path / "events_20240105_again.json"
    again.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    with Workspace(tmp_path / "ws", create=True) as ws:
        first = import_files(ws, "ga4", [EXPORT])[0]
        second = import_files(ws, "ga4", [again])[0]
        assert ws.count("events") == 12
    assert (first.rows_inserted, second.rows_inserted, second.rows_updated) == (12, 0, 12)


def test_ga4_bad_record_quarantined(loaded: Loaded) -> None:
    ws, _ = loaded
    q = ws.to_pandas("quarantine")
    assert q.row_number.tolist() == [11]
    assert q.column_name.tolist() == ["customer_id"]
    assert q.reason.tolist() == ["customer_id: missing required value"]
    raw = json.loads(q.raw.iloc[0])
    assert (raw["event_name"], raw["privacy_info.analytics_storage"]) == ("page_view", "No")


def _parquet(path: Path) -> Path:
    """Write the fixture as BigQuery's Parquet export types it: INT64s are integers."""
    events = [json.loads(line) for line in EXPORT.read_text(encoding="utf-8").splitlines()]
    for event in events:
        event["event_timestamp"] = int(event["event_timestamp"])
        for param in event["event_params"]:
            if param["value"]["int_value"] is not None:
                param["value"]["int_value"] = int(param["value"]["int_value"])
    table = pa.Table.from_pylist(events)
    assert pa.types.is_list(table.schema.field("event_params").type)
    pq.write_table(table, path)
    return path


@pytest.mark.parametrize("kind", ["parquet", "gzip", "array"])
def test_ga4_other_encodings(tmp_path: Path, loaded: Loaded, kind: str) -> None:
    if kind == "parquet":
        path = _parquet(tmp_path / "events_20240105.parquet")
    elif kind == "gzip":
        path = tmp_path / "events_20240105.json.gz"
        path.write_bytes(gzip.compress(EXPORT.read_bytes()))
    else:
        path = tmp_path / "events_20240105_array.json"
        lines = EXPORT.read_text(encoding="utf-8").splitlines()
        path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    with Workspace(tmp_path / "ws", create=True) as ws:
        [result] = import_files(ws, "ga4", [path])
        got = _events(ws)[["customer_id", "ts", "touchpoint", "channel", "session_id"]]
        props = _events(ws).properties.map(json.loads)
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (13, 12, 1)
    expected = _events(loaded[0])
    cols = ["customer_id", "ts", "touchpoint", "channel", "session_id"]
    pd.testing.assert_frame_equal(got.sort_index(), expected[cols].sort_index())
    assert props.sort_index().tolist() == expected.properties.map(json.loads).sort_index().tolist()


def test_ga4_unconvertible_timestamp_quarantined(tmp_path: Path) -> None:
    event = json.loads(EXPORT.read_text(encoding="utf-8").splitlines()[0])
    event["event_timestamp"] = "17044488OO123456"  # letters O for zeros
    path = tmp_path / "events.json"
    path.write_text(json.dumps(event) + "\n", encoding="utf-8")
    with Workspace(tmp_path / "ws", create=True) as ws:
        [result] = import_files(ws, "ga4", [path])
        q = ws.to_pandas("quarantine")
    assert (result.rows_stored, result.rows_quarantined) == (0, 1)
    assert q.reason.tolist() == ["ts: expected a timestamp, got '17044488OO123456'"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"id": "1", "stars": 5}\n', "record 1 is not a GA4 BigQuery export event"),
        ('{"event_name": "x", "event_timestamp": "1"}\n{"event_name": \n', "record 2 is not"),
        ("Package Name,Star Rating\n", "not valid JSON"),
        ("\n", "holds no events"),
    ],
)
def test_ga4_wrong_layout(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "events_20240105.json"
    path.write_text(text, encoding="utf-8")
    with (
        Workspace(tmp_path / "ws", create=True) as ws,
        pytest.raises(UnreadableFile, match=expected) as err,
    ):
        import_files(ws, "ga4", [path])
    assert str(path) in str(err.value)


def test_ga4_custom_fields(loaded: Loaded) -> None:
    ws, _ = loaded
    cols = ("event_id", "geo_country", "device_category", "traffic_source_medium", "stream_id")
    f = ws.table("events").select(*cols, "ecommerce_purchase_revenue").to_pandas()
    f = f.set_index("event_id")
    assert f.geo_country.value_counts().to_dict() == {"United States": 7, "Germany": 3, "Japan": 2}
    web = f.loc[f"{WEB}-1704449000999999-purchase-1"]
    assert (web.device_category, web.traffic_source_medium) == ("desktop", "organic")
    assert web.stream_id == "3571201457"  # an id: kept as text
    assert web.ecommerce_purchase_revenue == 24.5
    assert f.loc[f"{ANDROID}-1704470003000000-screen_view-1"].traffic_source_medium == "cpc"
    # Dropped: the device's advertising ids and the bulky item lists.
    assert not {"device_vendor_id", "items"} & set(ws.table("events").columns)
