"""What each result needs from a workspace, and how to provide it, stated once as data.

An analysis over an empty table answers without complaint: a funnel with no rows when no
touchpoint has a stage, 100% "no order after" at every touchpoint when there are no
orders. `NEEDS` says, per capability, which tables (or columns, or values) it reads and
what happens without each; `LOADERS` says how each table is loaded. `require` turns that
into a `MissingInput` error where nothing can be computed and hands back the shortfalls
that only make a result partial, for the command line (a warning) or a page (a notice)
to say in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from cxkit.errors import MissingInput
from cxkit.schema import STAGES
from cxkit.store import TableSource

__all__ = ["LOADERS", "NEEDS", "Capability", "Need", "Shortfall", "require", "shortfalls"]

_IMPORT = "`cx import SOURCE FILE` (`cx import --list` names the importers)"
_PREDICT = "`cx predict run`"
#: Tables a command builds rather than loads: the message says to run it first.
_BUILT = frozenset(("customer_scores", "personas", "recommendations", "outreach"))

#: How each table gets rows: the command that loads it (or builds it, for stored results).
LOADERS: dict[str, str] = {
    "customers": "`cx ingest customers FILE`",
    "touchpoints": (
        "`cx ingest touchpoints FILE` (one row per touchpoint: touchpoint, stage, channel; "
        f"stages {', '.join(STAGES)})"
    ),
    "events": f"`cx ingest events FILE`, or an event log or analytics export with {_IMPORT}",
    "orders": f"`cx ingest orders FILE`, or a shop's export with {_IMPORT}",
    "order_items": f"`cx ingest order_items FILE`, or a shop's export with {_IMPORT}",
    "tickets": f"`cx ingest tickets FILE`, or a help desk's export with {_IMPORT}",
    "responses": f"`cx ingest responses FILE`, or a survey export with {_IMPORT}",
    "feedback": f"`cx ingest feedback FILE`, or a review export with {_IMPORT}",
    "customer_scores": _PREDICT,
    "personas": _PREDICT,
    "recommendations": _PREDICT,
    "outreach": _PREDICT,
}


@dataclass(frozen=True)
class Need:
    """One input of a capability: rows of ``table`` (with ``column`` set, equal to ``value``).

    ``covers`` (``"events.touchpoint"``) asks more: every value of that column should be a
    row of ``table`` (same column name), else those rows fall out. ``required`` inputs
    stop the result when absent; the others make it partial, which ``without`` (the whole
    input absent) and ``gap`` (some ``covers`` rows unmatched) describe.
    """

    table: str
    what: str
    column: str | None = None
    value: str | None = None
    covers: str | None = None
    required: bool = True
    without: str = ""
    gap: str = ""


@dataclass(frozen=True)
class Capability:
    """A result and the inputs it reads; ``instead`` names another way to get it.

    ``title`` names the result as messages use it: "no {title} without ...".
    """

    title: str
    needs: tuple[Need, ...]
    instead: str = ""


_EVENTS = Need("events", "events (who was at which touchpoint, when)")


def _stages(required: bool, without: str, gap: str) -> Need:
    return Need(
        "touchpoints",
        "the stage of each touchpoint",
        covers="events.touchpoint",
        required=required,
        without=without,
        gap=gap,
    )


def _orders(what: str = "orders") -> Need:
    return Need("orders", what)


_ANSWERS = {"nps": "NPS answers", "csat": "CSAT answers", "ces": "CES answers"}

_METRICS: dict[str, tuple[Need, ...]] = {
    **{k: (Need("responses", what, column="kind", value=k),) for k, what in _ANSWERS.items()},
    "support_csat": (Need("tickets", "tickets' CSAT scores", column="csat"),),
    "frt": (Need("tickets", "tickets with a first response time", column="first_response_at"),),
    "art": (Need("tickets", "resolved tickets", column="resolved_at"),),
    "fcr": (Need("tickets", "resolved tickets", column="resolved_at"),),
    "churn": (_orders(),),
    "retention": (_orders(),),
    "clv": (_orders(),),
    "up_sell": (_orders(),),
    "cross_sell": (
        _orders(),
        Need("order_items", "order lines with a category", column="category"),
    ),
    "conversion": (
        _EVENTS,
        _stages(True, "", "they never count as reaching the purchase stage"),
    ),
    "social_engagement": (Need("feedback", "social mentions", column="source", value="social"),),
}

#: What each capability needs, by the name commands and pages look it up with.
NEEDS: dict[str, Capability] = {
    "funnel": Capability(
        "funnel",
        (_EVENTS, _stages(True, "", "they are left out of the funnel")),
    ),
    "paths": Capability(
        "path variants",
        (
            _EVENTS,
            _stages(
                False,
                "every path reads 0% conversion (a purchase is a touchpoint at the purchase stage)",
                "those steps never count as a purchase",
            ),
        ),
    ),
    "journey map": Capability(
        "journey map",
        (_EVENTS, _stages(True, "", "they are left off the map and out of the funnel")),
    ),
    "pain points": Capability(
        "pain points",
        (
            _EVENTS,
            Need(
                "orders",
                "orders",
                required=False,
                without="drop-off ('no order after') reads 100% at every touchpoint and "
                "revenue at risk 0",
            ),
            Need(
                "responses",
                "survey answers",
                required=False,
                without="touchpoints are ranked without satisfaction scores",
            ),
            Need(
                "feedback",
                "reviews and other feedback",
                required=False,
                without="touchpoints are ranked without negative feedback",
            ),
        ),
    ),
    "predictions": Capability(
        "predictions (CLV, churn risk, segments, outreach)",
        (
            _orders(),
            Need(
                "order_items",
                "order lines",
                required=False,
                without="no product recommendations are made",
            ),
        ),
    ),
    "churn": Capability(
        "churn model",
        (_orders("orders (churn is learnt from who stopped buying)"),),
        instead="train it on your customers' own churn label: `cx predict churn --label COLUMN`",
    ),
    "clv": Capability("CLV", (_orders(),)),
    "label churn": Capability(
        "churn model on a label", (Need("customers", "customers with a churn label"),)
    ),
    **{
        name: Capability(f"stored {name}", (Need(name, "a prediction run"),))
        for name in ("personas", "recommendations", "outreach")
    },
    **{f"metric {name}": Capability(f"metric {name}", needs) for name, needs in _METRICS.items()},
}


@dataclass(frozen=True)
class Shortfall:
    """A need a workspace does not meet: ``missing`` of ``total`` rows lack it (all when equal)."""

    capability: Capability
    need: Need
    missing: int
    total: int
    #: For a ``covers`` gap: some of the unmatched values, most frequent first.
    examples: tuple[str, ...] = ()

    @property
    def blocking(self) -> bool:
        """Whether nothing can be computed: a required input wholly absent."""
        return self.need.required and self.missing == self.total

    @property
    def column(self) -> str | None:
        """The column at fault, if it is one column rather than the whole table."""
        if self.need.covers and self.total:
            return self.need.covers.split(".")[1]
        return self.need.column

    def message(self) -> str:
        """Say what is missing, what it does to the result and how to load it, in one line."""
        c, n = self.capability, self.need
        command = LOADERS.get(n.table, f"`cx ingest {n.table} FILE`")
        if n.covers and self.total and self.missing:
            table, column = n.covers.split(".")
            seen = ", ".join(repr(v) for v in self.examples)
            share = "all" if self.missing == self.total else f"{self.missing:,} of"
            have = "has" if self.missing == 1 else "have"
            fault = (
                f"{share} {self.total:,} {table} rows {have} a {column} the {n.table} table "
                f"lacks (e.g. {seen})"
            )
            load = f"load them with {command}"
            if self.blocking:
                return f"no {c.title} without {n.what}: {fault}; {load}"
            return f"{c.title}: {fault}; {n.gap or n.without}; {load}"
        load = f"run {command} first" if n.table in _BUILT else f"load it with {command}"
        if self.total == 0 or n.column is None:
            fault = f"the {n.table} table is empty"
        else:
            has = f"{n.column} = {n.value!r}" if n.value is not None else f"a {n.column}"
            fault = f"none of its {self.total:,} {n.table} rows has {has}"
        if not self.blocking:
            return f"{c.title} without {n.what} ({fault}): {n.without}; {load}"
        instead = f"; or {c.instead}" if c.instead else ""
        return f"no {c.title} without {n.what}: {fault}; {load}{instead}"


def _count(expr: ir.Table) -> int:
    return int(expr.count().to_pandas())


def _check(source: TableSource, capability: Capability, need: Need) -> Shortfall | None:
    t = source.table(need.table)
    total = _count(t.limit(1)) if need.column is None and need.covers is None else _count(t)
    if need.column is not None and total:
        col = t[need.column]
        has = col.notnull() if need.value is None else col == need.value
        if _count(t.filter(has).limit(1)):
            return None
        return Shortfall(capability, need, total, total)
    if not total:
        return Shortfall(capability, need, 0, 0)
    if need.covers is None:
        return None
    name, column = need.covers.split(".")
    rows = source.table(name)
    lacking = rows.anti_join(t, column)
    missing = _count(lacking)
    if not missing:
        return None
    top = lacking.group_by(column).aggregate(n=lacking.count())
    top = top.order_by([ibis.desc("n"), column])
    examples = tuple(str(v) for v in top.limit(3).to_pandas()[column])
    return Shortfall(capability, need, missing, _count(rows), examples)


def shortfalls(source: TableSource, name: str) -> list[Shortfall]:
    """Return every need of capability ``name`` that ``source`` does not meet, in order.

    Examples
    --------
    >>> import tempfile
    >>> from cxkit.store import Workspace
    >>> with Workspace(tempfile.mkdtemp(), create=True) as ws:
    ...     [(s.need.table, s.blocking) for s in shortfalls(ws, "pain points")]
    [('events', True), ('orders', False), ('responses', False), ('feedback', False)]
    """
    capability = NEEDS[name]
    found = [_check(source, capability, need) for need in capability.needs]
    return [s for s in found if s is not None]


def require(source: TableSource, name: str) -> list[Shortfall]:
    """Raise `MissingInput` if capability ``name`` cannot be computed; return what is partial.

    The error is for the first blocking need (with ``.table`` and ``.column`` set); the
    shortfalls returned only make the result partial, for the caller to say so.

    Examples
    --------
    >>> import tempfile
    >>> from cxkit.store import Workspace
    >>> with Workspace(tempfile.mkdtemp(), create=True) as ws:
    ...     require(ws, "metric clv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxkit.errors.MissingInput: no metric clv without orders: the orders table is empty; load it ...
    """
    found = shortfalls(source, name)
    for s in found:
        if s.blocking:
            raise MissingInput(s.message(), table=s.need.table, column=s.column)
    return found
