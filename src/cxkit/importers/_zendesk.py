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

import json
import math
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from cxkit.errors import UnreadableFile
from cxkit.importers._base import Importer, Part, register
from cxkit.importers._files import Records, csv_records, is_json, json_records, read_text
from cxkit.importers._rows import flatten, kept_fields, rows_table
from cxkit.ingest import Mapping, field_name

__all__: list[str] = []

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
    if not is_json(text):
        header, records = csv_records(text, path, exact=True)
        return [(_kind(path, header), records)]
    out = []
    for key, records in json_records(text, path, list(_LISTS)).items():
        flat: Records = [(n, _expand(r)) for n, r in records]
        kind = _LISTS.get(key) or _kind(path, list(dict.fromkeys(k for _, r in flat for k in r)))
        out.append((kind, flat))
    return out


def _ahead(rows: pa.Table) -> dict[str, str]:
    """Return the columns of times that may lie ahead, typed as text."""
    return {c: "string" for c in rows.column_names if field_name(c) in _AHEAD}


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
        columns=rules,
        fields=kept_fields(table, used, _ahead(table), filled=True),
        name="zendesk-tickets",
        text=_TEXT,
    )
    return Part("tickets", table, str(path), mapping)


def _users(path: Path, records: Records) -> Part:
    names = _names(records)
    keep = _kept(names.values(), _DROP_USER)
    table = rows_table([(n, {k: v for k, v in r.items() if k in keep}) for n, r in records])
    key, used = names.get("id", "id"), {names.get(c, c) for c in ("name", "email", "phone")}
    fields = kept_fields(table, {key, names.get("created_at", ""), *used}, filled=True)
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
