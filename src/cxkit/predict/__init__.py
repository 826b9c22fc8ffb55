"""Prediction and action: CLV, churn risk, segments and personas, outreach, recommendations.

Estimators follow scikit-learn's conventions (hyper-parameters in ``__init__``, ``fit``
returns ``self``, learned attributes end in ``_``). :func:`refresh` fits them all on a
workspace and stores ``customer_scores``, ``personas``, ``recommendations`` and ``outreach``.
:func:`predict_label_churn` learns churn from a customer table's own label column instead.
"""

from __future__ import annotations

from cxkit.predict._churn import ChurnModel, ChurnReport, cross_validated_risk, evaluate_churn
from cxkit.predict._clv import BGNBD, GammaGamma, customer_lifetime_value
from cxkit.predict._features import FEATURE_LABELS, customer_features
from cxkit.predict._label_churn import LabelChurnModel, LabelChurnResult, predict_label_churn
from cxkit.predict._labelled import LABEL_VALUES, LabelledCustomers, labelled_customers
from cxkit.predict._outreach import ACTIONS, outreach_list
from cxkit.predict._personas import Persona, persona_cards
from cxkit.predict._recommend import HitRate, ItemRecommender, hit_rate, purchases
from cxkit.predict._refresh import PredictReport, detractors, refresh
from cxkit.predict._rfm import calibration_holdout, purchase_days, rfm_summary
from cxkit.predict._risk import ChurnResult, churn_training_set, predict_churn
from cxkit.predict._segments import RFM_SEGMENTS, Segmenter, behaviour, rfm_scores
from cxkit.predict._value import ClvResult, holdout_check, predict_clv

__all__ = [
    "ACTIONS",
    "BGNBD",
    "FEATURE_LABELS",
    "LABEL_VALUES",
    "RFM_SEGMENTS",
    "ChurnModel",
    "ChurnReport",
    "ChurnResult",
    "ClvResult",
    "GammaGamma",
    "HitRate",
    "ItemRecommender",
    "LabelChurnModel",
    "LabelChurnResult",
    "LabelledCustomers",
    "Persona",
    "PredictReport",
    "Segmenter",
    "behaviour",
    "calibration_holdout",
    "churn_training_set",
    "cross_validated_risk",
    "customer_features",
    "customer_lifetime_value",
    "detractors",
    "evaluate_churn",
    "hit_rate",
    "holdout_check",
    "labelled_customers",
    "outreach_list",
    "persona_cards",
    "predict_churn",
    "predict_clv",
    "predict_label_churn",
    "purchase_days",
    "purchases",
    "refresh",
    "rfm_scores",
    "rfm_summary",
]
