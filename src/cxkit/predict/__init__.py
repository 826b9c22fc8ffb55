"""Prediction and action: CLV, churn risk, segments and personas, outreach, recommendations."""

from __future__ import annotations

from cxkit.predict._clv import BGNBD, GammaGamma, customer_lifetime_value
from cxkit.predict._rfm import calibration_holdout, purchase_days, rfm_summary
from cxkit.predict._value import ClvResult, holdout_check, predict_clv

__all__ = [
    "BGNBD",
    "ClvResult",
    "GammaGamma",
    "calibration_holdout",
    "customer_lifetime_value",
    "holdout_check",
    "predict_clv",
    "purchase_days",
    "rfm_summary",
]
