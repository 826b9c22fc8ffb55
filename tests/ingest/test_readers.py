"""File-level reading (issue 16): compressed files, binary data, short messages."""

from __future__ import annotations

import bz2
import gzip
import lzma
import random
import zipfile
from pathlib import Path

import pytest

from cxkit.errors import MissingColumn, UnreadableFile
from cxkit.ingest import ingest
from tests.conftest import write

ORDERS = "order_id,customer_id,ts,amount\nO1,C1,2024-01-01,10.5\nO2,C2,2024-01-02,3\n"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "pack"),
    [
        ("orders.csv.gz", gzip.compress),
        ("orders.gz", gzip.compress),  # no inner suffix: CSV, the default
        ("orders.csv.bz2", bz2.compress),
        ("orders.csv.xz", lzma.compress),
    ],
)
def test_compressed_csv_is_read(ws, tmp_path: Path, name: str, pack) -> None:
    f = tmp_path / name
    f.write_bytes(pack(ORDERS.encode()))
    r = ingest(ws, "orders", f)
    assert (r.rows_read, r.rows_stored, r.rows_quarantined) == (2, 2, 0)
    assert sorted(ws.to_pandas("orders").amount) == [3.0, 10.5]


def test_zip_of_one_file_takes_the_inner_format(ws, tmp_path: Path) -> None:
    lines = '{"order_id": "O1", "customer_id": "C1", "ts": "2024-01-01", "amount": 4}\n'
    f = _zip(tmp_path / "export.zip", {"orders.ndjson": lines.encode()})
    assert ingest(ws, "orders", f).rows_stored == 1
    assert ws.to_pandas("orders").amount.tolist() == [4.0]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            {"a.csv": b"x", "b.csv": b"y"},
            "a zip archive of 2 files (a.csv, b.csv); expected exactly one file in it",
        ),
        (
            {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"},
            "an Excel workbook (.xlsx), not a text file; save the sheet as CSV",
        ),
    ],
)
def test_zip_that_is_not_one_file_is_named(ws, tmp_path: Path, members, message) -> None:
    f = _zip(tmp_path / "orders.zip", members)
    with pytest.raises(UnreadableFile) as err:
        ingest(ws, "orders", f)
    assert str(err.value) == f"{f}: {message}"


def test_unreadable_compression_is_named_not_binary(ws, tmp_path: Path) -> None:
    zstd = write(tmp_path / "orders.csv.zst", "")
    zstd.write_bytes(b"\x28\xb5\x2f\xfd" + bytes(range(40)))
    with pytest.raises(UnreadableFile) as err:
        ingest(ws, "orders", zstd)
    assert str(err.value) == (
        f"{zstd}: zstd-compressed data; decompress it first (or recompress with gzip)"
    )
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(ORDERS.encode() * 50)[:40])
    with pytest.raises(UnreadableFile, match="damaged gzip-compressed data"):
        ingest(ws, "orders", cut)
    assert ws.count("orders") == 0 and ws.count("quarantine") == 0


def test_binary_data_is_still_refused(ws, tmp_path: Path) -> None:
    noise = random.Random(16).randbytes(4096)
    f = tmp_path / "orders.csv"
    f.write_bytes(noise)
    with pytest.raises(UnreadableFile, match=r"binary data \(NUL bytes\), not a csv text file"):
        ingest(ws, "orders", f)


def test_lone_surrogate_bytes_name_the_line(ws, tmp_path: Path) -> None:
    # U+D800 written as UTF-8 bytes (ED A0 80), as some exporters do: not UTF-8, and not
    # to be guessed as Windows-1252 either.
    f = tmp_path / "o.csv"
    f.write_bytes(b"order_id,customer_id,ts,amount\nO1,C\xed\xa0\x80,2024-01-01,1\n")
    with pytest.raises(UnreadableFile) as err:
        ingest(ws, "orders", f)
    assert str(err.value) == (
        f"{f}: not valid UTF-8 at line 2 (byte 35); "
        "a lone surrogate (half of a UTF-16 pair), which is not text"
    )


def test_a_huge_bad_cell_is_quoted_short(ws, tmp_path: Path) -> None:
    head = "ticket_id,created_at,resolved_at,contacts"
    f = write(
        tmp_path / "t.csv",
        f"{head}\nT1,2024-01-01,,{'9' * 200_000}x\nT2,2024-01-02{' ' * 1000},2024-01-01,1\n",
    )
    ingest(ws, "tickets", f)
    reasons = ws.to_pandas("quarantine").sort_values("row_number").reason.tolist()
    assert reasons == [
        "contacts: expected an integer, got '" + "9" * 59 + "…'",
        "resolved_at (2024-01-01) is before created_at (2024-01-02" + " " * 49 + "…)",
    ]


def test_a_huge_text_cell_is_stored_whole(ws, tmp_path: Path) -> None:
    text = "slow delivery " * 15_000  # 210,000 characters
    f = write(tmp_path / "f.csv", f"feedback_id,ts,source,text\nF1,2024-01-01,review,{text}\n")
    assert ingest(ws, "feedback", f).rows_stored == 1
    assert ws.to_pandas("feedback").text.tolist() == [text]


def test_a_line_too_long_to_read_gives_a_short_message(ws, tmp_path: Path) -> None:
    f = write(
        tmp_path / "f.csv",
        "feedback_id,ts,source,text\nF1,2024-01-01,review," + "y" * 3_000_000 + "\n",
    )
    with pytest.raises(UnreadableFile) as err:
        ingest(ws, "feedback", f)
    message = str(err.value)
    assert message.startswith(f"{f}: cannot read as csv: ")
    assert "Original Line: F1,2024-01-01,review," + "y" * 39 + "…;" in message
    assert len(message) < 600 and "\n" not in message


def test_a_huge_header_is_listed_short(ws, tmp_path: Path) -> None:
    f = write(tmp_path / "o.csv", "order_id,ts," + "h" * 200_000 + "\nO1,2024-01-01,x\n")
    with pytest.raises(MissingColumn) as err:
        ingest(ws, "orders", f)
    assert str(err.value) == (
        f"{f}: required column 'customer_id' of table 'orders' is missing; the file has: "
        f"order_id, ts, {'h' * 59}…; add it or map it with --mapping"
    )
