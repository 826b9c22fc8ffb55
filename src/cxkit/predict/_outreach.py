"""The outreach list: who to contact first (churn risk x value), why, and with what."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

__all__ = ["ACTIONS", "outreach_list"]

Rule = Callable[[pd.Series], bool]

#: Suggested actions, first match wins: (action, when it applies).
ACTIONS: tuple[tuple[str, Rule], ...] = (
    (
        "service recovery call: resolve the open ticket and apologise",
        lambda c: c.open_tickets > 0 and (c.detractor or c.negative_texts > 0),
    ),
    ("close the open ticket and follow up personally", lambda c: c.open_tickets > 0),
    ("call the detractor back about their score", lambda c: bool(c.detractor)),
    (
        "apologise for the pain point and offer a make-good",
        lambda c: c.pain_visits > 0 and c.negative_texts > 0,
    ),
    ("assign one agent to end the repeat contacts", lambda c: c.repeat_contacts >= 2),
    ("win-back offer with a recommended product", lambda c: c.recency_days >= 120),
    ("personal check-in with a recommended product", lambda c: True),
)


def _action(row: pd.Series) -> str:
    return next(action for action, applies in ACTIONS if applies(row))


def outreach_list(
    scores: pd.DataFrame,
    *,
    detractors: set[str] | None = None,
    pain_columns: tuple[str, ...] = (),
    recommendations: pd.DataFrame | None = None,
    top: int | None = 100,
) -> pd.DataFrame:
    """Rank customers by churn risk x predicted value and suggest an action for each.

    Parameters
    ----------
    scores
        Per customer: ``churn_risk``, ``clv``, ``reasons`` and the churn features
        (``open_tickets``, ``negative_texts``, ``repeat_contacts``, ``recency_days``).
    detractors
        Customers whose latest NPS answer was 0-6.
    pain_columns
        Feature columns counting visits to pain-point touchpoints.
    recommendations
        ``customer_id, rank, item``: the first item is offered with the action.
    top
        Rows to return (``None`` for all).

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": ["a", "b"], "churn_risk": [0.9, 0.5], "clv": [10.0, 50.0],
    ...     "reasons": [["x"], ["y"]], "open_tickets": [1, 0], "negative_texts": [0, 0],
    ...     "repeat_contacts": [0, 0], "recency_days": [10, 200]})
    >>> for row in outreach_list(s)[["customer_id", "action"]].values.tolist():
    ...     print(row)
    ['b', 'win-back offer with a recommended product']
    ['a', 'close the open ticket and follow up personally']
    """
    table = scores.dropna(subset=["churn_risk"]).copy()
    table["value_at_risk"] = table.churn_risk * table.clv.fillna(0).clip(lower=0)
    table["detractor"] = table.customer_id.isin(detractors or set())
    table["pain_visits"] = table[list(pain_columns)].sum(axis=1) if pain_columns else 0
    table = table.sort_values(["value_at_risk", "customer_id"], ascending=[False, True])
    if top is not None:
        table = table.head(top)
    table["action"] = [_action(row) for _, row in table.iterrows()]
    if recommendations is not None and len(recommendations):
        first = recommendations[recommendations["rank"] == 1].set_index("customer_id").item
        offer = table.customer_id.map(first)
        table["offer"] = offer
    else:
        table["offer"] = None
    table.insert(0, "rank", range(1, len(table) + 1))
    cols = ["rank", "customer_id", "value_at_risk", "churn_risk", "clv", "reasons", "action"]
    return table[[*cols, "offer"]].reset_index(drop=True)
