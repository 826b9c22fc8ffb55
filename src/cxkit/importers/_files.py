"""Export files as an importer reads them: bytes (gunzipped), text, JSON records, CSV records.

Every problem is an `UnreadableFile` whose message starts with the file and names the
record (and line) that is wrong, so a user can open the file there.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cxkit.errors import UnreadableFile

__all__ = [
    "BinaryFile",
    "Records",
    "Row",
    "csv_records",
    "decode",
    "is_json",
    "json_records",
    "open_bytes",
    "parse_json",
    "read_bytes",
    "read_text",
]

#: JSON objects as read, each with its number in the file (from 1).
Records = list[tuple[int, dict[str, Any]]]
#: One CSV record: header name -> text.
Row = dict[str, str]
#: What `open_bytes` gives: the file, or its gzip'd content as it unpacks.
BinaryFile = gzip.GzipFile | io.BufferedReader

_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"


@contextmanager
def open_bytes(path: Path) -> Iterator[BinaryFile]:
    """Open a file to read its bytes, unpacked as it is read when it is gzip'd.

    For a file too large to hold twice (a XES log is parsed as it streams). An error
    reading it, opening or inside the ``with`` block, becomes `UnreadableFile`.
    """
    packed = False
    try:
        with open(path, "rb") as raw:
            packed = raw.read(2) == _GZIP
            raw.seek(0)
            if packed:
                with gzip.GzipFile(fileobj=raw) as unpacked:
                    yield unpacked
            else:
                yield raw
    except (OSError, EOFError, zlib.error) as exc:
        what = "gzip file" if packed else "file"
        why = getattr(exc, "strerror", None) or exc
        raise UnreadableFile(f"{path}: cannot read the {what} ({why})", file=str(path)) from None


def read_bytes(path: Path) -> bytes:
    """Return a file's bytes, gunzipped when it is gzip'd."""
    with open_bytes(path) as fh:
        return fh.read()


def decode(data: bytes, path: Path, *, utf16: bool = False) -> str:
    """Return a file's bytes as text: UTF-8 (a byte-order mark dropped), or UTF-16 if ``utf16``.

    With ``utf16``, UTF-16 is told by its byte-order mark, or by a NUL second byte (Play
    Console writes UTF-16 without a mark). A workbook or zip archive is named as such.
    """
    if data[:4] == _ZIP:
        raise UnreadableFile(
            f"{path}: an Excel workbook or zip archive, not text; unzip it, or download "
            "the data as CSV",
            file=str(path),
        )
    encoding, name = "utf-8-sig", "UTF-8"
    if utf16 and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding, name = "utf-16", "UTF-16"
    elif utf16 and data[1:2] == b"\x00" and data[:1] != b"\x00":
        encoding, name = "utf-16-le", "UTF-16"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        again = "UTF-8 or UTF-16" if utf16 else "UTF-8"
        raise UnreadableFile(
            f"{path}: not {name} text (byte {exc.start:,}: {exc.reason}); export the file "
            f"again as {again}",
            file=str(path),
        ) from None


def read_text(path: Path, *, utf16: bool = False) -> str:
    """Return a file's text (gunzipped, decoded as `decode` does); a blank file is refused."""
    text = decode(read_bytes(path), path, utf16=utf16)
    if not text.strip():
        raise UnreadableFile(f"{path}: the file is empty", file=str(path))
    return text


def is_json(text: str) -> bool:
    """Whether text reads as JSON (an object or array first), not CSV."""
    return text.lstrip()[:1] in ("{", "[")


def parse_json(text: str, path: Path) -> tuple[Any, list[int] | None]:
    """Return a JSON document and None, or JSON lines' values and the line of each.

    Text that is no JSON document is read as JSON lines (one value a line, blank lines
    skipped); when its first line is no JSON either, the document's error is the one
    reported, since the file is neither.
    """
    try:
        return json.loads(text), None
    except json.JSONDecodeError as whole:
        values: list[Any] = []
        lines: list[int] = []
        # Split on "\n" only: str.splitlines also splits at U+2028, valid inside a string.
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                values.append(json.loads(line))
            except json.JSONDecodeError as exc:
                why = (
                    f"line {n} is not JSON ({exc.msg}, column {exc.colno}): record {n} is "
                    "not a complete JSON object; expected one object a line"
                    if values
                    else f"not valid JSON (line {whole.lineno}, column {whole.colno}: "
                    f"{whole.msg}) and not JSON lines (one object a line) either"
                )
                raise UnreadableFile(f"{path}: {why}", file=str(path)) from None
            lines.append(n)
        return values, lines


