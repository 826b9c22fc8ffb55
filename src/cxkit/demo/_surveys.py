"""The demo's surveys: defined so that every demo answer belongs to one."""

from __future__ import annotations

from cxkit.store import Workspace
from cxkit.surveys import create_survey

__all__ = ["DEMO_SURVEYS", "define_surveys"]

#: The demo's surveys: id -> (name, follow-up question, anonymous link allowed).
DEMO_SURVEYS = {
    "nps-relationship": ("Relationship NPS", "What is the main reason for your score?", True),
    "csat-support": ("Support satisfaction", "What could we have done better?", False),
    "ces-support": ("Support effort", None, False),
    "csat-delivery": ("Delivery satisfaction", "Tell us about your delivery.", False),
    "csat-checkout": ("Checkout satisfaction", "What would have made checkout easier?", False),
}


def define_surveys(ws: Workspace) -> None:
    """Define the surveys whose answers the demo's responses are."""
    r = ws.table("responses")
    for row in r.select("survey_id", "kind").distinct().to_pyarrow().to_pylist():
        name, follow_up, anonymous = DEMO_SURVEYS.get(
            row["survey_id"], (row["survey_id"], None, False)
        )
        create_survey(
            ws,
            name,
            row["kind"],
            follow_up=follow_up,
            anonymous=anonymous,
            survey_id=row["survey_id"],
        )
