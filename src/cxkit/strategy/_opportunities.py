"""Opportunities: every pain point, slow agent or channel, at-risk segment and negative theme.

Each comes with its evidence, the customers it affects, the revenue at risk among them
(the sum of churn risk x predicted CLV over those customers, from ``customer_scores``),
an effort estimate and an owner that an analyst may edit, and a quick-win flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from cxkit.journeys import affected_customers, pain_points
from cxkit.metrics import compute
from cxkit.store import Workspace
from cxkit.voice import theme_summary

__all__ = ["DEFAULT_EFFORT", "Candidate", "edit_opportunity", "opportunities"]

#: Default effort (1 = days, 5 = a year or more) per kind of opportunity; editable.
DEFAULT_EFFORT = {
    "pain_point": 3,
    "slow_agent": 1,
    "slow_channel": 2,
    "at_risk_segment": 2,
    "negative_theme": 3,
}
#: An agent is slow when its mean first response on a channel is this many times the
#: channel's; a channel, when its mean is this many times the median channel's.
SLOW = 1.5
#: A theme is an opportunity when it holds this share of texts and leans negative.
THEME_SHARE = 0.02
_TEXT = dt.String(nullable=True)
#: Who owns support when no touchpoint says so.
SUPPORT_OWNER = "customer_service"


@dataclass
class Candidate:
    """One opportunity before it is valued: what, why, whose, and who it affects."""

    opportunity_id: str
    kind: str
    title: str
    evidence: str
    owner: str
    #: The registered metric that traces it (``cx metrics show METRIC``), if any.
    metric: str | None
    affected: ir.Table  # one column: customer_id


def _owners(ws: Workspace) -> dict[str, str]:
    t = ws.table("touchpoints").to_pandas()
    return dict(zip(t.touchpoint, t.owner.fillna("unassigned"), strict=True))


def _support_owner(owners: dict[str, str]) -> str:
    support = [o for tp, o in owners.items() if tp.startswith("support")]
    return max(set(support), key=support.count) if support else SUPPORT_OWNER


def _pain_points(ws: Workspace, owners: dict[str, str]) -> list[Candidate]:
    if not ws.has_rows("events"):
        return []
    pains = pain_points(ws)
    hurt = affected_customers(ws)
    return [
        Candidate(
            f"pain:{p['touchpoint']}",
            "pain_point",
            f"Fix the pain point at {p['touchpoint']}",
            str(p["evidence"]),
            owners.get(str(p["touchpoint"]), "unassigned"),
            "csat",
            hurt.filter(hurt.touchpoint == p["touchpoint"]).select("customer_id"),
        )
        for p in pains.to_dict("records")
        if p["score"] > 0 and p["affected"] > 0
    ]


def _slow_agents(ws: Workspace, owners: dict[str, str]) -> list[Candidate]:
    """Agents whose first responses on a channel are much slower than that channel's."""
    if not ws.has_rows("tickets"):
        return []
    per = compute(ws, "frt", by=["channel", "agent"]).to_pandas().dropna(subset=["agent"])
    channel = compute(ws, "frt", by=["channel"]).to_pandas().set_index("channel").value
    per = per[~per.small_sample].assign(norm=lambda d: d.channel.map(channel))
    k = ws.table("tickets")
    return [
        Candidate(
            f"agent:{r.agent}@{r.channel}",
            "slow_agent",
            f"Coach agent {r.agent} on {r.channel} response times",
            f"mean first response on {r.channel} {r.value:.1f} min vs {r.norm:.1f} min for "
            f"the channel ({r.value / r.norm:.1f}x, {int(r.n):,} tickets)",
            _support_owner(owners),
            "frt",
            k.filter((k.agent_id == r.agent) & k.customer_id.notnull()).select("customer_id"),
        )
        for r in per.itertuples()
        if r.value > SLOW * r.norm
    ]


def _slow_channels(ws: Workspace, owners: dict[str, str]) -> list[Candidate]:
    """Channels whose first responses are much slower than the median channel's."""
    if not ws.has_rows("tickets"):
        return []
    per = compute(ws, "frt", by=["channel"]).to_pandas().dropna(subset=["channel"])
    per = per[~per.small_sample]
    median = float(per.value.median())
    k = ws.table("tickets")
    return [
        Candidate(
            f"channel:{r.channel}",
            "slow_channel",
            f"Speed up first responses on {r.channel}",
            f"mean first response {r.value:,.0f} min vs a median of {median:,.1f} min across "
            f"channels ({int(r.n):,} tickets)",
            _support_owner(owners),
            "frt",
            k.filter((k.channel == r.channel) & k.customer_id.notnull()).select("customer_id"),
        )
        for r in per.itertuples()
        if r.value > SLOW * median
    ]


def _segments(ws: Workspace, owners: dict[str, str]) -> list[Candidate]:
    cards = ws.table("personas").to_pandas()
    if cards.empty:
        return []
    s = ws.table("customer_scores")
    overall = float(s.churn_risk.mean().to_pandas())
    out = []
    for card in cards.itertuples():
        if card.churn_risk <= overall:
            continue
        first = str(card.touchpoints or "").split(",")[0].strip()
        out.append(
            Candidate(
                f"segment:{card.segment}",
                "at_risk_segment",
                f"Win back {card.name}",
                f"{int(card.customers):,} customers, mean churn risk {card.churn_risk:.0%} vs "
                f"{overall:.0%} for all buyers; prefer {card.touchpoints}",
                owners.get(first, "unassigned"),
                "churn",
                s.filter(s.segment == int(card.segment)).select("customer_id"),
            )
        )
    return out


