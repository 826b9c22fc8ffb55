"""Sign in and out: the login form, sessions in a cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cxkit.web._auth import authenticate, end_session, start_session
from cxkit.web._deps import (
    SESSION_COOKIE,
    AppState,
    Csrf,
    csrf_token,
    rate_limit,
    render,
    set_csrf_cookie,
)

__all__ = ["router"]

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """Show the sign-in form."""
    return render(request, "login.html", next=_local(next))


@router.post("/login", dependencies=[Csrf, rate_limit("login")])
def login(
    request: Request,
    state: AppState,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password, open a session, and go where the user was heading."""
    user = authenticate(state.workspace(), username, password)
    if user is None:
        return render(
            request,
            "login.html",
            status=401,
            next=_local(next),
            error="Wrong username or password.",
        )
    with state.writing() as ws:
        token = start_session(ws, user)
    response = RedirectResponse(_local(next), status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, max_age=12 * 3600
    )
    # The pre-session token is spent: forms from now on carry the session's.
    set_csrf_cookie(request, response, csrf_token(request, session=token))
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, state: AppState) -> Response:
    """Close the session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with state.writing() as ws:
            end_session(ws, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _local(target: str) -> str:
    """Only redirect within this site."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
