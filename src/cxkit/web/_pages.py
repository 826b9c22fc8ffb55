"""Server-rendered pages: sign-in, the dashboard pages, survey admin and the public survey form."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from cxkit.errors import AuthError, ConfigError, SurveyError
from cxkit.metrics import PERIODS, REGISTRY
from cxkit.schema import now_utc
from cxkit.store import Workspace
from cxkit.strategy import answer, edit_opportunity, strategy_report
from cxkit.strategy._report import TEMPLATES as STRATEGY_TEMPLATES
from cxkit.surveys import Answer, create_survey, invite
from cxkit.surveys._answers import ANSWERED
from cxkit.web import _views
from cxkit.web._auth import (
    ROLES,
    SCOPES,
    User,
    add_api_key,
    add_user,
    authenticate,
    end_session,
    session_user,
    start_session,
)
from cxkit.web._state import State

__all__ = ["PUBLIC_PATHS", "LoginRequired", "router", "templates"]

SESSION_COOKIE = "cx_session"
CSRF_COOKIE = "cx_csrf"
#: Paths anyone may open; everything else needs a session or an API key.
PUBLIC_PATHS = ("/login", "/s/", "/static/", "/healthz", "/api/v1/openapi.json")

templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                jinja2.FileSystemLoader(STRATEGY_TEMPLATES),  # the report's sections
            ]
        ),
        autoescape=True,
    )
)
router = APIRouter()

NAV = (
    ("/", "Overview"),
    ("/metrics", "Metrics"),
    ("/journeys", "Journeys"),
    ("/voice", "Voice"),
    ("/customers", "Customers"),
    ("/segments", "Segments"),
    ("/team", "Team"),
    ("/surveys", "Surveys"),
    ("/strategy", "Strategy"),
)


class LoginRequired(Exception):
    """Raised by page dependencies when no live session comes with the request."""


def _state(request: Request) -> State:
    state: State = request.app.state.cx
    return state


def current_user(request: Request) -> User:
    """Return the signed-in user, or redirect to the sign-in page."""
    token = request.cookies.get(SESSION_COOKIE)
    user = session_user(_state(request).workspace(), token) if token else None
    if user is None:
        raise LoginRequired()
    return user


def needs(role: str) -> Any:
    """Return a dependency admitting signed-in users with ``role`` or more."""

    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if not user.can(role):
            raise HTTPException(403, f"this needs the {role} role")
        return user

    return Depends(check)


Viewer = Annotated[User, needs("viewer")]
Analyst = Annotated[User, needs("analyst")]
Admin = Annotated[User, needs("admin")]


def check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a form whose CSRF field does not match the browser's CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf):
        raise HTTPException(403, "the form expired or came from another site; reload and retry")


Csrf = Depends(check_csrf)


def render(
    request: Request, template: str, user: User | None = None, status: int = 200, **ctx: Any
) -> HTMLResponse:
    """Render a page; hand out the CSRF cookie its forms need."""
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        template,
        {"user": user, "nav": NAV, "csrf": token, "path": request.url.path, **ctx},
        status_code=status,
    )
    if request.cookies.get(CSRF_COOKIE) != token:
        secure = request.url.scheme == "https"
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure)
    return response


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limit(request: Request, what: str) -> None:
    if not _state(request).rate_limiter.allow(f"{what}:{_client(request)}"):
        raise HTTPException(429, "too many requests; wait a minute and try again")


# -- sign in and out ---------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """Show the sign-in form."""
    return render(request, "login.html", next=_local(next))


@router.post("/login", dependencies=[Csrf])
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password, open a session, and go where the user was heading."""
    _limit(request, "login")
    ws = _state(request).workspace()
    user = authenticate(ws, username, password)
    if user is None:
        return render(
            request,
            "login.html",
            status=401,
            next=_local(next),
            error="Wrong username or password.",
        )
    with _state(request).writing() as ws:
        token = start_session(ws, user)
    response = RedirectResponse(_local(next), status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, max_age=12 * 3600
    )
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    """Close the session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with _state(request).writing() as ws:
            end_session(ws, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _local(target: str) -> str:
    """Only redirect within this site."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


# -- dashboard pages ---------------------------------------------------------------------


@router.get("/metrics", response_class=HTMLResponse)
def metrics_page(
    request: Request,
    user: Viewer,
    metric: str = "nps",
    by: str = "",
    period: str = "month",
) -> HTMLResponse:
    """Any registered metric by any of its dimensions and period."""
    if metric not in REGISTRY:
        raise HTTPException(404, f"no metric {metric!r}")
    m = REGISTRY[metric]
    by_ = by if by in m.dimensions else None
    period_ = period if period in PERIODS else None
    data = _views.metric_view(_state(request).workspace(), metric, by_, period_)
    return render(
        request,
        "metrics.html",
        user,
        metrics=REGISTRY,
        metric=m,
        by=by_ or "",
        period=period_ or "",
        periods=PERIODS,
        **data,
    )


