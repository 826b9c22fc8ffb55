"""Review importers: Trustpilot, and the app stores (Apple App Store, Google Play) -> feedback.

Every review becomes one ``feedback`` row with ``source = "review"``. Its ``text`` is the
review's title, a blank line, then its body (either part left out when blank: Google Play
reviews have no title any more), so text analytics see the headline, which often carries
the point; the title alone is kept as a custom field too. ``touchpoint`` names where the
review was written: ``trustpilot``, ``app_store`` or ``google_play``.

Layouts:

* ``trustpilot``: the Service Reviews API's JSON (``{"reviews": [...]}``, a list of reviews,
  or one review per line), fields as developers.trustpilot.com documents them (``id``,
  ``stars``, ``title``, ``text``, ``createdAt``, ``consumer.displayName``, ``referenceId``,
  ``companyReply``...); or the Business app's review export CSV (``Review ID``, ``Review
  Created (UTC)``, ``Review Stars``, ``Review Title``, ``Review Content``...). The key is
  ``trustpilot-<review id>`` in both, so the two load into the same rows.
* ``appstore``: App Store Connect's ``customerReviews`` JSON (``data[].attributes``, with
  ``included`` review responses), or Google Play Console's monthly reviews CSV
  (``reviews_<package>_<YYYYMM>.csv``, UTF-16). Which one a file is, is read from its content.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyarrow as pa

from cxkit.errors import UnreadableFile
from cxkit.importers._base import Importer, Part, register
from cxkit.ingest import Mapping

__all__: list[str] = []

Record = dict[str, str | None]

#: Trustpilot fields left out: API links, a reviewer's e-mail (PII the customer id already
#: links), and moderation internals no CX team slices by.
_TRUSTPILOT_DROP = frozenset(
    ("consumer.email", "referralEmail", "findReviewer", "reportData", "businessUnitHistory")
)
#: The Business export's columns this importer names (matched case-insensitively).
_TRUSTPILOT_CSV = (
    *("Review ID", "Review Created (UTC)", "Review Stars", "Review Title", "Review Content"),
    *("Review Username", "Reference ID"),
)

#: Custom fields are text unless declared here: free text and ids must stay text even
#: when a first load holds only "10" or "2.1" (a field's type is set by its first load).
_TRUSTPILOT_TYPES = {
    **dict.fromkeys(("updatedAt", "experiencedAt", "companyReply.createdAt"), "timestamp"),
    **dict.fromkeys(("companyReply.updatedAt", "Company Reply Date (UTC)"), "timestamp"),
    **dict.fromkeys(("isVerified", "countsTowardsTrustScore"), "boolean"),
    "consumer.numberOfReviews": "int64",
}
_APPLE_TYPES = {"response.lastModifiedDate": "timestamp"}
#: Google Play's header, in the order Play Console writes it.
GOOGLE_PLAY_HEADER = (
    *("Package Name", "App Version Code", "App Version Name", "Reviewer Language", "Device"),
    *("Review Submit Date and Time", "Review Submit Millis Since Epoch"),
    *("Review Last Update Date and Time", "Review Last Update Millis Since Epoch"),
    *("Star Rating", "Review Title", "Review Text"),
    *("Developer Reply Date and Time", "Developer Reply Millis Since Epoch"),
    *("Developer Reply Text", "Review Link"),
)
_GOOGLE_TYPES = {"App Version Code": "int64"} | dict.fromkeys(
    ("Review Last Update Date and Time", "Developer Reply Date and Time"), "timestamp"
)
#: The millisecond columns repeat the date-and-time columns beside them.
_GOOGLE_DROP = frozenset(c for c in GOOGLE_PLAY_HEADER if "Millis" in c)
_REVIEW_ID = re.compile(r"review[iI]d=([^&#]+)")

#: Each layout: the touchpoint its reviews are written at, canonical column -> source
#: column, the custom-field types, and the words naming it in the load's hash.
_LAYOUTS: dict[str, tuple[str, dict[str, str], dict[str, str], str]] = {
    "trustpilot-reviews": (
        "trustpilot",
        {"customer_id": "referenceId", "ts": "createdAt", "text": "text", "rating": "stars"}
        | {"author": "consumer.displayName", "likes": "numberOfLikes"},
        _TRUSTPILOT_TYPES,
        "Trustpilot Service Reviews API JSON, v1",
    ),
    "trustpilot-reviews-csv": (
        "trustpilot",
        {"customer_id": "Reference ID", "ts": "Review Created (UTC)", "text": "Review Content"}
        | {"rating": "Review Stars", "author": "Review Username"},
        _TRUSTPILOT_TYPES,
        "Trustpilot Business review export CSV, v1",
    ),
    "appstore-reviews": (
        "app_store",
        {"ts": "createdDate", "text": "body", "rating": "rating", "author": "reviewerNickname"},
        _APPLE_TYPES,
        "App Store Connect customerReviews JSON, v1",
    ),
    "googleplay-reviews": (
        "google_play",
        {"ts": "Review Submit Date and Time", "text": "Review Text", "rating": "Star Rating"},
        _GOOGLE_TYPES,
        "Google Play Console reviews CSV, v1",
    ),
}


# -- reading files -----------------------------------------------------------------------


def _read_text(path: Path) -> str:
    """Return a file's text: gzip unpacked, UTF-8 or UTF-16 (BOM or not) decoded."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot read it ({exc.strerror})", file=str(path)) from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise UnreadableFile(
                f"{path}: not a readable gzip file ({exc})", file=str(path)
            ) from None
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    elif data[1:2] == b"\x00" and data[:1] != b"\x00":
        encoding = "utf-16-le"  # Play Console's files without their byte-order mark
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"{path}: not {encoding} text (byte {exc.start:,}: {exc.reason}); "
            "save the export as UTF-8 or UTF-16",
            file=str(path),
        ) from None
    if not text.strip():
        raise UnreadableFile(f"{path}: the file is empty", file=str(path))
    return text


