"""Strategy: maturity, opportunities with ROI, roadmap, and the report drafted from the data."""

from __future__ import annotations

from cxkit.strategy._maturity import (
    DIMENSIONS,
    DISCIPLINES,
    QUESTIONS,
    Question,
    answer,
    assessment,
    experience_dimensions,
    maturity_figure,
    maturity_scores,
)
from cxkit.strategy._opportunities import DEFAULT_EFFORT, edit_opportunity, opportunities
from cxkit.strategy._report import (
    report_body,
    report_css,
    stakeholder_map,
    strategy_report,
    write_report,
)
from cxkit.strategy._roadmap import HORIZONS, STEPS, export_roadmap, roadmap
from cxkit.strategy._roi import COST_BY_EFFORT, REDUCTION, Roi, roi, sensitivity

__all__ = [
    "COST_BY_EFFORT",
    "DEFAULT_EFFORT",
    "DIMENSIONS",
    "DISCIPLINES",
    "HORIZONS",
    "QUESTIONS",
    "REDUCTION",
    "STEPS",
    "Question",
    "Roi",
    "answer",
    "assessment",
    "edit_opportunity",
    "experience_dimensions",
    "export_roadmap",
    "maturity_figure",
    "maturity_scores",
    "opportunities",
    "report_body",
    "report_css",
    "roadmap",
    "roi",
    "sensitivity",
    "stakeholder_map",
    "strategy_report",
    "write_report",
]
