"""The roadmap: opportunities placed in 0-3, 3-12 and 12-36 month horizons, with ROI.

The seven steps of strategy definition are the sections of the plan; `roadmap` places
each opportunity by impact and effort, and `export_roadmap` writes it as CSV or Markdown.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cxkit.errors import ConfigError
from cxkit.strategy._roi import roi, sensitivity

__all__ = ["HORIZONS", "STEPS", "export_roadmap", "roadmap"]

HORIZONS = ("0-3 months", "3-12 months", "12-36 months")

#: The seven steps of defining a CX strategy, each with what the plan says in it.
STEPS = (
    ("Buy-in", "The case for the executive team: what customers feel and what it costs."),
    ("Understanding", "Who the customers are and how their journeys really go."),
    ("Future blueprint", "The maturity to reach in each discipline, and the gaps to it."),
    ("Removing unnecessary steps and pain points", "The touchpoints that hurt, ranked."),
    ("Capabilities", "What the organisation must learn to do: the largest maturity gaps."),
    ("Strategy and roadmap", "Every opportunity placed in time by impact and effort."),
    ("Quick-win project plans", "High impact, low effort: owner, goal, measure, ROI."),
)


def _horizon(row: pd.Series) -> str:
    if row.quick_win or row.effort <= 2:
        return HORIZONS[0]
    return HORIZONS[1] if row.effort == 3 else HORIZONS[2]


def roadmap(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Each opportunity with its horizon and base-case ROI (low and high alongside).

    Quick wins and small efforts (1-2) go first (0-3 months), medium efforts (3) next,
    large ones (4-5) last; within a horizon, by revenue at risk.
    """
    frame = opportunities.copy()
    frame["horizon"] = [_horizon(r) for _, r in frame.iterrows()]
    cases = [sensitivity(r) for r in frame.itertuples()]
    frame["cost"] = [c["base"].cost for c in cases]
    for case in ("low", "base", "high"):
        frame[f"net_{case}"] = [c[case].net for c in cases]
    frame["roi_base"] = [c["base"].roi for c in cases]
    frame["assumption"] = [roi(r).sentence() for r in frame.itertuples()]
    frame["order"] = frame.horizon.map({h: i for i, h in enumerate(HORIZONS)})
    frame = frame.sort_values(["order", "revenue_at_risk"], ascending=[True, False])
    return frame.drop(columns="order").reset_index(drop=True)


def export_roadmap(plan: pd.DataFrame, path: str | Path) -> Path:
    """Write the roadmap to ``path``: ``.csv`` (every column) or ``.md`` (by horizon)."""
    path = Path(path)
    if path.suffix == ".csv":
        plan.to_csv(path, index=False)
        return path
    if path.suffix != ".md":
        raise ConfigError(f"{path}: export the roadmap as .csv or .md")
    lines = ["# CX roadmap", ""]
    for horizon in HORIZONS:
        part = plan[plan.horizon == horizon]
        lines += [f"## {horizon}", ""]
        if part.empty:
            lines += ["Nothing planned.", ""]
        for r in part.to_dict("records"):
            flag = " (quick win)" if r["quick_win"] else ""
            lines.append(
                f"- **{r['title']}**{flag}: owner {r['owner']}, effort {r['effort']}/5, "
                f"{int(r['customers']):,} customers, revenue at risk "
                f"{r['revenue_at_risk']:,.0f}. {r['assumption']}"
            )
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
