"""Zendesk Support: tickets, ticket metrics and users, as the API and its exports write them.

A file is told by its content, not its name (gzip is read transparently): a JSON page of
the Support API (``{"tickets": [...]}`` with its ``users`` and ``metric_sets`` sideloads,
``{"ticket_metrics": [...]}``, ``{"users": [...]}``, search ``results``), NDJSON
as the full JSON export writes it (one record a line), or CSV with the API's field names,
nested ones joined by ``_`` (``via_channel``) as in Fivetran's Zendesk tables.

Tickets -> ``tickets``: ticket_id = ``id``, customer_id = ``requester_id``, agent_id =
``assignee_id``, ``created_at``; channel = ``via.channel`` (voice -> phone; mobile,
mobile_sdk -> app; twitter, facebook, instagram_dm -> social; web, web_form, help_center
-> web; chat, native_messaging, whatsapp -> chat; email -> email; any other value, such
as ``api``, stays as it is so validation names it: add it to ``[vocabularies] channels``
in cx.toml to accept it); topic = the first of ``tags`` (``type``, one of question,
incident, problem and task, is too coarse for a topic).
CSAT convention: ``satisfaction_rating.score`` good -> 5 and bad -> 1, the ends of the 1-5
scale, so the CSAT metric (share of 4-5) is Zendesk's satisfaction score; ``offered``
(asked, not answered) and ``unoffered`` leave csat empty.
Ticket metrics (another file, by ``ticket_id``): first_response_at = created_at +
``reply_time_in_seconds.calendar`` (else ``reply_time_in_minutes.calendar`` minutes);
resolved_at = ``solved_at``; contacts = ``reopens`` + 1 (each reopening is one more
contact; ``replies`` stays a field, for one-touch counts); the other metrics become
fields ``metric_set_...``. Metrics of a ticket no file of the import holds load alone
(created_at = the metric record's), to merge with the ticket when it comes.

Users -> ``customers``: customer_id = ``id``; role (agents are users too), tags... are fields.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import zlib
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cxkit.errors import UnreadableFile
from cxkit.importers._base import Importer, Part, register
from cxkit.ingest import Mapping, field_name

__all__ = ["csv_records", "flatten", "json_records", "kept_fields", "read_text", "rows_table"]

Records = list[tuple[int, dict[str, Any]]]
Fields = dict[str, Any]

_CHANNELS = {
    "voice": "phone", "mobile": "app", "mobile_sdk": "app", "twitter": "social",
    "facebook": "social", "instagram_dm": "social", "web": "web", "web_form": "web",
    "help_center": "web", "email": "email", "chat": "chat", "native_messaging": "chat",
    "whatsapp": "chat",
}  # fmt: skip
_CSAT = {"good": 5, "bad": 1, "offered": "", "unoffered": ""}
#: Page lists -> what their records are ("" = tell by the fields).
_LISTS = {
    "tickets": "tickets", "ticket_metrics": "ticket_metrics", "metric_sets": "ticket_metrics",
    "users": "users", "results": "",
}  # fmt: skip
#: Fields dropped, as `field_name` writes them: links, bodies, id lists nobody slices by,
#: ``fields`` (a copy of ``custom_fields``), and the loaders' own columns (``_...``).
_DROP_TICKET = {
    "url", "description", "raw_subject", "fields", "comments", "collaborator_ids",
    "follower_ids", "email_cc_ids", "sharing_agreement_ids", "followup_ids",
    "merged_ticket_ids", "satisfaction_rating_url", "generated_timestamp",
}  # fmt: skip
_DROP_METRIC = {"id", "ticket_id", "url", "created_at", "updated_at"}
_DROP_USER = {"url", "remote_photo_url", "authenticity_token", "signature", "photo"}
#: Times that may lie ahead (a task's due date): text, not timestamps, since validation
#: quarantines a timestamp after the load as implausible.
_AHEAD = {"due_at"}
_TEXT = "cxkit zendesk importer, layout 1: Support API tickets/ticket_metrics/users"


def read_text(path: Path) -> str:
    """Return a file's text, gunzipped when it is gzip; `UnreadableFile` when it cannot be."""
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8-sig")
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableFile(f"{path}: cannot be read: {exc}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        why = f"not UTF-8 text (byte {exc.start}); export it again as UTF-8"
        raise UnreadableFile(f"{path}: {why}", file=str(path)) from None
    if not text.strip():
        raise UnreadableFile(f"{path}: the file is empty", file=str(path))
    return text


def json_records(text: str, path: Path, lists: Collection[str]) -> dict[str, Records]:
    """Return the records of a JSON page, array or NDJSON file, by the list holding them.

    A page (an object holding some of ``lists``) gives each list's objects, numbered from
    1 in it; an array or a lone object gives its objects under ``""``; NDJSON gives one
    object a line under ``""``, numbered by line.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as whole:
        found: Records = []
        for n, line in ((n, x) for n, x in enumerate(text.splitlines(), 1) if x.strip()):
            try:
                found.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                why = f"line {n} is not JSON ({exc.msg}); expected one object a line"
                raise UnreadableFile(
                    f"{path}: {why if found else f'not JSON: {whole}'}", file=str(path)
                ) from None
        groups = {"": found}
    else:
        if isinstance(doc, dict) and any(isinstance(doc.get(k), list) for k in lists):
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


def csv_records(text: str, path: Path) -> tuple[list[str], Records]:
    """Return a CSV file's header and data rows (header -> text), numbered from 1."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        rows = [(n, row) for n, row in enumerate(reader, 1) if row]
    except csv.Error as exc:
        raise UnreadableFile(f"{path}: not a CSV file: {exc}", file=str(path)) from None
    for n, row in rows:
        if len(row) != len(header):
            raise UnreadableFile(
                f"{path}: data row {n} has {len(row)} fields; the header has {len(header)}",
                file=str(path),
            )
    return header, [(n, dict(zip(header, row, strict=True))) for n, row in rows]


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    """Flatten nested objects into dotted names; lists stay JSON text, values become text.

    Examples
    --------
    >>> flatten({"id": 7, "via": {"channel": "web", "source": {}}, "tags": ["a"], "x": None})
    {'id': '7', 'via.channel': 'web', 'tags': '["a"]', 'x': None}
    """
    out: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = None if value is None else str(value)
    return out


def rows_table(records: Records, ensure: Iterable[str] = ()) -> pa.Table:
    """Return records as text columns (every name any has, and ``ensure``) plus ``_row``."""
    names = dict.fromkeys(k for _, r in records for k in r)
    names.update(dict.fromkeys(n for n in ensure if n not in names))
    columns = {n: pa.array([r.get(n) for _, r in records], pa.string()) for n in names}
    columns["_row"] = pa.array([n for n, _ in records], pa.int64())
    return pa.table(columns)


def kept_fields(rows: pa.Table, used: Collection[str], text: Collection[str] = ()) -> Fields:
    """Return the custom fields of a part: each filled column no rule uses (``text`` as text).

    This is ``fields = "rest"`` spelt out, so that times which may lie ahead stay text and
    a field no row fills waits for a load that does (its type would be a guess).
    """
    kept = [c for c in rows.column_names if c not in used and c != "_row"]
    full = [c for c in kept if pc.max(pc.utf8_length(pc.utf8_trim_whitespace(rows[c]))).as_py()]
    return {
        c: {"column": c, "type": "string"} if field_name(c) in text else {"column": c} for c in full
    }


def _kept(names: Iterable[str], dropped: Collection[str]) -> set[str]:
    """Return the source fields that stay: not dropped, not a loader's own (``_fivetran_...``)."""
    return {
        n
        for n, f in ((n, field_name(n)) for n in names)
        if not n.startswith("_") and not any(f == d or f.startswith(f"{d}_") for d in dropped)
    }


def _names(records: Records) -> dict[str, str]:
    """Map each field's `field_name` to its name in the file (``via_channel``, ``via.channel``)."""
    return dict(reversed([(field_name(k), k) for _, r in records for k in r]))


def _time(text: str | None) -> datetime | None:
    """Parse an API or CSV time (UTC when it has no offset), None when it is not one."""
    try:
        t = datetime.fromisoformat(str(text).strip())
    except ValueError:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _number(text: str | None) -> float | None:
    try:
        x = float(str(text))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _first_tag(text: str | None) -> str | None:
    """Return the first tag of a JSON list, or of space-separated tags (CSV)."""
    if not text or not text.strip():
        return None
    try:
        tags = json.loads(text)
    except json.JSONDecodeError:
        tags = text.split()
    return str(tags[0]) if isinstance(tags, list) and tags and tags[0] is not None else None


def _first_response(created: str | None, m: dict[str, str | None]) -> str | None:
    """Return created_at + the first reply time: a time, or the raw value if not a number."""
    seconds = m.get("reply_time_in_seconds_calendar")
    exact = seconds not in (None, "")
    reply = seconds if exact else m.get("reply_time_in_minutes_calendar")
    if reply in (None, ""):
        return None
    wait, start = _number(reply), _time(created)
    if wait is None:
        return reply  # validation names it
    if start is None:
        return None  # created_at is bad, and validation names that
    try:
        at = start + timedelta(seconds=wait if exact else wait * 60)
    except OverflowError:  # past year 9999: validation names it
        return reply
    solved = _time(m.get("solved_at"))
    # Whole minutes can round past a reply sent as the ticket was solved.
    if not exact and solved and solved < at <= solved + timedelta(minutes=1):
        at = solved
    return at.isoformat().replace("+00:00", "Z")


def _contacts(reopens: str | None) -> str | None:
    """Return reopens + 1, or the raw value if it is not a whole number."""
    n = _number(reopens)
    if n is None or n != int(n):
        return reopens or None
    return str(int(n) + 1)


def _kind(path: Path, names: list[str]) -> str:
    """Tell tickets, ticket metrics and users apart by their fields."""
    have = {field_name(n) for n in names}
    if "ticket_id" in have and have & {"reply_time_in_minutes_calendar", "solved_at", "reopens"}:
        return "ticket_metrics"
    if {"id", "requester_id"} <= have:
        return "tickets"
    if {"id", "role"} <= have or {"id", "name", "email"} <= have:
        return "users"
    expected = "id, requester_id (tickets), ticket_id, reply_time_in_minutes (metrics) or id, role"
    raise UnreadableFile(
        f"{path}: not Zendesk tickets, ticket metrics or users: expected fields {expected} "
        f"(users); the file has: {', '.join(names[:20])}",
        file=str(path),
    )


def _groups(path: Path) -> list[tuple[str, Records]]:
    """Return a file's records, flattened, by kind (tickets, ticket_metrics, users)."""
    text = read_text(path)
    if text.lstrip()[:1] not in ("{", "["):
        header, records = csv_records(text, path)
        return [(_kind(path, header), records)]
    out = []
    for key, records in json_records(text, path, list(_LISTS)).items():
        flat: Records = [(n, _expand(r)) for n, r in records]
        kind = _LISTS.get(key) or _kind(path, list(dict.fromkeys(k for _, r in flat for k in r)))
        out.append((kind, flat))
    return out


def _normal(record: dict[str, Any]) -> dict[str, Any]:
    return {field_name(k): v for k, v in record.items()}


def _expand(record: dict[str, Any]) -> dict[str, str | None]:
    """Flatten a record, a ticket's ``custom_fields`` list into one field per field id."""
    custom = record.get("custom_fields")
    if isinstance(custom, list) and all(isinstance(f, dict) and "id" in f for f in custom):
        record = {k: v for k, v in record.items() if k != "custom_fields"}
        for f in custom:
            record[f"custom_fields.{f['id']}"] = f.get("value")
    return flatten(record)


def _tickets(path: Path, records: Records, metrics: dict[str, dict[str, str | None]]) -> Part:
    names = _names(records)

    def col(name: str) -> str:
        return names.get(field_name(name), name)

    keep = _kept(names.values(), _DROP_TICKET)
    rows: Records = []
    for n, record in records:
        m = metrics.get(str(record.get(col("id"))), {})
        row = {k: v for k, v in record.items() if k in keep}
        row.update({f"metric_set.{k}": v for k, v in m.items() if k not in _DROP_METRIC})
        row["topic"] = _first_tag(record.get(col("tags")))
        row["first_response_at"] = _first_response(record.get(col("created_at")), m)
        row["contacts"] = _contacts(m.get("reopens"))
        rows.append((n, row))
    rules: dict[str, Any] = {
        "ticket_id": col("id"),
        "customer_id": col("requester_id"),
        "agent_id": col("assignee_id"),
        "created_at": col("created_at"),
        "channel": {"column": col("via.channel"), "map": _CHANNELS},
        "csat": {"column": col("satisfaction_rating.score"), "map": _CSAT},
        "topic": "topic",
        "first_response_at": "first_response_at",
        "resolved_at": "metric_set.solved_at",
        "contacts": "contacts",
    }
    used = {r if isinstance(r, str) else r["column"] for r in rules.values()}
    table = rows_table(rows, used)
    mapping = Mapping(
        columns=rules, fields=kept_fields(table, used, _AHEAD), name="zendesk-tickets", text=_TEXT
    )
    return Part("tickets", table, str(path), mapping)


def _users(path: Path, records: Records) -> Part:
    names = _names(records)
    keep = _kept(names.values(), _DROP_USER)
    table = rows_table([(n, {k: v for k, v in r.items() if k in keep}) for n, r in records])
    key, used = names.get("id", "id"), {names.get(c, c) for c in ("name", "email", "phone")}
    fields = kept_fields(table, {key, names.get("created_at", ""), *used})
    mapping = Mapping({"customer_id": key}, fields=fields, name="zendesk-users", text=_TEXT)
    return Part("customers", table, str(path), mapping)


def read(paths: Sequence[Path]) -> list[Part]:
    """Read Zendesk tickets, ticket metrics and users files into parts."""
    groups = [
        # Metrics by field_name (reply_time_in_minutes_calendar): one spelling, JSON or CSV.
        (path, kind, [(n, _normal(r)) for n, r in rs] if kind == "ticket_metrics" else rs)
        for path in paths
        for kind, rs in _groups(path)
    ]
    measured = [m for _, kind, records in groups if kind == "ticket_metrics" for _, m in records]
    metrics = {str(m["ticket_id"]): m for m in measured if m.get("ticket_id")}
    parts, held = [], set()
    for path, kind, records in groups:
        if kind == "tickets":
            parts.append(_tickets(path, records, metrics))
            key = _names(records).get("id", "id")
            held |= {str(r.get(key)) for _, r in records}
        elif kind == "users":
            parts.append(_users(path, records))
    for path, kind, records in groups:
        alone = [(n, m) for n, m in records if str(m.get("ticket_id")) not in held]
        if kind == "ticket_metrics" and alone:
            rows = [
                (n, {"id": m.get("ticket_id"), "created_at": m.get("created_at")}) for n, m in alone
            ]
            parts.append(_tickets(path, rows, {str(m.get("ticket_id")): m for _, m in alone}))
    return parts


register(
    Importer(
        "zendesk",
        "Zendesk Support tickets (with ticket metrics) and users: API JSON pages, NDJSON "
        "export, CSV -> tickets, customers",
        read,
        "https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/",
    )
)