def _read_json(path: Path, text: str) -> Any:
    """Parse a JSON document, or JSON lines into a list (one value per line)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as whole:
        lines = text.splitlines()
        if sum(1 for line in lines if line.strip()) < 2:
            raise UnreadableFile(
                f"{path}: not valid JSON (line {whole.lineno}, column {whole.colno}: {whole.msg})",
                file=str(path),
            ) from None
    values = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                values.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise UnreadableFile(
                    f"{path}: line {number} is not valid JSON ({exc.msg}, column {exc.colno})",
                    file=str(path),
                ) from None
    return values


def _read_csv(path: Path, text: str) -> tuple[list[str], list[list[str]]]:
    """Split CSV text into its header and data records (quoted fields may span lines)."""
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    header = [h.strip() for h in records[0]]
    for number, record in enumerate(records[1:], 1):
        if len(record) > len(header):
            raise UnreadableFile(
                f"{path}: row {number} has {len(record)} fields, the header {len(header)}; "
                "a quote may be missing",
                file=str(path),
            )
    return header, records[1:]


def _flatten(
    value: Any, prefix: str = "", out: Record | None = None, drop: frozenset[str] = frozenset()
) -> Record:
    """Flatten a JSON object into text: nested objects as dotted names, lists as JSON text.

    Nulls are left out: the rows hold a column for every field some record has.
    """
    out = {} if out is None else out
    for key, item in value.items():
        name = f"{prefix}{key}"
        if item is None or name in drop or key == "links":
            continue  # a null object ("companyReply": null) would leave an empty column
        if isinstance(item, dict):
            _flatten(item, f"{name}.", out, drop)
        else:
            out[name] = _as_text(item)
    return out


def _as_text(value: Any) -> str | None:
    """Return a JSON value as text: None stays None, lists and objects become JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _table(records: Sequence[Record], rows: Sequence[int], columns: Sequence[str] = ()) -> pa.Table:
    """Build the rows of a part: every field as a text column (``columns`` first), and ``_row``."""
    names = dict.fromkeys(columns)
    for record in records:
        names.update(dict.fromkeys(record))
    data = {n: pa.array([r.get(n) for r in records], pa.string()) for n in names}
    return pa.table({**data, "_row": pa.array(rows, pa.int64())})