def json_records(text: str, path: Path, lists: Collection[str] = ()) -> dict[str, Records]:
    """Return the objects of a JSON page, array, object or JSON lines, by the list holding them.

    A page (an object holding some of ``lists``) gives each list's objects, numbered from
    1 in it; an array or a lone object gives its objects under ``""``; JSON lines give
    one object a line under ``""``, numbered by line. A record that is no object is refused.
    """
    doc, lines = parse_json(text, path)
    if lines is not None:
        groups = {"": list(zip(lines, doc, strict=True))}
    elif isinstance(doc, dict) and any(isinstance(doc.get(k), list) for k in lists):
        groups = {k: list(enumerate(doc[k], 1)) for k in lists if isinstance(doc.get(k), list)}
    else:
        groups = {"": list(enumerate(doc if isinstance(doc, list) else [doc], 1))}
    for n, record in (x for records in groups.values() for x in records):
        if not isinstance(record, dict):
            raise UnreadableFile(
                f"{path}: record {n} is {json.dumps(record)[:40]}, not a JSON object",
                file=str(path),
            )
    return groups


def csv_records(
    text: str,
    path: Path,
    *,
    delimiter: str = ",",
    exact: bool = False,
    by_line: bool = False,
) -> tuple[list[str], list[tuple[int, Row]]]:
    r"""Return a CSV file's header and its records (header name -> text), numbered from 1.

    Quoted fields may span lines. The header is the first record that is not blank; its
    names are stripped, a blank one is ``Column 3``, a repeated one gets `` (2)``,
    `` (3)``... so no column hides another. A blank record is skipped (its number is not
    reused); a short one is padded with blanks, unless ``exact``; one with values past
    the header (blank ones are dropped) is refused. A message names a record as ``data
    row 3``, or with ``by_line`` as ``record 3 (line 5)``, the line it ends on.

    Examples
    --------
    >>> header, records = csv_records('a,b,a\n1,"x\ny"\n\n2,z,3,\n', Path("f.csv"))
    >>> header
    ['a', 'b', 'a (2)']
    >>> records
    [(1, {'a': '1', 'b': 'x\ny', 'a (2)': ''}), (3, {'a': '2', 'b': 'z', 'a (2)': '3'})]
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    records: list[tuple[int, Row]] = []
    number = 0
    try:
        for fields in reader:
            if not header:
                if any(f.strip() for f in fields):
                    header = _names(fields)
                continue
            number += 1
            if not any(f.strip() for f in fields):
                continue
            width = len(header)
            if any(f.strip() for f in fields[width:]) or (exact and len(fields) != width):
                where = _where(number, reader.line_num, by_line)
                raise UnreadableFile(
                    f"{path}: {where} has {len(fields)} fields but the header has {width}; "
                    "is a quote missing?",
                    file=str(path),
                )
            padded = fields[:width] + [""] * (width - len(fields))
            records.append((number, dict(zip(header, padded, strict=True))))
    except csv.Error as exc:
        where = _where(number + 1, reader.line_num, by_line)
        raise UnreadableFile(f"{path}: {where} is not valid CSV ({exc})", file=str(path)) from None
    if not header:
        raise UnreadableFile(f"{path}: empty file: expected a header row", file=str(path))
    return header, records


def _where(number: int, line: int, by_line: bool) -> str:
    return f"record {number} (line {line})" if by_line else f"data row {number}"


def _names(header: list[str]) -> list[str]:
    """Return header names stripped, blanks named by position, repeats numbered."""
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(header, 1):
        name = raw.strip() or f"Column {i}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out
