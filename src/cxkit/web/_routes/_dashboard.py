"""The dashboard: overview, metrics explorer, journeys, voice, segments and team pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from cxkit.metrics import PERIODS, REGISTRY, slice_fields
from cxkit.store import Workspace
from cxkit.web import _views
from cxkit.web._deps import AppState, Viewer, render

__all__ = ["WHOLE_WORKSPACE_PAGES", "router"]

router = APIRouter()


@router.get("/metrics", response_class=HTMLResponse)
def metrics_page(
    request: Request,
    user: Viewer,
    state: AppState,
    metric: str = "nps",
    by: str = "",
    period: str = "month",
) -> HTMLResponse:
    """Any registered metric by any of its dimensions and period."""
    if metric not in REGISTRY:
        raise HTTPException(404, f"no metric {metric!r}")
    m = REGISTRY[metric]
    ws = state.workspace()
    fields = state.cached(f"fields:{metric}", lambda: slice_fields(ws, metric))
    by_ = by if by in m.dimensions or by in fields else None
    period_ = period if period in PERIODS else None
    data = _views.metric_view(ws, metric, by_, period_)
    return render(
        request,
        "metrics.html",
        user,
        metrics=REGISTRY,
        metric=m,
        dimensions=[*m.dimensions, *fields],
        by=by_ or "",
        period=period_ or "",
        periods=PERIODS,
        **data,
    )


#: Pages that show one view of the whole workspace, cached until the next write:
#: path -> (template, view function, what it shows).
WHOLE_WORKSPACE_PAGES: dict[str, tuple[str, Callable[[Workspace], dict[str, Any]], str]] = {
    "/": ("overview.html", _views.overview, "Headline metrics with trend and change."),
    "/journeys": ("journeys.html", _views.journeys_view, "Journey map, flows, funnel, pains."),
    "/voice": ("voice.html", _views.voice_view, "Sentiment, themes, verbatims and alerts."),
    "/segments": ("segments.html", _views.segments_view, "Personas and RFM segments."),
    "/team": ("team.html", _views.team_view, "Agents' FRT, ART, FCR and support CSAT."),
}


def _whole_workspace_page(
    path: str, template: str, view: Callable[[Workspace], dict[str, Any]], doc: str
) -> None:
    def page(request: Request, user: Viewer, state: AppState) -> HTMLResponse:
        data = state.cached(path, lambda: view(state.workspace()))
        return render(request, template, user, **data)

    page.__doc__ = doc
    page.__annotations__.update(request=Request, user=Viewer, state=AppState)
    router.add_api_route(path, page, methods=["GET"], response_class=HTMLResponse, name=template)


for _path, _page in WHOLE_WORKSPACE_PAGES.items():
    _whole_workspace_page(_path, *_page)