def _fields(rows: pa.Table, used: set[str], types: dict[str, str]) -> dict[str, Any]:
    """Keep every column no rule uses as a custom field: text unless ``types`` says otherwise."""
    out: dict[str, Any] = {}
    for name in rows.column_names:
        if name not in used and name != "_row":
            out[name] = {"column": name, "type": types.get(name, "string")}
    return out


def _joined(title: str | None, body: str | None) -> str | None:
    """Return a review's title and body as one text, a blank line between them."""
    parts = [p.strip() for p in (title, body) if p and p.strip()]
    return "\n\n".join(parts) or None


def _prefixed(prefix: str, value: str | None) -> str | None:
    """Return a feedback key, or None (quarantined) for a record without an id."""
    return f"{prefix}{value.strip()}" if value and value.strip() else None


def _part(path: Path, records: list[Record], layout: str) -> Part:
    """Make a file's feedback part: its records as rows and the mapping of its layout."""
    touchpoint, renames, types, words = _LAYOUTS[layout]
    rows = _table(records, range(1, len(records) + 1), ["feedback_id", *renames.values()])
    columns = {**renames, "source": {"value": "review"}, "touchpoint": {"value": touchpoint}}
    kept = _fields(rows, {"feedback_id", *renames.values()}, types)
    mapping = Mapping(columns=columns, fields=kept, name=layout, text=f"cxkit importer: {words}")
    return Part("feedback", rows, str(path), mapping)


# -- Trustpilot ---------------------------------------------------------------------------


def _trustpilot_json(path: Path, text: str) -> Part:
    data = _read_json(path, text)
    reviews = data.get("reviews") if isinstance(data, dict) else data
    if isinstance(data, dict) and reviews is None and "stars" in data:
        reviews = [data]  # a file holding one review
    if not isinstance(reviews, list) or not all(isinstance(r, dict) for r in reviews):
        raise UnreadableFile(
            f"{path}: not a Trustpilot reviews export; expected the Service Reviews API's "
            '{"reviews": [...]}, a JSON list of reviews or one review object per line',
            file=str(path),
        )
    for number, review in enumerate(reviews, 1):
        if "stars" not in review or "createdAt" not in review:
            raise UnreadableFile(
                f"{path}: record {number} is not a Trustpilot review (it has no 'stars' or "
                f"'createdAt'; it has {', '.join(list(review)[:12]) or 'no fields'})",
                file=str(path),
            )
    records = []
    for review in reviews:
        record = _flatten(review, drop=_TRUSTPILOT_DROP)
        record["feedback_id"] = _prefixed("trustpilot-", record.pop("id", None))
        record["text"] = _joined(record.get("title"), record.get("text"))
        records.append(record)
    return _part(path, records, "trustpilot-reviews")


def _trustpilot_csv(path: Path, text: str) -> Part:
    header, data = _read_csv(path, text)
    # The export has spelt its ids "Review Id" and "Review ID": match names case-insensitively.
    canonical = {c.lower(): c for c in _TRUSTPILOT_CSV}
    header = [canonical.get(h.lower(), h) for h in header]
    missing = [c for c in ("Review ID", "Review Created (UTC)", "Review Stars") if c not in header]
    if missing:
        raise UnreadableFile(
            f"{path}: not a Trustpilot review export; its header lacks {', '.join(missing)} "
            f"(it has {', '.join(header[:12])})",
            file=str(path),
        )
    records = []
    for values in data:
        record: Record = dict(zip(header, values, strict=False))
        record["feedback_id"] = _prefixed("trustpilot-", record.pop("Review ID", None))
        record["Review Content"] = _joined(record.get("Review Title"), record.get("Review Content"))
        records.append(record)
    return _part(path, records, "trustpilot-reviews-csv")


