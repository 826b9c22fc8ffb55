"""The Typeform and Delighted (generic score CSV) importers on hand-made exports.

Expected values are read off the files under tests/data/importers/typeform/ and
tests/data/importers/delighted/ by hand (see the README beside each).
"""

from __future__ import annotations

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
TYPEFORM_NPS = DATA / "typeform" / "responses_nps.csv"
TYPEFORM_CSAT = DATA / "typeform" / "responses_csat_2019.csv"
DELIGHTED = DATA / "delighted" / "responses.csv"
GENERIC_NPS = DATA / "delighted" / "generic_nps.csv"
GENERIC_CSAT = DATA / "delighted" / "csat_ratings.csv"


def _counts(results: list[IngestResult]) -> list[tuple[str, int, int, int]]:
    return [(r.table, r.rows_read, r.rows_stored, r.rows_quarantined) for r in results]


def _responses(ws: Workspace) -> pd.DataFrame:
    return ws.to_pandas("responses").set_index("response_id")


@pytest.fixture(scope="module")
def typeform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The NPS download imported once (the tests below only read it)."""
    with Workspace(tmp_path_factory.mktemp("typeform") / "ws", create=True) as ws:
        yield ws, import_files(ws, "typeform", [TYPEFORM_NPS])


@pytest.fixture(scope="module")
def typeform_csat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The 2019 CSAT download imported once, into a workspace of its own."""
    with Workspace(tmp_path_factory.mktemp("typeform_csat") / "ws", create=True) as ws:
        yield ws, import_files(ws, "typeform", [TYPEFORM_CSAT])