@router.get("/customers", response_class=HTMLResponse)
def customers_page(request: Request, user: Viewer, q: str = "") -> HTMLResponse:
    """Search customers by id (and by name or email for analysts and admins)."""
    see = user.can("analyst")
    found = _views.find_customers(_state(request).workspace(), q, see_pii=see) if q else []
    return render(request, "customers.html", user, q=q, found=found, see_pii=see)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(request: Request, user: Viewer, customer_id: str) -> HTMLResponse:
    """One customer's profile, risk, value and timeline across every channel."""
    see = user.can("analyst")
    data = _views.customer_view(_state(request).workspace(), customer_id, see_pii=see)
    if data is None:
        raise HTTPException(404, f"no customer {customer_id!r}")
    return render(request, "customer.html", user, **data)


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
    def page(request: Request, user: Viewer) -> HTMLResponse:
        state = _state(request)
        data = state.cached(path, lambda: view(state.workspace()))
        return render(request, template, user, **data)

    page.__doc__ = doc
    page.__annotations__.update(request=Request, user=Viewer)
    router.add_api_route(path, page, methods=["GET"], response_class=HTMLResponse, name=template)


for _path, _page in WHOLE_WORKSPACE_PAGES.items():
    _whole_workspace_page(_path, *_page)


# -- surveys (signed in) -----------------------------------------------------------------


def _surveys_page(request: Request, user: User, status: int = 200, **ctx: Any) -> HTMLResponse:
    state = _state(request)
    stats = _views.survey_stats(state.workspace())
    return render(
        request,
        "surveys.html",
        user,
        status=status,
        surveys=list(state.surveys.values()),
        stats=stats,
        channels=state.workspace().vocabulary()["channels"],
        **ctx,
    )


@router.get("/surveys", response_class=HTMLResponse)
def surveys_page(request: Request, user: Viewer) -> HTMLResponse:
    """Every survey with invitations, answers and its score; a form to define one."""
    return _surveys_page(request, user)


@router.post("/surveys", dependencies=[Csrf], response_class=HTMLResponse)
def surveys_create(
    request: Request,
    user: Analyst,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "nps",
    question: Annotated[str, Form()] = "",
    follow_up: Annotated[str, Form()] = "",
    touchpoint: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    anonymous: Annotated[bool, Form()] = False,
) -> Response:
    """Define a survey."""
    state = _state(request)
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
        return _surveys_page(request, user, status=400, error=str(exc))
    state.reload_surveys()
    return RedirectResponse(f"/surveys/{quote(survey.survey_id)}", status_code=303)


def _survey_page(
    request: Request, user: User, survey_id: str, status: int = 200, **ctx: Any
) -> HTMLResponse:
    state = _state(request)
    survey = state.survey(survey_id)
    if survey is None:
        raise HTTPException(404, f"no survey {survey_id!r}")
    r = state.workspace().table("responses")
    recent = (
        r.filter(r.survey_id == survey_id)
        .order_by(r.ts.desc())
        .select("ts", "customer_id", "score", "comment")
        .limit(20)
        .to_pandas()
    )
    base = str(request.base_url).rstrip("/")
    anonymous = f"{base}/s/{state.links.anonymous_token(survey_id)}" if survey.anonymous else None
    stats = _views.survey_stats(state.workspace()).get(survey_id, {})
    return render(
        request,
        "survey.html",
        user,
        status=status,
        survey=survey,
        stats=stats,
        anonymous_url=anonymous,
        recent=_views.records(recent),
        **ctx,
    )


@router.get("/surveys/{survey_id}", response_class=HTMLResponse)
def survey_page(request: Request, user: Viewer, survey_id: str) -> HTMLResponse:
    """Show a survey's definition, links, answers so far and a form to invite customers."""
    return _survey_page(request, user, survey_id)


@router.post("/surveys/{survey_id}/invite", dependencies=[Csrf], response_class=HTMLResponse)
def survey_invite(
    request: Request,
    user: Analyst,
    survey_id: str,
    customers: Annotated[str, Form()] = "",
    days: Annotated[int, Form(ge=1, le=365)] = 14,
) -> HTMLResponse:
    """Create one invitation link per customer id (one per line or comma separated)."""
    ids = [c for c in customers.replace(",", "\n").split() if c][:5000]
    state = _state(request)
    try:
        with state.writing() as ws:
            made = invite(ws, state.links, survey_id, ids, days=days)
    except SurveyError as exc:
        return _survey_page(request, user, survey_id, status=400, error=str(exc))
    base = str(request.base_url).rstrip("/")
    links = [(i.customer_id, f"{base}/s/{i.token}") for i in made]
    return _survey_page(request, user, survey_id, links=links)


# -- strategy ---------------------------------------------------------------------------


def _strategy_page(request: Request, user: User, status: int = 200, **ctx: Any) -> HTMLResponse:
    state = _state(request)
    report = state.cached("strategy", lambda: strategy_report(state.workspace()))
    return render(
        request,
        "strategy.html",
        user,
        status=status,
        report_css=(STRATEGY_TEMPLATES / "report.css").read_text(),
        **report,
        **ctx,
    )