# -- App Store Connect and Google Play ----------------------------------------------------


def _apple(path: Path, text: str) -> Part:
    page = _read_json(path, text)
    reviews = page.get("data") if isinstance(page, dict) else None
    if not isinstance(reviews, list) or any(
        not isinstance(r, dict) or r.get("type") != "customerReviews" for r in reviews
    ):
        raise UnreadableFile(
            f"{path}: not an App Store Connect customer reviews response; expected "
            '{"data": [{"type": "customerReviews", "attributes": {...}}, ...]}',
            file=str(path),
        )
    responses = {
        r.get("id"): r.get("attributes") or {}
        for r in page.get("included") or []
        if isinstance(r, dict) and r.get("type") == "customerReviewResponses"
    }
    records = []
    for review in reviews:
        record = _flatten(review.get("attributes") or {})
        record["feedback_id"] = _prefixed("appstore-", _as_text(review.get("id")))
        record["body"] = _joined(record.get("title"), record.get("body"))
        link = ((review.get("relationships") or {}).get("response") or {}).get("data") or {}
        _flatten(responses.get(link.get("id"), {}), "response.", record)
        records.append(record)
    return _part(path, records, "appstore-reviews")


def _google_play_key(record: Record) -> str | None:
    """Return a Play review's key: its review id from the link, else package and submit time.

    The export has no id column; the review link carries Play's own id. A review without a
    link (a rating with no text) is keyed by its app and submit time to the millisecond.
    """
    found = _REVIEW_ID.search(record.get("Review Link") or "")
    if found:
        return f"googleplay-{unquote(found.group(1))}"
    package, millis = record.get("Package Name"), record.get("Review Submit Millis Since Epoch")
    if package and package.strip() and millis and millis.strip():
        return f"googleplay-{package.strip()}-{millis.strip()}"
    return None


def _google_play(path: Path, text: str) -> Part:
    header, data = _read_csv(path, text)
    missing = [
        c for c in ("Package Name", "Review Submit Date and Time", "Star Rating") if c not in header
    ]
    if missing:
        raise UnreadableFile(
            f"{path}: neither an App Store Connect reviews JSON nor a Google Play reviews CSV; "
            f"the header lacks {', '.join(missing)} (it has {', '.join(header[:12])})",
            file=str(path),
        )
    records = []
    for values in data:
        record: Record = dict(zip(header, values, strict=False))
        record["feedback_id"] = _google_play_key(record)
        record["Review Text"] = _joined(record.get("Review Title"), record.get("Review Text"))
        records.append({k: v for k, v in record.items() if k not in _GOOGLE_DROP})
    return _part(path, records, "googleplay-reviews")


def _by_content(
    json_layout: Callable[[Path, str], Part], csv_layout: Callable[[Path, str], Part]
) -> Callable[[Sequence[Path]], list[Part]]:
    """Return a reader that reads each file with the JSON or the CSV layout, by its content."""

    def read(paths: Sequence[Path]) -> list[Part]:
        texts = [(path, _read_text(path)) for path in paths]
        return [(json_layout if t.lstrip()[:1] in "[{" else csv_layout)(p, t) for p, t in texts]

    return read


register(
    Importer(
        "trustpilot",
        "Trustpilot reviews (Service Reviews API JSON or Business export CSV) -> feedback",
        _by_content(_trustpilot_json, _trustpilot_csv),
        "https://developers.trustpilot.com/business-units-api",
    )
)
register(
    Importer(
        "appstore",
        "App Store Connect customer reviews JSON or Google Play reviews CSV -> feedback",
        _by_content(_apple, _google_play),
        "https://developer.apple.com/documentation/appstoreconnectapi/customerreview; "
        "https://support.google.com/googleplay/android-developer/answer/6135870",
    )
)
