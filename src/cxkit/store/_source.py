"""What capabilities read from: anything that hands out workspace tables by name."""

from __future__ import annotations

from typing import Protocol

import ibis.expr.types as ir

__all__ = ["TableSource"]


class TableSource(Protocol):
    """A workspace, a filtered view of one, or a mirror on another engine."""

    def table(self, name: str) -> ir.Table:
        """Return the table ``name`` as an Ibis expression."""
        ...
