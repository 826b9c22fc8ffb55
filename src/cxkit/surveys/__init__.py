"""Surveys: define NPS/CSAT/CES surveys, invite customers by signed links, record answers."""

from __future__ import annotations

# The store owns the secret file; surveys hand the secret on to whoever makes links.
from cxkit.store import workspace_secret
from cxkit.surveys._answers import ANSWERED, Answer, Outcome, record_answers
from cxkit.surveys._definitions import (
    DEFAULT_QUESTIONS,
    POST_INTERACTION_SURVEY,
    Survey,
    create_survey,
    get_survey,
    list_surveys,
)
from cxkit.surveys._invitations import Invitation, invitation_state, invite, invite_after_tickets
from cxkit.surveys._links import Claim, SurveyLinks
from cxkit.surveys._stats import recent_answers, survey_stats

__all__ = [
    "ANSWERED",
    "DEFAULT_QUESTIONS",
    "POST_INTERACTION_SURVEY",
    "Answer",
    "Claim",
    "Invitation",
    "Outcome",
    "Survey",
    "SurveyLinks",
    "create_survey",
    "get_survey",
    "invitation_state",
    "invite",
    "invite_after_tickets",
    "list_surveys",
    "recent_answers",
    "record_answers",
    "survey_stats",
    "workspace_secret",
]
