"""The headline metrics of a workspace: value, latest period, change, and monthly trend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from cxkit.metrics._engine import compare, compute
from cxkit.metrics._registry import HEADLINES, REGISTRY
from cxkit.store import TableSource

__all__ = ["headlines"]


def headlines(
    source: TableSource, names: Sequence[str] = HEADLINES, period: str = "month"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a summary row per metric with data, and the metrics' trends per period.

    Summary columns: name, title, unit, direction, value (all data), n, period (the latest
    with 30 observations or more),
    latest, change (vs the period before), significant, better (the change's direction is
    the good one). Metrics whose tables are empty are left out; `missing` lists them.
    """
    rows: list[dict[str, Any]] = []
    trends = []
    for name in names:
        m = REGISTRY[name]
        if not all(int(source.table(t).limit(1).count().execute()) for t in m.tables):
            rows.append({"name": name, "title": m.description, "missing": ", ".join(m.tables)})
            continue
        total = compute(source, name).to_pandas().iloc[0]
        trend = compare(source, name, period=period).to_pandas().dropna(subset=["value"])
        # The latest period with enough observations (a trailing, barely begun period
        # would otherwise headline a change of a handful of answers).
        settled = trend[~trend.small_sample.astype(bool)]
        last = settled.iloc[-1] if len(settled) else None
        change = None if last is None or pd.isna(last.change) else float(last.change)
        rows.append(
            {
                "name": name,
                "title": m.description,
                "unit": m.unit,
                "direction": m.direction,
                "value": float(total.value) if pd.notna(total.value) else None,
                "n": int(total.n),
                "period": None if last is None else pd.Timestamp(last.period),
                "latest": None if last is None else float(last.value),
                "change": change,
                "significant": bool(last.significant) if last is not None else False,
                "better": None if not change else (change > 0) == (m.direction == "higher"),
                "missing": None,
            }
        )
        trends.append(trend[["period", "value", "n"]].assign(name=name))
    summary = pd.DataFrame(rows)
    trend_frame = pd.concat(trends) if trends else pd.DataFrame(columns=["period", "value", "name"])
    return summary, trend_frame
