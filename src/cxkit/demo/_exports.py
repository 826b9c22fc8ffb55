"""The demo's vendor exports: tickets as Intercom conversations, answers as Delighted's CSV.

A real company's data arrives in its tools' own layouts, so the demo writes two of its
tables that way and loads them through ``cx import`` (`cxkit.importers`), as a new user's
exports would be. The layouts follow the importers' references (Intercom's Conversations
API, NDJSON; Delighted's responses CSV, with the demo's touchpoint, channel and survey as
custom properties named like the canonical columns, which the mapping picks up by name).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

__all__ = ["EXPORTS", "VendorExports"]

#: Canonical table -> (importer, file under ``files/``).
EXPORTS = {
    "tickets": ("intercom", "intercom_conversations.ndjson"),
    "responses": ("delighted", "delighted_responses.csv"),
}

#: The ticket's channel -> Intercom's ``source.type`` (the importer maps it back).
_SOURCE_TYPES = {"chat": "conversation", "email": "email", "phone": "phone_call"}

_DELIGHTED = ["Response ID", "Score", "Comment", "Response timestamp", "Customer ID"]
_DELIGHTED += ["Survey type", "touchpoint", "channel", "survey_id"]


def _seconds(value: Any) -> int | None:
    return None if value is None else int(value.timestamp())


def conversation(ticket: dict[str, Any]) -> dict[str, Any]:
    """Return one demo ticket as an Intercom conversation object."""
    resolved = ticket["resolved_at"]
    rating = ticket["csat"]
    return {
        "type": "conversation",
        "id": ticket["ticket_id"],
        "created_at": _seconds(ticket["created_at"]),
        "source": {"type": _SOURCE_TYPES[ticket["channel"]], "delivered_as": "customer_initiated"},
        "contacts": {
            "type": "contact.list",
            "contacts": [{"type": "contact", "id": ticket["customer_id"]}],
        },
        "admin_assignee_id": ticket["agent_id"],
        "state": "closed" if resolved is not None else "open",
        "tags": {"type": "tag.list", "tags": [{"type": "tag", "name": ticket["topic"]}]},
        "statistics": {
            "type": "conversation_statistics",
            "first_admin_reply_at": _seconds(ticket["first_response_at"]),
            "last_close_at": _seconds(resolved),
            "count_reopens": ticket["contacts"] - 1,
        },
        "conversation_rating": None if rating is None else {"rating": rating},
    }


def _answer(r: dict[str, Any]) -> list[Any]:
    ts = r["ts"].strftime("%Y-%m-%d %H:%M:%S +0000")
    return [r["response_id"], r["score"], r["comment"] or "", ts, r["customer_id"], r["kind"]]


class VendorExports:
    """Append demo tables, chunk by chunk, to their vendor-format files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, TextIO] = {}

    def path(self, table: str) -> Path:
        """Return the export file of ``table``."""
        return self.folder / EXPORTS[table][1]

    def _open(self, table: str) -> TextIO:
        if table not in self._files:
            self._files[table] = open(self.path(table), "w", encoding="utf-8", newline="")  # noqa: SIM115
            if table == "responses":
                csv.writer(self._files[table]).writerow(_DELIGHTED)
        return self._files[table]

    def write(self, table: str, rows: pa.Table) -> None:
        """Append ``rows`` of ``tickets`` or ``responses`` in the vendor's layout."""
        out = self._open(table)
        if table == "tickets":
            for ticket in rows.to_pylist():
                out.write(json.dumps(conversation(ticket)) + "\n")
            return
        writer = csv.writer(out)
        for r in rows.to_pylist():
            writer.writerow(
                [*_answer(r), r["touchpoint"] or "", r["channel"] or "", r["survey_id"] or ""]
            )

    def close(self) -> None:
        """Close every file."""
        for f in self._files.values():
            f.close()
