"""Survey definitions: an NPS, CSAT or CES question with an optional follow-up question."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime

from cxkit.errors import SurveyError
from cxkit.schema import SCORE_SCALES, ScoreScale, now_utc
from cxkit.store import Workspace

__all__ = [
    "DEFAULT_QUESTIONS",
    "POST_INTERACTION_SURVEY",
    "Survey",
    "create_survey",
    "get_survey",
    "list_surveys",
]

#: The question asked when a survey is defined without one.
DEFAULT_QUESTIONS = {
    "nps": "How likely are you to recommend us to a friend or colleague?",
    "csat": "How satisfied are you with your experience?",
    "ces": "How easy was it to get what you needed?",
}

#: The survey invited after a ticket is resolved (created on first use).
POST_INTERACTION_SURVEY = "support_csat"

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class Survey:
    """One survey: what is asked, on which scale, at which touchpoint and channel."""

    survey_id: str
    name: str
    kind: str
    question: str
    follow_up: str | None = None
    touchpoint: str | None = None
    channel: str | None = None
    anonymous: bool = False
    created_at: datetime = field(default_factory=now_utc)

    @property
    def scale(self) -> ScoreScale:
        """The score scale of the survey's kind (NPS 0-10, CSAT 1-5, CES 1-7)."""
        return SCORE_SCALES[self.kind]

    def check_score(self, score: object) -> int:
        """Return ``score`` as an integer on the survey's scale, or raise `SurveyError`."""
        try:
            value = int(str(score).strip())
        except ValueError:
            raise SurveyError(f"score: expected a whole number, got {str(score)[:20]!r}") from None
        if not self.scale.low <= value <= self.scale.high:
            raise SurveyError(
                f"score: {value} is outside {self.scale.low}..{self.scale.high} for {self.kind}"
            )
        return value


def create_survey(
    ws: Workspace,
    name: str,
    kind: str,
    *,
    question: str | None = None,
    follow_up: str | None = None,
    touchpoint: str | None = None,
    channel: str | None = None,
    anonymous: bool = False,
    survey_id: str | None = None,
) -> Survey:
    """Define a survey and store it; the same ``survey_id`` again replaces the definition.

    Parameters
    ----------
    kind
        ``nps``, ``csat`` or ``ces``: fixes the scale.
    follow_up
        An open question shown under the score; its answer becomes the response's comment.
    anonymous
        Whether an anonymous link (no customer, reusable) may be shared.
    """
    texts = {"name": name, "question": question, "follow_up": follow_up, "touchpoint": touchpoint}
    for field_name, text in texts.items():
        if text and "\x00" in text:
            raise SurveyError(f"{field_name}: holds a NUL character (\\0); remove it")
    kind = kind.strip().lower()
    if kind not in SCORE_SCALES:
        raise SurveyError(f"kind: {kind!r} is not one of {', '.join(SCORE_SCALES)}")
    if not name.strip():
        raise SurveyError("name: missing required value")
    vocab = ws.vocabulary()
    if channel and channel not in vocab["channels"]:
        raise SurveyError(f"channel: {channel!r} is not one of {', '.join(vocab['channels'])}")
    touchpoint = (touchpoint or "").strip() or None
    if touchpoint and not _is_touchpoint(ws, touchpoint):
        raise SurveyError(
            f"touchpoint: {touchpoint!r} is not a touchpoint of this workspace; expected one "
            "of the touchpoints table (ingest it first), or none"
        )
    survey_id = survey_id or uuid.uuid4().hex[:12]
    if not _ID.match(survey_id):
        raise SurveyError(f"survey_id: {survey_id!r} must be 1-64 letters, digits, '_', '.', '-'")
    survey = Survey(
        survey_id=survey_id,
        name=name.strip(),
        kind=kind,
        question=(question or "").strip() or DEFAULT_QUESTIONS[kind],
        follow_up=(follow_up or "").strip() or None,
        touchpoint=touchpoint,
        channel=channel or None,
        anonymous=anonymous,
    )
    ws.upsert("surveys", [asdict(survey)])
    return survey


def _is_touchpoint(ws: Workspace, touchpoint: str) -> bool:
    t = ws.table("touchpoints")
    return bool(ws.count(t.filter(t.touchpoint == touchpoint)))


def list_surveys(ws: Workspace) -> list[Survey]:
    """Return every survey, oldest first."""
    rows = ws.table("surveys").order_by("created_at").to_pyarrow().to_pylist()
    return [Survey(**{**r, "anonymous": bool(r["anonymous"])}) for r in rows]


def get_survey(ws: Workspace, survey_id: str) -> Survey:
    """Return the survey ``survey_id`` or raise `SurveyError`."""
    for survey in list_surveys(ws):
        if survey.survey_id == survey_id:
            return survey
    raise SurveyError(f"no survey {survey_id!r}")


def post_interaction_survey(ws: Workspace) -> Survey:
    """Return the survey invited after resolved tickets, defining it on first use."""
    try:
        return get_survey(ws, POST_INTERACTION_SURVEY)
    except SurveyError:
        return create_survey(
            ws,
            "Support satisfaction",
            "csat",
            question="How satisfied are you with how we handled your request?",
            follow_up="What could we have done better?",
            survey_id=POST_INTERACTION_SURVEY,
        )
