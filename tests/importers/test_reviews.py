"""The review importers (trustpilot, appstore) on hand-made exports in the vendors' layouts.

Expected values are read off the fixtures by hand (tests/data/importers/trustpilot and
appstore, see their READMEs): a Trustpilot API page of 8 reviews, one dated 30 February;
a Business export CSV of 6 reviews, one dated in a spreadsheet's 23/01/2024 14:02 (its
first review is also the API page's first); an App Store Connect page of 6 reviews, one
without a date; a Google Play UTF-16 CSV of 8 reviews, one with 6 stars.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cxkit.errors import UnreadableFile
from cxkit.importers import IMPORTERS, import_files
from cxkit.ingest import IngestResult
from cxkit.store import Workspace

Loaded = tuple[Workspace, list[IngestResult]]

DATA = Path(__file__).parents[1] / "data" / "importers"
TRUSTPILOT_JSON = DATA / "trustpilot" / "service_reviews.json"
TRUSTPILOT_CSV = DATA / "trustpilot" / "reviews_export.csv"
APPLE = DATA / "appstore" / "customer_reviews.json"
PLAY = DATA / "appstore" / "reviews_com.example.shop_202401.csv"


def _counts(results: list[IngestResult]) -> list[tuple[str, str, int, int, int]]:
    return [
        (r.table, Path(r.file).name, r.rows_read, r.rows_stored, r.rows_quarantined)
        for r in results
    ]


def _quarantine(ws: Workspace) -> list[tuple[str, int, str, str]]:
    q = ws.to_pandas("quarantine").sort_values(["source_file", "row_number"])
    return [
        (Path(f).name, int(n), c, r)
        for f, n, c, r in zip(q.source_file, q.row_number, q.column_name, q.reason, strict=True)
    ]


@pytest.fixture(scope="module")
def trustpilot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    with Workspace(tmp_path_factory.mktemp("trustpilot") / "ws", create=True) as ws:
        yield ws, import_files(ws, "trustpilot", [TRUSTPILOT_JSON, TRUSTPILOT_CSV])


@pytest.fixture(scope="module")
def appstore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    with Workspace(tmp_path_factory.mktemp("appstore") / "ws", create=True) as ws:
        yield ws, import_files(ws, "appstore", [APPLE, PLAY])


def test_review_importers_are_registered() -> None:
    assert IMPORTERS["trustpilot"].read is not None
    assert "feedback" in IMPORTERS["appstore"].title


# -- Trustpilot ---------------------------------------------------------------------------


def test_trustpilot_counts(trustpilot: Loaded) -> None:
    ws, results = trustpilot
    assert _counts(results) == [
        ("feedback", "service_reviews.json", 8, 7, 1),
        ("feedback", "reviews_export.csv", 6, 5, 1),
    ]
    # 7 + 5 stored, and review 65a1f0c2...501 is in both files: 11 rows.
    assert ws.count("feedback") == 11
    assert results[1].rows_updated == 1


def test_trustpilot_api_values(trustpilot: Loaded) -> None:
    ws, _ = trustpilot
    f = ws.to_pandas("feedback").set_index("feedback_id")
    anna = f.loc["trustpilot-65a1f0c2e4b0a1b2c3d4e501"]
    assert anna.customer_id == "C-1001"  # the referenceId the invitation carried
    assert anna.ts == pd.Timestamp("2024-01-05 09:12:37")
    assert (anna.source, anna.touchpoint, anna.rating) == ("review", "trustpilot", 5.0)
    assert anna.author == "Anna Kowalska"
    assert anna.text == (
        "Quick delivery\n\n"
        "Ordered on Monday, it arrived on Wednesday.\nWell packed, nothing broken."
    )
    tom = f.loc["trustpilot-65a2b7d1e4b0a1b2c3d4e502"]
    assert (tom.rating, tom.likes, tom.customer_id) == (1.0, 0, "C-1002")
    assert tom.text.startswith("Never arrived\n\nPaid for next-day delivery.\n\nTwo weeks")
    joerg = f.loc["trustpilot-65a3c9e4e4b0a1b2c3d4e503"]
    assert pd.isna(joerg.customer_id)  # an organic review: no reference, no customer
    assert joerg.ts == pd.Timestamp("2024-01-07 18:40:02")  # no zone: Trustpilot's UTC
    assert joerg.author == "Jörg Müller"
    assert f.loc["trustpilot-65a5e3a1e4b0a1b2c3d4e505"].likes == 5
    assert f.loc["trustpilot-65a6f4b2e4b0a1b2c3d4e506"].text.startswith("¡Genial! 😀\n\n")
    assert "trustpilot-65a7a5c3e4b0a1b2c3d4e507" not in f.index  # dated 30 February


def test_trustpilot_csv_values(trustpilot: Loaded) -> None:
    ws, _ = trustpilot
    f = ws.to_pandas("feedback").set_index("feedback_id")
    priya = f.loc["trustpilot-65b0a1b2e4b0a1b2c3d4e601"]
    assert priya.ts == pd.Timestamp("2024-01-20 08:30:00")
    assert (priya.rating, priya.author, priya.customer_id) == (3.0, "Priya S", "C-1010")
    assert priya.text == (
        'Sizing chart is wrong\n\nI ordered my usual size ("M"), it fits like an S.\n'
        "Exchanged it without fuss, though."
    )
    henrik = f.loc["trustpilot-65b1b2c3e4b0a1b2c3d4e602"]
    assert henrik.text == "Fint."  # no title: the body alone
    assert pd.isna(henrik.customer_id)
    # The review in both files: the CSV's values merged into the API's row.
    anna = f.loc["trustpilot-65a1f0c2e4b0a1b2c3d4e501"]
    assert (anna.x_source, anna.source_of_review) == ("AFSv2", "AFSv2")
    assert anna.likes == 2  # the CSV has no likes column: the API's value stays


def test_trustpilot_bad_records_quarantined(trustpilot: Loaded) -> None:
    ws, _ = trustpilot
    assert _quarantine(ws) == [
        ("reviews_export.csv", 5, "ts", "ts: expected a timestamp, got '23/01/2024 14:02'"),
        (
            "service_reviews.json",
            7,
            "ts",
            "ts: expected a timestamp, got '2024-02-30T10:00:00.000Z'",
        ),
    ]


def test_trustpilot_json_lines(tmp_path: Path) -> None:
    # One review per line, as a paging script saves them: _row is the line number.
    reviews = json.loads(TRUSTPILOT_JSON.read_text(encoding="utf-8"))["reviews"]
    path = tmp_path / "reviews.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in reviews), encoding="utf-8")
    with Workspace(tmp_path / "ws", create=True) as ws:
        [result] = import_files(ws, "trustpilot", [path])
        q = ws.to_pandas("quarantine")
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (8, 7, 1)
    assert q.row_number.tolist() == [7]


def test_trustpilot_csv_header_spelling(tmp_path: Path) -> None:
    # Exports have spelt the id "Review Id" as well as "Review ID".
    path = tmp_path / "export.csv"
    path.write_text(
        "Review Id,Review Created (UTC),Review Stars,Review Title,Review Content\n"
        "abc123,2024-03-01 10:00:00,4,Nice,Good shop\n",
        encoding="utf-8",
    )
    with Workspace(tmp_path / "ws", create=True) as ws:
        [result] = import_files(ws, "trustpilot", [path])
        f = ws.to_pandas("feedback")
    assert (result.rows_read, result.rows_stored) == (1, 1)
    assert f.feedback_id.tolist() == ["trustpilot-abc123"]
    assert f.text.tolist() == ["Nice\n\nGood shop"]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("play.csv", "Package Name,Star Rating\ncom.x,5\n", "lacks Review ID"),
        ("ga4.json", '{"event_name": "page_view"}\n', "not a Trustpilot reviews export"),
        ("page.json", '{"reviews": [{"id": "1", "rating": 5}]}', "record 1 is not a Trustpilot"),
        ("broken.json", '{"reviews": [', "not valid JSON"),
        ("empty.csv", "\n\n", "empty"),
    ],
)
def test_trustpilot_wrong_layout(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with (
        Workspace(tmp_path / "ws", create=True) as ws,
        pytest.raises(UnreadableFile, match=expected) as err,
    ):
        import_files(ws, "trustpilot", [path])
    assert str(path) in str(err.value)
    assert err.value.file == str(path)


def test_trustpilot_custom_fields(trustpilot: Loaded) -> None:
    ws, _ = trustpilot
    t = ws.table("feedback")
    kept = t.select("feedback_id", "language", "isverified", "companyreply_text", "location_name")
    f = kept.to_pandas().set_index("feedback_id")
    assert f.loc["trustpilot-65a3c9e4e4b0a1b2c3d4e503", "language"] == "de"
    assert not f.loc["trustpilot-65a3c9e4e4b0a1b2c3d4e503", "isverified"]
    assert f.loc["trustpilot-65a1f0c2e4b0a1b2c3d4e501", "isverified"]
    assert f.loc["trustpilot-65a5e3a1e4b0a1b2c3d4e505", "companyreply_text"].startswith("Sorry Sam")
    assert f.loc["trustpilot-65a4d2f0e4b0a1b2c3d4e504", "location_name"] == "Example Shop Strøget"
    # The reviewer's e-mail is left out.
    assert "referralemail" not in t.columns


# -- App Store Connect and Google Play ----------------------------------------------------


def test_appstore_counts(appstore: Loaded) -> None:
    ws, results = appstore
    assert _counts(results) == [
        ("feedback", "customer_reviews.json", 6, 5, 1),
        ("feedback", "reviews_com.example.shop_202401.csv", 8, 7, 1),
    ]
    assert ws.count("feedback") == 12


def test_apple_values(appstore: Loaded) -> None:
    ws, _ = appstore
    f = ws.to_pandas("feedback").set_index("feedback_id")
    dan = f.loc["appstore-00000028-b08c-0014-729e-fbd500000002"]
    assert dan.ts == pd.Timestamp("2024-01-06 05:45:00")  # 21:45 at -08:00
    assert (dan.source, dan.touchpoint, dan.rating) == ("review", "app_store", 1.0)
    assert dan.author == "frustrated_dan"
    assert dan.text.startswith("Crashes on launch\n\nSince the last update")
    assert dan.response_responsebody.startswith("Sorry about this!")
    assert dan.response_state == "PUBLISHED"
    assert dan.response_lastmodifieddate == pd.Timestamp("2024-01-07 01:00:00")
    yuki = f.loc["appstore-00000028-b08c-0014-729e-fbd500000003"]
    assert yuki.ts == pd.Timestamp("2024-01-06 01:00:00")  # 10:00 at +09:00
    assert yuki.text == "使いやすい\n\n検索が速いです。配送状況の通知がもう少し早いと嬉しい。"


def test_google_play_values(appstore: Loaded) -> None:
    ws, _ = appstore
    f = ws.to_pandas("feedback").set_index("feedback_id")
    # The key is Play's review id, from the review link (URL-decoded).
    logout = f.loc["googleplay-gp:AOqpTOH3kLm9Pq2rS4tU6vW8xY0zA1bC3dE5fG7hI9jK1lM"]
    assert logout.ts == pd.Timestamp("2024-01-05 06:40:00")
    assert (logout.source, logout.touchpoint, logout.rating) == ("review", "google_play", 1.0)
    assert logout.text == "Keeps logging me out.\nReinstalled twice, same thing."
    assert pd.isna(logout.author)  # Play's export names no reviewer
    assert logout.developer_reply_text.startswith("Sorry! Please update")
    assert logout.developer_reply_date_and_time == pd.Timestamp("2024-01-08 09:30:00")
    # The old console's links carry the id after a '#', spelt reviewid.
    old = f.loc["googleplay-gp:AOqpTOE1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2wX3yZ4"]
    assert old.text == 'Great\n\nGreat app, "5 stars", would buy again.'
    # A rating without text has no link: keyed by package and submit time (ms).
    stars_only = f.loc["googleplay-com.example.shop-1704394931088"]
    assert (stars_only.rating, stars_only.ts) == (4.0, pd.Timestamp("2024-01-04 19:02:11"))
    assert pd.isna(stars_only.text)
    assert "googleplay-com.example.shop-1704881410100" in f.index


def test_appstore_bad_records_quarantined(appstore: Loaded) -> None:
    ws, _ = appstore
    assert _quarantine(ws) == [
        ("customer_reviews.json", 5, "ts", "ts: missing required value"),
        ("reviews_com.example.shop_202401.csv", 6, "rating", "rating: 6 is outside 1..5"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_google_play_encodings(tmp_path: Path, encoding: str) -> None:
    # Play writes UTF-16 with a byte-order mark; a file re-saved by a spreadsheet may be
    # UTF-8, or UTF-16 without the mark.
    text = PLAY.read_bytes().decode("utf-16")
    path = tmp_path / "reviews.csv"
    path.write_bytes(
        ("\ufeff" if encoding == "utf-16-be" else "").encode(encoding) + text.encode(encoding)
    )
    with Workspace(tmp_path / "ws", create=True) as ws:
        [result] = import_files(ws, "appstore", [path])
        device = ws.table("feedback").device.to_pandas()
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (8, 7, 1)
    assert sorted(device.dropna()) == [
        "OnePlus8Pro",
        "SM-G991B",
        "a52q",
        "panther",
        "panther",
        "starqltesq",
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("tp.csv", "Review ID,Review Created (UTC),Review Stars\nx,2024-01-01,5\n", "lacks"),
        ("other.json", '{"data": [{"type": "apps", "id": "1"}]}', "not an App Store Connect"),
        ("list.json", "[1, 2]", "not an App Store Connect"),
    ],
)
def test_appstore_wrong_layout(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with (
        Workspace(tmp_path / "ws", create=True) as ws,
        pytest.raises(UnreadableFile, match=expected) as err,
    ):
        import_files(ws, "appstore", [path])
    assert str(path) in str(err.value)


def test_appstore_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    with Workspace(tmp_path / "ws", create=True) as ws, pytest.raises(UnreadableFile) as err:
        import_files(ws, "appstore", [path])
    assert str(path) in str(err.value)


def test_appstore_custom_fields(appstore: Loaded) -> None:
    ws, _ = appstore
    t = ws.table("feedback")
    f = t.select("feedback_id", "territory").to_pandas().set_index("feedback_id").territory
    assert f.dropna().to_dict() == {
        "appstore-00000028-b08c-0014-729e-fbd500000001": "USA",
        "appstore-00000028-b08c-0014-729e-fbd500000002": "USA",
        "appstore-00000028-b08c-0014-729e-fbd500000003": "JPN",
        "appstore-00000028-b08c-0014-729e-fbd500000004": "FRA",
        "appstore-00000028-b08c-0014-729e-fbd500000006": "CAN",
    }


def test_googleplay_custom_fields(appstore: Loaded) -> None:
    ws, _ = appstore
    cols = ("feedback_id", "device", "app_version_name", "app_version_code", "reviewer_language")
    f = ws.table("feedback").select(*cols).to_pandas().set_index("feedback_id")
    row = f.loc["googleplay-gp:AOqpTOGx2fK8dQm3vN7yLw1sZbR5tYhUjI9oPaEcXqWnMkD"]
    assert (row.device, row.app_version_name, row.reviewer_language) == ("a52q", "3.12.0", "en")
    assert row.app_version_code == 312
    fr = f.loc["googleplay-gp:AOqpTOK7mN9oP1qR3sT5uV7wX9yZ1aB3cD5eF7gH9iJ1kL3"]
    assert (fr.device, fr.reviewer_language) == ("starqltesq", "fr")
    # A version name stays text ("3.9.0", never the number 3.9).
    assert (
        f.loc["googleplay-gp:AOqpTOE1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2wX3yZ4"].app_version_name
        == "3.9.0"
    )
