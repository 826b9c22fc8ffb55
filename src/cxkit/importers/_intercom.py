"""Intercom: conversations, as the Conversations API returns them, into ``tickets``.

A file holds list or search pages (``{"type": "conversation.list", "conversations":
[...]}``), one conversation (``{"type": "conversation", ...}``), a JSON array of them, or
NDJSON, one conversation a line; gzip is read transparently.

Each conversation is one ticket: ticket_id = ``intercom-<id>`` (Intercom numbers
conversations 1, 2, 3... as Zendesk numbers tickets, so bare ids of two help desks in one
workspace would merge); customer_id = the first contact's ``id`` (its ``external_id``,
the company's own user id, stays as the field ``contact_external_id``); agent_id =
``admin_assignee_id``; channel = ``source.type`` (conversation, chat, messenger, whatsapp,
sms -> chat; email -> email; phone_call, phone_switch, phone -> phone; facebook,
instagram, twitter -> social; push -> app; any other value stays as it is, so validation
names it); topic = the first tag's name; first_response_at =
``statistics.first_admin_reply_at``; resolved_at = ``statistics.last_close_at`` while the
conversation is closed (a reopened one is not resolved); contacts =
``statistics.count_reopens`` + 1; csat = ``conversation_rating.rating`` (1-5).

Times are Unix seconds; each (``created_at``, every ``..._at``, ``waiting_since``,
``snoozed_until``) becomes ISO UTC text here, and a value that is not a JSON number stays
as it is, for validation to read (ISO text) or name. State, priority, title, tags (their names, as a
JSON list), statistics, custom_attributes... stay as fields.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cxkit.errors import UnreadableFile
from cxkit.importers._base import Importer, Part, register
from cxkit.importers._files import Records, is_json, json_records, read_text
from cxkit.importers._rows import flatten, kept_fields, rows_table
from cxkit.importers._times import unix_to_iso
from cxkit.ingest import Mapping

__all__: list[str] = []

_CHANNELS = {
    "conversation": "chat", "chat": "chat", "messenger": "chat", "whatsapp": "chat",
    "sms": "chat", "email": "email", "phone_call": "phone", "phone_switch": "phone",
    "phone": "phone", "facebook": "social", "instagram": "social", "twitter": "social",
    "push": "app",
}  # fmt: skip
#: Dropped: message bodies (HTML) and attachments, the parts of the conversation (bulky),
#: links to other objects, the author's e-mail, and the lists read into fields of their own.
_DROP = {
    "id", "type", "source.body", "source.attachments", "source.author.email",
    "conversation_parts", "linked_objects", "contacts", "tags", "topics",
    "teammates.type", "statistics.type", "conversation_rating.contact",
    "conversation_rating.teammate.type",
}  # fmt: skip
#: Times that may lie ahead: text, not timestamps, since validation quarantines a
#: timestamp after the load as implausible.
_AHEAD = {"snoozed_until"}
_RULES: dict[str, Any] = {
    "ticket_id": "ticket_id",
    "customer_id": "contact_id",
    "agent_id": "admin_assignee_id",
    "channel": {"column": "source.type", "map": _CHANNELS},
    "topic": "topic",
    "created_at": "created_at",
    "first_response_at": "statistics.first_admin_reply_at",
    "resolved_at": {"column": "statistics.last_close_at", "when": {"state": "closed"}},
    "contacts": "contacts",
    "csat": "conversation_rating.rating",
}
_USED = [r if isinstance(r, str) else r["column"] for r in _RULES.values()]
_TEXT = "cxkit intercom importer, layout 1: Conversations API (2.x) conversation objects"


def _iso(value: Any) -> Any:
    """Return Unix seconds (a JSON number) as ISO UTC text; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    iso = unix_to_iso(value)
    return value if iso is None else iso  # NaN, infinity, beyond year 9999: as it is


def _times(record: dict[str, Any]) -> dict[str, Any]:
    """Return ``record`` with its Unix times (at any depth) as ISO text."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out[key] = _times(value)
        elif key.endswith("_at") or key in ("waiting_since", "snoozed_until"):
            out[key] = _iso(value)
        else:
            out[key] = value
    return out


def _items(value: Any, key: str) -> list[dict[str, Any]]:
    """Return the objects of an Intercom list wrapper (``{"type": "tag.list", "tags": []}``)."""
    items = value.get(key) if isinstance(value, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _row(record: dict[str, Any]) -> dict[str, str | None]:
    """Flatten one conversation, with the fields read from its lists."""
    contacts = _items(record.get("contacts"), "contacts")
    tags = [t.get("name") for t in _items(record.get("tags"), "tags")]
    topics = [t.get("name") for t in _items(record.get("topics"), "topics")]
    stats = record.get("statistics")
    ident = record.get("id")
    reopens = stats.get("count_reopens") if isinstance(stats, dict) else None
    return {
        **flatten(_times(record), drop=_DROP),
        "ticket_id": f"intercom-{ident}" if ident not in (None, "") else None,
        "contact_id": str(contacts[0]["id"]) if contacts and contacts[0].get("id") else None,
        "contact_external_id": (contacts[0].get("external_id") or None) if contacts else None,
        "tags": json.dumps(tags, ensure_ascii=False),
        "topics": json.dumps(topics, ensure_ascii=False) if topics else None,
        "topic": str(tags[0]) if tags and tags[0] is not None else None,
        "contacts": _contacts(reopens),
    }


def _contacts(reopens: Any) -> str | None:
    """Return reopens + 1, or the raw value (for validation to name) if not a whole number."""
    if reopens is None or isinstance(reopens, bool):
        return None if reopens is None else str(reopens)
    try:
        n = float(reopens)
    except (TypeError, ValueError):
        return str(reopens)
    return str(int(n) + 1) if math.isfinite(n) and n == int(n) else str(reopens)


def _records(path: Path) -> Records:
    """Return a file's conversations, numbered in it; `UnreadableFile` for anything else."""
    text = read_text(path)
    if not is_json(text):
        raise UnreadableFile(
            f"{path}: not JSON; expected Intercom conversations as the Conversations API "
            "returns them (a conversation.list page, or NDJSON, one conversation a line)",
            file=str(path),
        )
    groups = json_records(text, path, ["conversations"])
    records = groups.get("conversations", groups.get("", []))
    for n, record in records:
        kind = record.get("type", "conversation")
        if kind != "conversation" or "created_at" not in record or "id" not in record:
            what = f"a {kind!r} object" if kind != "conversation" else "an object"
            fields = ", ".join(list(record)[:12])
            raise UnreadableFile(
                f"{path}: record {n} is {what} with fields {fields}, not an Intercom "
                "conversation (type, id, created_at, source, statistics...)",
                file=str(path),
            )
    return records


def read(paths: Sequence[Path]) -> list[Part]:
    """Read Intercom conversations files into one ``tickets`` part each."""
    parts = []
    for path in paths:
        # Every column a rule reads, "state" too: a conversation may lack statistics.
        table = rows_table([(n, _row(r)) for n, r in _records(path)], [*_USED, "state"])
        fields = kept_fields(table, _USED, dict.fromkeys(_AHEAD, "string"), filled=True)
        mapping = Mapping(_RULES, fields=fields, name="intercom-conversations", text=_TEXT)
        parts.append(Part("tickets", table, str(path), mapping))
    return parts


register(
    Importer(
        "intercom",
        "Intercom conversations (Conversations API JSON pages or NDJSON) -> tickets",
        read,
        "https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/",
    )
)