@router.get("/strategy", response_class=HTMLResponse)
def strategy_page(request: Request, user: Viewer) -> HTMLResponse:
    """Show the strategy report, with forms to edit its assumptions and maturity answers."""
    return _strategy_page(request, user)


@router.post("/strategy/answer", dependencies=[Csrf], response_class=HTMLResponse)
def strategy_answer(
    request: Request,
    user: Analyst,
    question_id: Annotated[str, Form()] = "",
    score: Annotated[int, Form(ge=1, le=5)] = 3,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Answer a maturity question."""
    try:
        with _state(request).writing() as ws:
            answer(ws, question_id, score, note)
    except ConfigError as exc:
        return _strategy_page(request, user, status=400, error=str(exc))
    return RedirectResponse("/strategy#maturity", status_code=303)


@router.post("/strategy/opportunity", dependencies=[Csrf], response_class=HTMLResponse)
def strategy_opportunity(
    request: Request,
    user: Analyst,
    opportunity_id: Annotated[str, Form()] = "",
    effort: Annotated[int, Form(ge=1, le=5)] = 3,
    owner: Annotated[str, Form(max_length=100)] = "",
    churn_reduction: Annotated[float, Form(ge=0, le=100)] = 25,
) -> Response:
    """Edit an opportunity's effort, owner and ROI assumption (in percent)."""
    try:
        with _state(request).writing() as ws:
            edit_opportunity(
                ws,
                opportunity_id,
                effort=effort,
                owner=owner.strip() or None,
                churn_reduction=churn_reduction / 100,
            )
    except ConfigError as exc:
        return _strategy_page(request, user, status=400, error=str(exc))
    return RedirectResponse("/strategy#opportunities", status_code=303)


# -- admin --------------------------------------------------------------------------------


def _admin_page(request: Request, user: User, status: int = 200, **ctx: Any) -> HTMLResponse:
    ws = _state(request).workspace()
    users = ws.table("users").select("username", "role", "created_at").order_by("username")
    keys = ws.table("api_keys").select("key_id", "scope", "label", "created_at")
    return render(
        request,
        "admin.html",
        user,
        status=status,
        users=_views.records(users.to_pandas()),
        keys=_views.records(keys.order_by("created_at").to_pandas()),
        roles=ROLES,
        scopes=SCOPES,
        **ctx,
    )


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, user: Admin) -> HTMLResponse:
    """Users and API keys."""
    return _admin_page(request, user)


@router.post("/admin/users", dependencies=[Csrf], response_class=HTMLResponse)
def admin_add_user(
    request: Request,
    user: Admin,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "viewer",
) -> HTMLResponse:
    """Add a user (or reset one's password and role)."""
    try:
        with _state(request).writing() as ws:
            add_user(ws, username, password, role)
    except AuthError as exc:
        return _admin_page(request, user, status=400, error=str(exc))
    return _admin_page(request, user, message=f"User {username} saved as {role}.")


@router.post("/admin/keys", dependencies=[Csrf], response_class=HTMLResponse)
def admin_add_key(
    request: Request,
    user: Admin,
    scope: Annotated[str, Form()] = "read",
    label: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Create an API key; it is shown this once."""
    try:
        with _state(request).writing() as ws:
            key = add_api_key(ws, scope, label)
    except AuthError as exc:
        return _admin_page(request, user, status=400, error=str(exc))
    return _admin_page(request, user, new_key=key)


# -- the public survey form -----------------------------------------------------------------


def _claim_or_page(request: Request, token: str) -> Any:
    """Return the token's claim and survey, or the page that says why it cannot be answered."""
    state = _state(request)
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


@router.get("/s/{token}", response_class=HTMLResponse)
def answer_page(request: Request, token: str) -> HTMLResponse:
    """Show the survey form of an invitation or anonymous link (plain HTML, works without JS)."""
    _limit(request, "survey")
    found = _claim_or_page(request, token)
    if isinstance(found, HTMLResponse):
        return found
    claim, survey = found
    if claim.invitation_id:
        inv = _state(request).workspace().table("invitations")
        hit = inv.filter(inv.invitation_id == claim.invitation_id).answered_at.to_pyarrow()
        if len(hit) == 0 or hit[0].as_py() is not None:
            message = (
                "This survey has already been answered. Thank you!"
                if len(hit)
                else ("This survey link is not valid.")
            )
            return render(request, "message.html", status=410, title="Survey", message=message)
    return render(request, "answer.html", survey=survey, token=token)


@router.post("/s/{token}", response_class=HTMLResponse)
async def answer_submit(
    request: Request,
    token: str,
    score: Annotated[str, Form()] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Save an answer; it counts in the metrics as soon as this returns."""
    _limit(request, "survey")
    found = _claim_or_page(request, token)
    if isinstance(found, HTMLResponse):
        return found
    claim, survey = found
    outcome = await _state(request).writer.submit(Answer(claim, score, comment))
    if outcome.error:
        status = 503 if outcome.retry else 410 if outcome.error == ANSWERED else 400
        return render(
            request, "answer.html", status=status, survey=survey, token=token, error=outcome.error
        )
    return RedirectResponse("/s/thanks", status_code=303)
