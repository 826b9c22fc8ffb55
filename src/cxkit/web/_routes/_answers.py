"""The public survey form, ``/s/...``: a customer answers an invitation or anonymous link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cxkit.errors import SurveyError
from cxkit.schema import now_utc
from cxkit.surveys import Answer, Claim, Survey, invitation_state
from cxkit.web._deps import AppState, rate_limit, render
from cxkit.web._state import State

__all__ = ["router"]

router = APIRouter()
_LIMITED = [rate_limit("survey")]
#: What the form page says for an invitation that cannot be answered, by its state.
_CLOSED = {
    "answered": "This survey has already been answered. Thank you!",
    "unknown": "This is an unknown link: no invitation of ours has it. "
    "Ask whoever sent it for a new one.",
}


def _claim_or_page(
    request: Request, state: State, token: str
) -> tuple[Claim, Survey] | HTMLResponse:
    """Return the token's claim and survey, or the page that says why it cannot be answered."""
    try:
        claim = state.links.read(token, now_utc())
    except SurveyError as exc:
        return render(request, "message.html", status=410, title="Survey", message=str(exc))
    survey = state.survey(claim.survey_id)
    if survey is None or (claim.anonymous and not survey.anonymous):
        return render(
            request, "message.html", status=410, title="Survey", message="This survey is closed."
        )
    return claim, survey


@router.get("/s/thanks", response_class=HTMLResponse)
def survey_thanks(request: Request) -> HTMLResponse:
    """Shown after an answer is saved."""
    return render(
        request, "message.html", title="Thank you", message="Your answer has been saved. Thank you!"
    )


@router.get("/s/{token}", response_class=HTMLResponse, dependencies=_LIMITED)
def answer_page(request: Request, state: AppState, token: str) -> HTMLResponse:
    """Show the survey form of an invitation or anonymous link (plain HTML, works without JS)."""
    found = _claim_or_page(request, state, token)
    if isinstance(found, HTMLResponse):
        return found
    claim, survey = found
    if claim.invitation_id:
        now = invitation_state(state.workspace(), claim.invitation_id)
        if now != "open":
            message = _CLOSED[now]
            return render(request, "message.html", status=410, title="Survey", message=message)
    return render(request, "answer.html", survey=survey, token=token)


@router.post("/s/{token}", response_class=HTMLResponse, dependencies=_LIMITED)
async def answer_submit(
    request: Request,
    state: AppState,
    token: str,
    score: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    """Save an answer; it counts in the metrics as soon as this returns.

    A refused answer (a score off the scale, a comment too long) shows the form again with
    the reason and what was typed; the length is checked by `cxkit.surveys`, not here, so
    the customer gets the form back, not an error page.
    """
    found = _claim_or_page(request, state, token)
    if isinstance(found, HTMLResponse):
        return found
    claim, survey = found
    outcome = await state.writer.submit(Answer(claim, score, comment))
    if outcome.error:
        status = 503 if outcome.retry else 410 if outcome.gone else 400
        return render(
            request,
            "answer.html",
            status=status,
            survey=survey,
            token=token,
            error=outcome.error,
            score=score,
            comment=comment,
        )
    return RedirectResponse("/s/thanks", status_code=303)