def _themes(ws: Workspace, owners: dict[str, str]) -> list[Candidate]:
    if not ws.has_rows("themes"):
        return []
    themes = theme_summary(ws).to_pandas()
    bad = themes[
        (themes.share >= THEME_SHARE) & ((themes.sentiment < 0) | (themes.negative_share >= 0.5))
    ]
    tt, f, r = ws.table("text_themes"), ws.table("feedback"), ws.table("responses")
    authors = (
        tt.filter(tt.text_table == "feedback")
        .join(f, tt.text_id == f.feedback_id)
        .select("theme_id", "customer_id")
        .union(
            tt.filter(tt.text_table == "responses")
            .join(r, tt.text_id == r.response_id)
            .select("theme_id", "customer_id")
        )
    )
    authors = authors.filter(authors.customer_id.notnull())
    return [
        Candidate(
            f"theme:{t.theme_id}",
            "negative_theme",
            f"Address what customers say about '{t.label}'",
            f"{int(t.texts):,} texts ({t.share:.0%}), sentiment {t.sentiment:+.2f}, "
            f"{t.negative_share:.0%} negative, mostly at {t.touchpoint}; words: {t.keywords}",
            owners.get(str(t.touchpoint), "unassigned"),
            None,
            authors.filter(authors.theme_id == t.theme_id).select("customer_id"),
        )
        for t in bad.itertuples()
    ]


def candidates(ws: Workspace) -> list[Candidate]:
    """Every opportunity the workspace's facts point at, before valuation."""
    owners = _owners(ws)
    return [
        *_pain_points(ws, owners),
        *_slow_agents(ws, owners),
        *_slow_channels(ws, owners),
        *_segments(ws, owners),
        *_themes(ws, owners),
    ]


def opportunities(ws: Workspace) -> pd.DataFrame:
    """Every opportunity with customers affected, revenue at risk, effort, owner, quick win.

    Revenue at risk is the sum over the distinct affected customers of churn risk x
    predicted CLV (customers without a score count zero). Sorted by revenue at risk.
    """
    found = candidates(ws)
    columns = [
        "rank", "opportunity_id", "kind", "title", "evidence", "owner", "metric", "customers",
        "expected_losses", "revenue_at_risk", "effort", "churn_reduction", "quick_win",
    ]  # fmt: skip
    if not found:
        return pd.DataFrame(columns=columns)
    affected = ibis.union(
        *[
            c.affected.select(
                opportunity_id=ibis.literal(c.opportunity_id).cast(_TEXT),
                customer_id=c.affected.customer_id.cast(_TEXT),
            )
            for c in found
        ],
        distinct=True,
    )
    s = ws.table("customer_scores")
    valued = affected.left_join(s, "customer_id")
    risk = valued.churn_risk.fill_null(0)
    sums = (
        valued.group_by("opportunity_id")
        .aggregate(
            customers=valued.count(),
            expected_losses=risk.sum(),
            revenue_at_risk=(risk * valued.clv.fill_null(0)).sum(),
        )
        .to_pandas()
        .set_index("opportunity_id")
    )
    frame = pd.DataFrame(
        [
            {
                "opportunity_id": c.opportunity_id,
                "kind": c.kind,
                "title": c.title,
                "evidence": c.evidence,
                "owner": c.owner,
                "metric": c.metric,
                "effort": DEFAULT_EFFORT[c.kind],
                "churn_reduction": float("nan"),
            }
            for c in found
        ]
    )
    frame = frame.join(sums, on="opportunity_id")
    frame[["customers", "expected_losses", "revenue_at_risk"]] = frame[
        ["customers", "expected_losses", "revenue_at_risk"]
    ].fillna(0)
    frame = _apply_edits(ws, frame)
    frame = frame.sort_values("revenue_at_risk", ascending=False, kind="stable")
    median = frame.revenue_at_risk.median()
    frame["quick_win"] = (frame.effort <= 2) & (frame.revenue_at_risk >= median)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame[columns].reset_index(drop=True)


def _apply_edits(ws: Workspace, frame: pd.DataFrame) -> pd.DataFrame:
    edits = ws.table("strategy_edits").to_pandas().set_index("opportunity_id")
    for column in ("effort", "owner", "churn_reduction"):
        changed = edits[column].dropna()
        hit = frame.opportunity_id.isin(changed.index)
        if hit.any():
            frame.loc[hit, column] = frame.loc[hit, "opportunity_id"].map(changed)
    frame["effort"] = frame.effort.astype(int)
    return frame


def edit_opportunity(
    ws: Workspace,
    opportunity_id: str,
    *,
    effort: int | None = None,
    owner: str | None = None,
    churn_reduction: float | None = None,
) -> None:
    """Store an analyst's effort, owner or ROI assumption for one opportunity."""
    from cxkit.errors import ConfigError

    if effort is not None and not 1 <= effort <= 5:
        raise ConfigError("effort: expected 1 (days) to 5 (a year or more)")
    if churn_reduction is not None and not 0 <= churn_reduction <= 1:
        raise ConfigError("churn_reduction: expected a share between 0 and 1")
    e = ws.table("strategy_edits")
    old = e.filter(e.opportunity_id == opportunity_id).to_pandas()
    row = {
        "opportunity_id": opportunity_id,
        "effort": effort,
        "owner": owner,
        "churn_reduction": churn_reduction,
    }
    if len(old):
        row = {k: (v if v is not None else old.iloc[0][k]) for k, v in row.items()}
    ws.upsert("strategy_edits", [row])
