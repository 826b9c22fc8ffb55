"""Surveys: define NPS/CSAT/CES surveys, invite customers by signed links, record answers."""

from __future__ import annotations

from cxkit.surveys._answers import Answer, Outcome, record_answers
from cxkit.surveys._definitions import (
    DEFAULT_QUESTIONS,
    POST_INTERACTION_SURVEY,
    Survey,
    create_survey,
    get_survey,
    list_surveys,
)
from cxkit.surveys._invitations import Invitation, invite, invite_after_tickets
from cxkit.surveys._links import Claim, SurveyLinks, workspace_secret

__all__ = [
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
    "invite",
    "invite_after_tickets",
    "list_surveys",
    "record_answers",
    "workspace_secret",
]
