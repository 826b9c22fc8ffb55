"""Journeys as cases: events ordered per customer, or per session split by an inactivity gap."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from cxkit.errors import ConfigError
from cxkit.store import TableSource

__all__ = ["SegmentView", "cases"]


def cases(source: TableSource, *, by: str = "customer", gap_minutes: float = 30) -> ir.Table:
    """Return events with ``case_id`` and their 0-based ``step`` within the case.

    Parameters
    ----------
    source
        A workspace (or anything with ``table(name)``).
    by
        ``customer`` (one journey per customer) or ``session`` (a new journey after
        ``gap_minutes`` without an event).
    gap_minutes
        The inactivity gap that ends a session.
    """
    e = source.table("events")
    order = [e.ts, e.seq, e.event_id]
    if by == "customer":
        e = e.mutate(case_id=e.customer_id)
    elif by == "session":
        w = ibis.window(group_by=e.customer_id, order_by=order)
        gap = e.ts.epoch_seconds() - e.ts.lag().over(w).epoch_seconds()
        e = e.mutate(_new=(gap.isnull() | (gap > gap_minutes * 60)).cast("int64"))
        running = ibis.window(
            group_by=e.customer_id, order_by=[e.ts, e.seq, e.event_id], rows=(None, 0)
        )
        e = e.mutate(case_id=e.customer_id + "#" + e._new.sum().over(running).cast("string"))
        e = e.drop("_new")
    else:
        raise ValueError(f"by must be 'customer' or 'session', not {by!r}")
    step = ibis.window(group_by=e.case_id, order_by=[e.ts, e.seq, e.event_id])
    return e.mutate(step=ibis.row_number().over(step))


class SegmentView:
    """A source whose customer tables hold only some customers: a segment, or by any column.

    ``where`` maps customer columns (custom fields too: a plan, a region) to the value kept,
    compared as text, so journeys can be sliced by whatever the customer data carries.
    """

    def __init__(
        self, source: TableSource, segment: str | None, where: Mapping[str, str] | None = None
    ) -> None:
        self.source = source
        self.segment = segment
        self.where = dict(where or {})
        self.config = getattr(source, "config", None)
        columns = source.table("customers").columns
        unknown = sorted(set(self.where) - set(columns))
        if unknown:
            raise ConfigError(
                f"customers have no column {', '.join(map(repr, unknown))}; "
                f"expected one of: {', '.join(columns)}"
            )

    def table(self, name: str) -> ir.Table:
        """Return table ``name``, keeping rows of the chosen customers where it has any."""
        t = self.source.table(name)
        if "customer_id" not in t.columns:
            return t
        c = self.source.table("customers")
        wanted = {"segment": self.segment} if self.segment is not None else {}
        for column, value in {**wanted, **self.where}.items():
            c = c.filter(c[column].cast("string") == value)
        return t.semi_join(c.select("customer_id"), "customer_id")
