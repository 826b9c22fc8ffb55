"""The workspace's clock: every time is stored as naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["now_utc"]


def now_utc() -> datetime:
    """Return the current time in UTC, without time zone (as the workspace stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)
