"""CX metrics, each defined once as an Ibis expression and sliced any way.

``compute(ws, "nps", by=["channel"], period="month")`` returns an Ibis table; call
``.to_pandas()`` or ``.to_pyarrow()`` on it. ``REGISTRY`` lists every metric with its unit,
direction and formula.
"""

from __future__ import annotations

from cxkit.metrics import _definitions  # noqa: F401  (registers the metrics)
from cxkit.metrics._engine import PERIODS, compare, compute, scorecard, slice_fields
from cxkit.metrics._headlines import headlines
from cxkit.metrics._registry import HEADLINES, REGISTRY, TEAM_METRICS, Metric, Params, get_metric
from cxkit.metrics._retention import cohort_retention

__all__ = [
    "HEADLINES",
    "PERIODS",
    "REGISTRY",
    "TEAM_METRICS",
    "Metric",
    "Params",
    "cohort_retention",
    "compare",
    "compute",
    "get_metric",
    "headlines",
    "scorecard",
    "slice_fields",
]
