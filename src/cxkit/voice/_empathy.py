"""Empathy maps per customer segment: says, thinks, does, feels, pains and gains, with counts.

Every line is an aggregate over the segment's texts, events and orders (Ibis), so each
claim on the map carries the number of texts or customers behind it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from cxkit.errors import ConfigError
from cxkit.schema import STAGES
from cxkit.store import Workspace
from cxkit.voice._discover import _themed_texts

__all__ = ["EmpathyMap", "empathy_map"]


@dataclass
class EmpathyMap:
    """One segment's empathy map; each section is a list of (line, count) pairs."""

    segment: str
    customers: int
    sections: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def to_html(self) -> str:
        """Render the map as a self-contained HTML fragment (for the web app and report)."""
        cells = []
        for name, lines in self.sections.items():
            items = "".join(
                f"<li>{html.escape(text)} <span class='n'>({n:,})</span></li>" for text, n in lines
            )
            cells.append(
                f"<section class='{name.lower()}'><h3>{name}</h3><ul>{items}</ul></section>"
            )
        title = html.escape(self.segment)
        return (
            f"<div class='empathy-map'><h2>{title}: {self.customers:,} customers</h2>"
            + "".join(cells)
            + "</div>"
        )


def _stage_rank(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def _segment_customers(ws: Workspace, segment: str) -> ir.Table:
    c = ws.table("customers")
    return c.filter(c.segment == segment).select("customer_id")


def empathy_map(ws: Workspace, segment: str, top: int = 5) -> EmpathyMap:
    """Build the empathy map of the customers whose ``segment`` is ``segment``.

    SAYS: the most repeated verbatims; THINKS: their themes; DOES: channels, touchpoints and
    visit and order frequency; FEELS: sentiment by journey stage; PAINS and GAINS: the
    themes with the most negative and the most positive texts.
    """
    who = _segment_customers(ws, segment)
    n_customers = int(who.count().execute())
    if n_customers == 0:
        segments = (
            ws.table("customers").select("segment").distinct().segment.to_pyarrow().to_pylist()
        )
        raise ConfigError(
            f"no customers in segment {segment!r}; segments: "
            + ", ".join(sorted(s for s in segments if s))
        )
    x = _themed_texts(ws).semi_join(who, "customer_id")
    themes = ws.table("themes").select("theme_id", "label")
    xt = x.join(themes, "theme_id")

    says = x.group_by("text").aggregate(n=x.count(), strength=x.score.abs().max())
    says = says.order_by([ibis.desc("n"), ibis.desc("strength"), "text"]).limit(top)

    thinks = xt.group_by("label").aggregate(n=xt.count(), s=xt.score.mean())
    thinks = thinks.order_by([ibis.desc("n"), "label"]).limit(top)

    ev = ws.table("events").semi_join(who, "customer_id")
    channels = ev.group_by("channel").aggregate(n=ev.customer_id.nunique())
    channels = channels.order_by([ibis.desc("n"), "channel"]).limit(3)
    touch = (
        ev.group_by("touchpoint").aggregate(n=ev.count()).order_by([ibis.desc("n"), "touchpoint"])
    )
    orders = ws.table("orders").semi_join(who, "customer_id")
    n_events, n_orders = int(ev.count().execute()), int(orders.count().execute())

    tp = ws.table("touchpoints").select("touchpoint", "stage")
    staged = x.join(tp, "touchpoint")
    feels = staged.group_by("stage").aggregate(
        n=staged.count(), s=staged.score.mean(), neg=(staged.score <= -0.1).mean()
    )

    by_theme = xt.group_by("label").aggregate(
        neg=(xt.score <= -0.1).sum(), pos=(xt.score >= 0.1).sum()
    )
    pains = by_theme.order_by([ibis.desc("neg"), "label"]).limit(3)
    gains = by_theme.order_by([ibis.desc("pos"), "label"]).limit(3)

    def rows(expr: ir.Table) -> list[dict[str, Any]]:
        return expr.to_pyarrow().to_pylist()

    sections: dict[str, list[tuple[str, int]]] = {
        "SAYS": [(f'"{r["text"]}"', int(r["n"])) for r in rows(says)],
        "THINKS": [
            (f"{r['label']} (mean sentiment {r['s']:+.2f})", int(r["n"])) for r in rows(thinks)
        ],
        "DOES": [(f"uses {r['channel']} (customers)", int(r["n"])) for r in rows(channels)]
        + [(f"visits {r['touchpoint']} (events)", int(r["n"])) for r in rows(touch.limit(3))]
        + [
            (f"{n_events / n_customers:.1f} touchpoint visits per customer (events)", n_events),
            (f"{n_orders / n_customers:.2f} orders per customer (orders)", n_orders),
        ],
        "FEELS": [
            (f"{r['stage']}: sentiment {r['s']:+.2f}, {r['neg']:.0%} negative (texts)", int(r["n"]))
            for r in sorted(rows(feels), key=lambda r: _stage_rank(str(r["stage"])))
        ],
        "PAINS": [(f"{r['label']} (negative texts)", int(r["neg"])) for r in rows(pains)],
        "GAINS": [(f"{r['label']} (positive texts)", int(r["pos"])) for r in rows(gains)],
    }
    return EmpathyMap(segment, n_customers, sections)
