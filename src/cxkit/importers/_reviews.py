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

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import unquote

from cxkit.errors import UnreadableFile
from cxkit.importers._base import Importer, Part, register
from cxkit.importers._files import csv_records, is_json, parse_json, read_text
from cxkit.importers._rows import Numbered, Record, as_text, flatten, kept_fields, rows_table
from cxkit.ingest import Mapping

__all__: list[str] = []

#: Trustpilot fields left out: API links, a reviewer's e-mail (PII the customer id already
#: links), and moderation internals no CX team slices by.
_TRUSTPILOT_DROP = frozenset(
    ("consumer.email", "referralEmail", "findReviewer", "reportData", "businessUnitHistory")
)
#: Left out at any depth: the APIs' links to other resources.
_LINKS = frozenset({"links"})
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


def _joined(title: str | None, body: str | None) -> str | None:
    """Return a review's title and body as one text, a blank line between them."""
    parts = [p.strip() for p in (title, body) if p and p.strip()]
    return "\n\n".join(parts) or None


def _prefixed(prefix: str, value: str | None) -> str | None:
    """Return a feedback key, or None (quarantined) for a record without an id."""
    return f"{prefix}{value.strip()}" if value and value.strip() else None


def _part(path: Path, records: Numbered, layout: str) -> Part:
    """Make a file's feedback part: its records as rows and the mapping of its layout."""
    touchpoint, renames, types, words = _LAYOUTS[layout]
    used = ["feedback_id", *renames.values()]
    rows = rows_table(records, used, first=True)
    columns = {**renames, "source": {"value": "review"}, "touchpoint": {"value": touchpoint}}
    kept = kept_fields(rows, used, types, default="string")
    mapping = Mapping(columns=columns, fields=kept, name=layout, text=f"cxkit importer: {words}")
    return Part("feedback", rows, str(path), mapping)


# -- Trustpilot ---------------------------------------------------------------------------


def _trustpilot_json(path: Path, text: str) -> Part:
    data, lines = parse_json(text, path)
    reviews = data.get("reviews") if isinstance(data, dict) else data
    if isinstance(data, dict) and reviews is None and "stars" in data:
        reviews = [data]  # a file holding one review
    if not isinstance(reviews, list) or not all(isinstance(r, dict) for r in reviews):
        raise UnreadableFile(
            f"{path}: not a Trustpilot reviews export; expected the Service Reviews API's "
            '{"reviews": [...]}, a JSON list of reviews or one review object per line',
            file=str(path),
        )
    # JSON lines are numbered by line, a list's reviews by their place in it.
    numbered = list(zip(lines or range(1, len(reviews) + 1), reviews, strict=True))
    for number, review in numbered:
        if "stars" not in review or "createdAt" not in review:
            raise UnreadableFile(
                f"{path}: record {number} is not a Trustpilot review (it has no 'stars' or "
                f"'createdAt'; it has {', '.join(list(review)[:12]) or 'no fields'})",
                file=str(path),
            )
    records = []
    for number, review in numbered:
        record = flatten(review, drop=_TRUSTPILOT_DROP, drop_keys=_LINKS, nulls=False)
        record["feedback_id"] = _prefixed("trustpilot-", record.pop("id", None))
        record["text"] = _joined(record.get("title"), record.get("text"))
        records.append((number, record))
    return _part(path, records, "trustpilot-reviews")


def _trustpilot_csv(path: Path, text: str) -> Part:
    header, data = csv_records(text, path)
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
    for number, row in data:
        record: Record = dict(zip(header, row.values(), strict=True))
        record["feedback_id"] = _prefixed("trustpilot-", record.pop("Review ID", None))
        record["Review Content"] = _joined(record.get("Review Title"), record.get("Review Content"))
        records.append((number, record))
    return _part(path, records, "trustpilot-reviews-csv")


# -- App Store Connect and Google Play ----------------------------------------------------


def _apple(path: Path, text: str) -> Part:
    page, _ = parse_json(text, path)
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
    for number, review in enumerate(reviews, 1):
        record = flatten(review.get("attributes") or {}, drop_keys=_LINKS, nulls=False)
        record["feedback_id"] = _prefixed("appstore-", as_text(review.get("id")))
        record["body"] = _joined(record.get("title"), record.get("body"))
        link = ((review.get("relationships") or {}).get("response") or {}).get("data") or {}
        response = responses.get(link.get("id"), {})
        record |= flatten(response, "response.", drop_keys=_LINKS, nulls=False)
        records.append((number, record))
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
    header, data = csv_records(text, path)
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
    for number, row in data:
        record: Record = dict(row)
        record["feedback_id"] = _google_play_key(record)
        record["Review Text"] = _joined(record.get("Review Title"), record.get("Review Text"))
        records.append((number, {k: v for k, v in record.items() if k not in _GOOGLE_DROP}))
    return _part(path, records, "googleplay-reviews")


def _by_content(
    json_layout: Callable[[Path, str], Part], csv_layout: Callable[[Path, str], Part]
) -> Callable[[Sequence[Path]], list[Part]]:
    """Return a reader that reads each file with the JSON or the CSV layout, by its content."""

    def read(paths: Sequence[Path]) -> list[Part]:
        # Play Console writes UTF-16.
        texts = [(path, read_text(path, utf16=True)) for path in paths]
        return [(json_layout if is_json(t) else csv_layout)(p, t) for p, t in texts]

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
