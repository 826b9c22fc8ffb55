"""One customer: profile, risk and value, offers, and the timeline across every channel."""

from __future__ import annotations

import json
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from cxkit.customers._search import as_data, mask_pii
from cxkit.store import TableSource

__all__ = ["customer_profile", "customer_timeline"]


def customer_timeline(ws: TableSource, customer_id: str, *, limit: int = 300) -> pd.DataFrame:
    """Return everything that happened with one customer, across channels, newest first.

    One row per visit, order, ticket, survey answer and piece of feedback, with columns
    ``ts``, ``what``, ``channel``, ``where`` and ``detail``; at most ``limit`` rows.
    """
    key = as_data(customer_id=customer_id)

    def part(t: ir.Table, ts: ir.Value, what: Any, channel: Any, where: Any, detail: Any) -> Any:
        t = t.semi_join(key, "customer_id")
        text = dt.String(nullable=True)
        return t.select(
            ts=ts.cast(dt.Timestamp(nullable=True)),
            what=(ibis.literal(what) if isinstance(what, str) else what).cast(text),
            channel=(channel if channel is not None else ibis.null("string")).cast(text),
            where=(where if where is not None else ibis.null("string")).cast(text),
            detail=(detail if detail is not None else ibis.null("string")).cast(text),
        )

    e, o, k, r, f = (ws.table(n) for n in ("events", "orders", "tickets", "responses", "feedback"))
    amount = o.amount.round(2).cast("string")
    parts = [
        part(e, e.ts, "visit", e.channel, e.touchpoint, None),
        part(o, o.ts, "order", o.channel, None, amount + " " + o.status.fill_null("")),
        part(
            k,
            k.created_at,
            "ticket",
            k.channel,
            k.topic,
            "agent "
            + k.agent_id.fill_null("?")
            + ibis.ifelse(k.resolved_at.isnull(), ", open", ", resolved")
            + ibis.ifelse(k.csat.isnull(), "", ", CSAT " + k.csat.cast("string")),
        ),
        part(
            r,
            r.ts,
            r.kind.upper(),
            r.channel,
            r.touchpoint,
            "score "
            + r.score.cast("string")
            + ibis.ifelse(r.comment.isnull(), "", ": " + r.comment),
        ),
        part(f, f.ts, f.source, None, f.touchpoint, f.text),
    ]
    return ibis.union(*parts).order_by(ibis.desc("ts")).limit(limit).to_pandas()


def customer_profile(
    ws: TableSource, customer_id: str, *, see_pii: bool = False
) -> dict[str, Any] | None:
    """Return one customer's profile, scores, offers and timeline; None if nothing is known.

    Returns
    -------
    dict
        ``customer_id``; ``profile``: their ``customers`` row (none if they are not in that
        table; personal columns hidden unless ``see_pii``); ``scores``: their
        ``customer_scores`` row (none until scored), ``reasons`` as a list of sentences;
        ``offers``: recommended items, best first; ``timeline``: `customer_timeline`.
    """
    key = as_data(customer_id=customer_id)
    profile = ws.table("customers").semi_join(key, "customer_id").to_pandas()
    timeline = customer_timeline(ws, customer_id)
    if profile.empty and timeline.empty:
        return None
    scores = ws.table("customer_scores").semi_join(key, "customer_id").to_pandas()
    scores = scores.assign(reasons=scores.reasons.map(_reasons, na_action="ignore"))
    rec = ws.table("recommendations").semi_join(key, "customer_id")
    offers = rec.order_by("rank").item.to_pandas()
    return {
        "customer_id": customer_id,
        "profile": profile if see_pii else mask_pii(profile),
        "scores": scores,
        "offers": list(offers),
        "timeline": timeline,
    }


def _reasons(stored: Any) -> Any:
    """Decode the JSON list of reasons stored with a score (empty text stays as it is)."""
    return json.loads(stored) if isinstance(stored, str) and stored else stored
