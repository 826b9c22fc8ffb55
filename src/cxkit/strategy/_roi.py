"""The ROI of fixing an opportunity: fewer affected customers churn -> revenue kept - cost.

The assumption is one number a person can argue with: the share by which fixing the
opportunity lowers the churn risk of the customers it affects. Everything else is
arithmetic on the workspace's figures, shown in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["COST_BY_EFFORT", "REDUCTION", "Roi", "roi", "sensitivity"]

#: Default share by which a fix lowers affected customers' churn risk: low, base, high.
REDUCTION = {"low": 0.10, "base": 0.25, "high": 0.40}
#: Default cost of a fix by effort (1 = days of one person ... 5 = a programme of a year).
COST_BY_EFFORT = {1: 2_000.0, 2: 10_000.0, 3: 40_000.0, 4: 120_000.0, 5: 300_000.0}


@dataclass(frozen=True)
class Roi:
    """What a fix is worth under one assumption."""

    churn_reduction: float
    retained_customers: float
    retained_revenue: float
    cost: float

    @property
    def net(self) -> float:
        """Revenue kept minus cost."""
        return self.retained_revenue - self.cost

    @property
    def roi(self) -> float:
        """Net return per unit of cost (0.5 = 50%)."""
        return self.net / self.cost if self.cost else float("nan")

    def sentence(self, currency: str = "USD") -> str:
        """Say the calculation in plain words."""
        return (
            f"If the fix lowers the churn risk of the affected customers by "
            f"{self.churn_reduction:.0%}, about {self.retained_customers:,.1f} of them stay, "
            f"keeping {self.retained_revenue:,.0f} {currency} of predicted value for a cost of "
            f"{self.cost:,.0f} {currency}: net {self.net:,.0f} {currency}, ROI {self.roi:.0%}."
        )


def roi(opportunity: Any, churn_reduction: float | None = None, cost: float | None = None) -> Roi:
    """Value one opportunity (a row of `opportunities`).

    retained customers = expected losses (sum of churn risk) x reduction;
    retained revenue = revenue at risk (sum of churn risk x CLV) x reduction;
    cost = the cost of the opportunity's effort unless given.
    """
    if churn_reduction is None:
        edited = getattr(opportunity, "churn_reduction", None)
        churn_reduction = REDUCTION["base"] if edited is None or edited != edited else edited
    assert churn_reduction is not None
    return Roi(
        churn_reduction=float(churn_reduction),
        retained_customers=float(opportunity.expected_losses) * churn_reduction,
        retained_revenue=float(opportunity.revenue_at_risk) * churn_reduction,
        cost=float(cost if cost is not None else COST_BY_EFFORT[int(opportunity.effort)]),
    )


def sensitivity(opportunity: Any, cost: float | None = None) -> dict[str, Roi]:
    """Return the ROI under the low, base and high assumption (base: the edited one, if any)."""
    base = roi(opportunity, cost=cost)
    return {
        "low": roi(opportunity, min(REDUCTION["low"], base.churn_reduction), cost),
        "base": base,
        "high": roi(opportunity, max(REDUCTION["high"], base.churn_reduction), cost),
    }
