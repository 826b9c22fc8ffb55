"""Survey admin (signed in): every survey, one survey's links and answers, invitations."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cxkit.errors import SurveyError
from cxkit.present import records
from cxkit.surveys import create_survey, invite, recent_answers, survey_stats
from cxkit.web._auth import User
from cxkit.web._deps import Analyst, AppState, Csrf, Viewer, render
from cxkit.web._state import State

__all__ = ["router"]

router = APIRouter()


def _surveys_page(
    request: Request, user: User, state: State, status: int = 200, **ctx: Any
) -> HTMLResponse:
    ws = state.workspace()
    return render(
        request,
        "surveys.html",
        user,
        status=status,
        surveys=list(state.surveys.values()),
        stats=survey_stats(ws),
        channels=ws.vocabulary()["channels"],
        touchpoints=ws.table("touchpoints").touchpoint.to_pyarrow().to_pylist(),
        **ctx,
    )


@router.get("/surveys", response_class=HTMLResponse)
def surveys_page(request: Request, user: Viewer, state: AppState) -> HTMLResponse:
    """Every survey with invitations, answers and its score; a form to define one."""
    return _surveys_page(request, user, state)


@router.post("/surveys", dependencies=[Csrf], response_class=HTMLResponse)
def surveys_create(
    request: Request,
    user: Analyst,
    state: AppState,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "nps",
    question: Annotated[str, Form()] = "",
    follow_up: Annotated[str, Form()] = "",
    touchpoint: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    anonymous: Annotated[bool, Form()] = False,
) -> Response:
    """Define a survey."""
    try:
        with state.writing() as ws:
            survey = create_survey(
                ws,
                name,
                kind,
                question=question,
                follow_up=follow_up,
                touchpoint=touchpoint,
                channel=channel or None,
                anonymous=anonymous,
            )
    except SurveyError as exc:
        return _surveys_page(request, user, state, status=400, error=str(exc))
    state.reload_surveys()
    return RedirectResponse(f"/surveys/{quote(survey.survey_id)}", status_code=303)


def _survey_page(
    request: Request, user: User, state: State, survey_id: str, status: int = 200, **ctx: Any
) -> HTMLResponse:
    survey = state.survey(survey_id)
    if survey is None:
        raise HTTPException(404, f"no survey {survey_id!r}")
    ws = state.workspace()
    recent = recent_answers(ws, survey_id, limit=20)
    anonymous = state.link(state.links.anonymous_token(survey_id)) if survey.anonymous else None
    return render(
        request,
        "survey.html",
        user,
        status=status,
        survey=survey,
        stats=survey_stats(ws).get(survey_id, {}),
        anonymous_url=anonymous,
        recent=records(recent),
        **ctx,
    )


@router.get("/surveys/{survey_id}", response_class=HTMLResponse)
def survey_page(request: Request, user: Viewer, state: AppState, survey_id: str) -> HTMLResponse:
    """Show a survey's definition, links, answers so far and a form to invite customers."""
    return _survey_page(request, user, state, survey_id)


@router.post("/surveys/{survey_id}/invite", dependencies=[Csrf], response_class=HTMLResponse)
def survey_invite(
    request: Request,
    user: Analyst,
    state: AppState,
    survey_id: str,
    customers: Annotated[str, Form()] = "",
    days: Annotated[int, Form(ge=1, le=365)] = 14,
) -> HTMLResponse:
    """Create one invitation link per customer id (one per line or comma separated).

    Ids that are not customers are refused, and nobody is invited (a typo would otherwise
    make a link nobody receives).
    """
    ids = [c for c in customers.replace(",", "\n").split() if c][:5000]
    try:
        with state.writing() as ws:
            made = invite(ws, state.links, survey_id, ids, days=days, known_only=True)
    except SurveyError as exc:
        return _survey_page(request, user, state, survey_id, status=400, error=str(exc))
    links = [(i.customer_id, state.link(i.token)) for i in made]
    return _survey_page(request, user, state, survey_id, links=links)
