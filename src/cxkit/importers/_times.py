"""Epoch times, as APIs and exports write them, as the ISO UTC text validation reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["micros_to_iso", "unix_to_iso"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def unix_to_iso(seconds: float) -> str | None:
    """Return Unix seconds as ISO UTC text, None when no time is that (NaN, past 9999).

    Examples
    --------
    >>> unix_to_iso(1709283600), unix_to_iso(1709283600.25), unix_to_iso(1e20)
    ('2024-03-01T09:00:00Z', '2024-03-01T09:00:00.250000Z', None)
    """
    try:
        when = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return when.isoformat().replace("+00:00", "Z")


def micros_to_iso(value: Any) -> str | None:
    """Return microseconds since the epoch as ISO UTC text, exact; other text unchanged.

    Examples
    --------
    >>> micros_to_iso("1704448800123456")
    '2024-01-05T10:00:00.123456Z'
    >>> micros_to_iso(0), micros_to_iso("soon"), micros_to_iso(None)
    ('1970-01-01T00:00:00.000000Z', 'soon', None)
    """
    if value is None:
        return None
    text = str(value).strip()
    try:
        # timedelta is integer arithmetic: no float rounding of the microseconds.
        when = _EPOCH + timedelta(microseconds=int(text))
    except (ValueError, OverflowError):
        return text
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
