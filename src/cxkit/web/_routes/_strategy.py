"""Strategy: the report's sections, and analysts' edits of its assumptions and answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from cxkit.errors import ConfigError
from cxkit.store import Workspace
from cxkit.strategy import answer, edit_opportunity, report_body, report_css, strategy_report
from cxkit.web._auth import User
from cxkit.web._deps import Analyst, AppState, Csrf, Viewer, render
from cxkit.web._state import State

__all__ = ["router"]

router = APIRouter()


def _report(ws: Workspace) -> dict[str, Any]:
    """Return the report's data with its sections rendered (the document of `cx report`)."""
    report = strategy_report(ws)
    # The fragment comes from the report's own autoescaping template: safe to include.
    return {**report, "report_body": Markup(report_body(report))}


def _cached_report(state: State) -> dict[str, Any]:
    report: dict[str, Any] = state.cached("strategy", lambda: _report(state.workspace()))
    return report


def _strategy_page(
    request: Request, user: User, state: State, status: int = 200, **ctx: Any
) -> HTMLResponse:
    report = _cached_report(state)
    return render(
        request,
        "strategy.html",
        user,
        status=status,
        report_css=report_css(),
        **report,
        **ctx,
    )


@router.get("/strategy", response_class=HTMLResponse)
def strategy_page(request: Request, user: Viewer, state: AppState) -> HTMLResponse:
    """Show the strategy report, with forms to edit its assumptions and maturity answers."""
    return _strategy_page(request, user, state)


@router.post("/strategy/answer", dependencies=[Csrf], response_class=HTMLResponse)
def strategy_answer(
    request: Request,
    user: Analyst,
    state: AppState,
    question_id: Annotated[str, Form()] = "",
    score: Annotated[int, Form(ge=1, le=5)] = 3,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Answer a maturity question."""
    try:
        with state.writing() as ws:
            answer(ws, question_id, score, note)
    except ConfigError as exc:
        return _strategy_page(request, user, state, status=400, error=str(exc))
    return RedirectResponse("/strategy#maturity", status_code=303)


@router.post("/strategy/opportunity", dependencies=[Csrf], response_class=HTMLResponse)
def strategy_opportunity(
    request: Request,
    user: Analyst,
    state: AppState,
    opportunity_id: Annotated[str, Form()] = "",
    effort: Annotated[int, Form(ge=1, le=5)] = 3,
    owner: Annotated[str, Form(max_length=100)] = "",
    churn_reduction: Annotated[float, Form(ge=0, le=100)] = 25,
) -> Response:
    """Edit an opportunity's effort, owner and ROI assumption (in percent).

    Only an opportunity the report lists can be edited: an edit of any other id would be
    stored and never shown.
    """
    listed = {str(o["opportunity_id"]) for o in _cached_report(state)["opportunities"]}
    if opportunity_id not in listed:
        error = f"no opportunity {opportunity_id!r}: choose one of the report's opportunities"
        return _strategy_page(request, user, state, status=400, error=error)
    try:
        with state.writing() as ws:
            edit_opportunity(
                ws,
                opportunity_id,
                effort=effort,
                owner=owner.strip() or None,
                churn_reduction=churn_reduction / 100,
            )
    except ConfigError as exc:
        return _strategy_page(request, user, state, status=400, error=str(exc))
    return RedirectResponse("/strategy#opportunities", status_code=303)
