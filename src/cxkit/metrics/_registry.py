"""The metric registry: each CX metric's definition, stated once as data.

A metric is a *source* (a row-level Ibis relation with its dimension columns and a
``_time`` column) and *measures* (aggregate expressions). ``value`` is the headline, ``n``
the sample size, ``se`` its standard error where one is defined (for significance tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir

from cxkit.errors import ConfigError
from cxkit.store import TableSource

__all__ = [
    "HEADLINES",
    "REGISTRY",
    "TEAM_METRICS",
    "Measures",
    "Metric",
    "Params",
    "Source",
    "TableSource",
    "get_metric",
    "register",
]


@dataclass(frozen=True)
class Params:
    """Settings some metrics need."""

    #: Days without an order after which a customer counts as churned.
    inactivity_days: int = 180
    #: Period of metrics that are defined per period (churn): day, week, month, quarter.
    period: str = "month"
    #: End of the data, for censoring (churn); default: the latest order.
    as_of: Any = None
    #: Dimensions the caller slices or filters by: sources join only what these need.
    dims: frozenset[str] = frozenset()


Source = Callable[[TableSource, Params], ir.Table]
Measures = Callable[[ir.Table], dict[str, ir.Value]]


@dataclass(frozen=True)
class Metric:
    """One metric: what it means, its unit and direction, and how to compute it."""

    name: str
    description: str
    formula: str
    unit: str
    #: "higher" or "lower": which way is better.
    direction: str
    tables: tuple[str, ...]
    source: Source = field(repr=False)
    measures: Measures = field(repr=False)
    #: Dimension names this metric can be sliced by (besides ``period``).
    dimensions: tuple[str, ...] = ()


REGISTRY: dict[str, Metric] = {}

#: The headline metrics shown first by `cx demo`, the dashboard and reports.
HEADLINES = ("nps", "csat", "ces", "frt", "art", "fcr", "churn", "clv", "conversion")
#: The metrics of a support team's scorecard, per agent or channel.
TEAM_METRICS = ("frt", "art", "fcr", "support_csat")


def register(metric: Metric) -> Metric:
    """Add ``metric`` to the registry (names are unique)."""
    if metric.name in REGISTRY:
        raise ValueError(f"metric {metric.name!r} is defined twice")
    REGISTRY[metric.name] = metric
    return metric


def get_metric(name: str) -> Metric:
    """Return the metric called ``name``, or say which exist."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(
            f"unknown metric {name!r}; expected one of: {', '.join(sorted(REGISTRY))}"
        ) from None