@pytest.fixture(scope="module")
def delighted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The three score CSVs imported once (the tests below only read them)."""
    with Workspace(tmp_path_factory.mktemp("delighted") / "ws", create=True) as ws:
        yield ws, import_files(ws, "delighted", [DELIGHTED, GENERIC_NPS, GENERIC_CSAT])


# -- Typeform ---------------------------------------------------------------------------


def test_typeform_counts(typeform: Loaded, typeform_csat: Loaded) -> None:
    ws, results = typeform
    # 12 NPS responses, one partial (never submitted); 4 CSAT responses.
    assert _counts(results) == [("responses", 12, 11, 1)]
    assert ws.count("responses") == 11
    ws, results = typeform_csat
    assert _counts(results) == [("responses", 4, 4, 0)]
    assert ws.count("responses") == 4


def test_typeform_two_downloads_into_one_workspace(ws: Workspace) -> None:
    results = import_files(ws, "typeform", [TYPEFORM_NPS, TYPEFORM_CSAT])
    assert _counts(results) == [("responses", 12, 11, 1), ("responses", 4, 4, 0)]
    assert ws.count("responses") == 15


def test_typeform_nps_values(typeform: Loaded) -> None:
    ws, _ = typeform
    r = _responses(ws)
    first = r.loc["typeform-0d3k8q1zv9x2m4n7p5r6s8t0u1w3y5a7"]
    assert (first.kind, first.score) == ("nps", 10)
    assert first.comment == "Spotless rooms and the staff remembered my name."
    assert first.customer_id == "ada@example.com"  # the email hidden field, lower-cased
    assert first.ts == datetime(2024, 1, 5, 10, 0, 0)  # Submit Date (UTC)

    multi = r.loc["typeform-2g5m0s3bx1z4o6p9r7t8u0v2w3y5a7c9"]
    assert multi.comment == (
        "The room was fine but check-in took forty minutes.\nNobody at the desk for ages."
    )
    assert multi.score == 6
    no_comment = r.loc["typeform-3h6n1t4cy2a5p7q0s8u9v1w3x4z6b8d0"]
    assert pd.isna(no_comment.comment)
    assert pd.isna(r.loc["typeform-5j8p3v6ea4c7r9s2u0w1x3y5z6b8d0f2"].customer_id)
    nps = r[r.kind == "nps"].score
    assert sorted(nps) == [0, 3, 5, 6, 7, 8, 9, 9, 10, 10, 10]
    assert set(r.kind) == {"nps"}


def test_typeform_partial_response_is_quarantined(typeform: Loaded) -> None:
    ws, _ = typeform
    q = ws.to_pandas("quarantine")
    assert len(q) == 1
    bad = q.iloc[0]
    assert (bad.table_name, bad.source_file) == ("responses", str(TYPEFORM_NPS))
    assert (bad.row_number, bad.column_name) == (8, "ts")
    assert bad.reason == "ts: missing required value"
    assert "7l0r5x8gc6e9t1u4w2y3z5a7b8d0f2h4" in bad.raw


def test_typeform_csat_form_and_customer_id_field(typeform_csat: Loaded) -> None:
    ws, _ = typeform_csat
    r = _responses(ws)
    csat = r[r.kind == "csat"].sort_values("ts")
    assert list(csat.score) == [5, 2, 4, 3]
    assert list(csat.customer_id.fillna("-")) == ["C-1001", "C-1002", "C-1003", "-"]
    # "Anything else you would like to tell us?" is the comment.
    assert csat.comment.iloc[1] == "Queue out of the door."
    assert csat.ts.iloc[0] == datetime(2019, 6, 3, 8, 1, 10)


def test_typeform_custom_fields(typeform: Loaded) -> None:
    ws, _ = typeform
    t = ws.table("responses")
    frame = (
        t.select("response_id", "plan", "which_hotel_did_you_stay_at", "tags")
        .to_pandas()
        .set_index("response_id")
    )
    assert frame.plan.value_counts().to_dict() == {"pro": 3, "team": 4, "free": 4}
    assert frame.loc["typeform-1f4l9r2aw0y3n5o8q6s7t9u1v2x4z6b8", "plan"] == "team"
    hotel = frame.loc["typeform-4i7o2u5dz3b6q8r1t9v0w2x4y5a7c9e1", "which_hotel_did_you_stay_at"]
    assert hotel == "Old Town Inn"
    assert frame.tags.fillna("").tolist().count("follow-up") == 3
    # The token is the response id only; the e-mail field became customer_id.
    assert "email" not in t.columns
    assert "how_often_do_you_travel_for_work" in t.columns


def test_typeform_reload_is_idempotent(ws: Workspace) -> None:
    import_files(ws, "typeform", [TYPEFORM_NPS])
    again = import_files(ws, "typeform", [TYPEFORM_NPS])
    assert _counts(again) == [("responses", 12, 11, 1)]
    assert ws.count("responses") == 11
    assert ws.count("quarantine") == 1


def test_typeform_without_a_score_question(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "signup.csv"
    path.write_text(
        "#,What is your name?,How many nights?,Submit Date (UTC),Network ID\n"
        "abc,Ada,2,2024-01-05 10:00:00,1a2b\n",
        encoding="utf-8",
    )
    with pytest.raises(UnreadableFile, match="no score question found") as info:
        import_files(ws, "typeform", [path])
    message = str(info.value)
    assert str(path) in message
    assert "'What is your name?', 'How many nights?'" in message
    assert info.value.file == str(path)


def test_typeform_bom_and_repeated_titles(ws: Workspace, tmp_path: Path) -> None:
    # Typeform repeats a title when two questions share it (each gets its own field), and
    # spreadsheet tools add a byte-order mark when they save a download again.
    path = tmp_path / "repeated.csv"
    path.write_bytes(
        "\ufeff#,How likely are you to recommend us?,Your address,Your address,"
        "Submit Date (UTC)\n"
        "t1,9,1 Main St,2 Side St,2024-01-05 10:00:00\n".encode()
    )
    assert _counts(import_files(ws, "typeform", [path])) == [("responses", 1, 1, 0)]
    row = ws.to_pandas("responses").iloc[0]
    assert (row.response_id, row.score) == ("typeform-t1", 9)
    assert (row.your_address, row.your_address_2) == ("1 Main St", "2 Side St")


def test_typeform_wrong_layout_names_the_file(ws: Workspace) -> None:
    with pytest.raises(UnreadableFile, match="not a Typeform responses download") as info:
        import_files(ws, "typeform", [DELIGHTED])
    assert str(DELIGHTED) in str(info.value)


# -- Delighted and other score CSVs ------------------------------------------------------


def test_delighted_counts(delighted: Loaded) -> None:
    ws, results = delighted
    assert _counts(results) == [
        ("responses", 8, 7, 1),  # a score of 11
        ("responses", 5, 4, 1),  # a date that is not one
        ("responses", 4, 4, 0),
    ]
    assert ws.count("responses") == 15


def test_delighted_values(delighted: Loaded) -> None:
    ws, _ = delighted
    r = _responses(ws)
    first = r.loc["delighted-88021"]
    assert (first.kind, first.score, first.channel) == ("nps", 10, "email")
    assert first.customer_id == "ada@example.com"
    # "2024-03-04 09:15:02 -0800" is 17:15:02 UTC.
    assert first.ts == datetime(2024, 3, 4, 17, 15, 2)
    assert r.loc["delighted-88022"].customer_id == "ben@example.com"  # lower-cased
    assert r.loc["delighted-88023"].comment == "Support never answered my ticket.\nI waited a week."
    assert pd.isna(r.loc["delighted-88027"].customer_id)  # no e-mail given
    channels = r.loc[[f"delighted-{n}" for n in (88023, 88024, 88027)]].channel
    assert list(channels) == ["web", "phone", "web"]  # Web, SMS, Web


def test_delighted_bad_score_is_quarantined(delighted: Loaded) -> None:
    ws, _ = delighted
    q = ws.to_pandas("quarantine").set_index("source_file")
    bad = q.loc[str(DELIGHTED)]
    assert (bad.row_number, bad.column_name) == (5, "score")
    assert bad.reason == "score: 11 is outside 0..10 for kind nps"


def test_delighted_custom_fields(delighted: Loaded) -> None:
    ws, _ = delighted
    t = ws.table("responses")
    frame = t.select("response_id", "plan", "tags", "notes", "country").to_pandas()
    frame = frame.set_index("response_id").loc[[f"delighted-{n}" for n in (88021, 88023, 88026)]]
    assert list(frame.plan) == ["Pro", "Free", "Team"]
    assert list(frame.tags) == ["onboarding", "support, churn-risk", "billing"]
    assert list(frame.notes.fillna("")) == ["", "Called her back on 3/6.", "Refund issued."]
    assert list(frame.country) == ["US", "CA", "GB"]
    # The respondent's name is not copied onto responses.
    assert "name" not in t.columns


def test_generic_nps_export(delighted: Loaded) -> None:
    ws, _ = delighted
    r = _responses(ws)
    rows = r.loc[[f"generic_nps-{n}" for n in (1, 2, 3, 4)]]
    assert list(rows.kind) == ["nps"] * 4
    assert list(rows.score) == [9, 4, 10, 7]
    assert list(rows.customer_id.fillna("-")) == ["C-1001", "C-1002", "-", "C-1004"]
    assert list(rows.comment.fillna("-")) == ["Fast delivery", "Item arrived broken", "-", "OK"]
    # Unix seconds 1706781600 = 2024-02-01 10:00:00 UTC.
    assert rows.ts.iloc[0] == datetime(2024, 2, 1, 10, 0, 0)
    assert sorted(ws.table("responses").store.to_pandas().dropna().unique()) == [
        "Boston",
        "Online",
        "Providence",
    ]
    q = ws.to_pandas("quarantine").set_index("source_file").loc[str(GENERIC_NPS)]
    assert (q.row_number, q.column_name) == (5, "ts")
    assert q.reason == "ts: expected a timestamp, got 'not a date'"


def test_generic_kind_from_the_scores(delighted: Loaded) -> None:
    ws, _ = delighted
    r = _responses(ws)
    rows = r.loc[[f"csat_ratings-{n}" for n in (1, 2, 3, 4)]]
    # "Rating" does not say the kind; scores all within 1-5 do.
    assert list(rows.kind) == ["csat"] * 4
    assert list(rows.score) == [5, 4, 2, 3]
    assert list(rows.customer_id) == [f"{n}@example.com" for n in ("ada", "ben", "carla", "dan")]
    assert rows.ts.iloc[0] == datetime(2024, 2, 3, 7, 0, 0)  # 08:00 +01:00


def test_delighted_survey_type_column_gives_the_kind(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "Response ID,Survey type,Score,Created At\n"
        "1,nps,9,2024-01-05T10:00:00Z\n"
        "2,csat,4,2024-01-05T11:00:00Z\n"
        "3,ces,6,2024-01-05T12:00:00Z\n"
        "4,thumbs,1,2024-01-05T13:00:00Z\n",
        encoding="utf-8",
    )
    assert _counts(import_files(ws, "delighted", [path])) == [("responses", 4, 3, 1)]
    kinds = _responses(ws).kind.to_dict()
    assert kinds == {"delighted-1": "nps", "delighted-2": "csat", "delighted-3": "ces"}
    assert "thumbs" in ws.to_pandas("quarantine").reason.iloc[0]


def test_score_csv_without_a_score_or_date_column(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("Email,Name,Created At\nada@example.com,Ada,2024-01-05\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="no score column") as info:
        import_files(ws, "delighted", [path])
    assert str(path) in str(info.value)
    assert "'Email', 'Name', 'Created At'" in str(info.value)

    undated = tmp_path / "undated.csv"
    undated.write_text("Score,Comment\n9,Great\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="no date column") as info:
        import_files(ws, "delighted", [undated])
    assert info.value.file == str(undated)


def test_survey_importers_are_registered() -> None:
    assert {"typeform", "delighted"} <= set(IMPORTERS)
