"""Admin: users with their roles, and API keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from cxkit.errors import AuthError
from cxkit.present import records
from cxkit.web._auth import (
    ROLES,
    SCOPES,
    User,
    add_api_key,
    add_user,
    list_api_keys,
    list_users,
)
from cxkit.web._deps import Admin, AppState, Csrf, render
from cxkit.web._state import State

__all__ = ["router"]

router = APIRouter()


def _admin_page(
    request: Request, user: User, state: State, status: int = 200, **ctx: Any
) -> HTMLResponse:
    ws = state.workspace()
    return render(
        request,
        "admin.html",
        user,
        status=status,
        users=records(list_users(ws)),
        keys=records(list_api_keys(ws)),
        roles=ROLES,
        scopes=SCOPES,
        **ctx,
    )


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, user: Admin, state: AppState) -> HTMLResponse:
    """Users and API keys."""
    return _admin_page(request, user, state)


@router.post("/admin/users", dependencies=[Csrf], response_class=HTMLResponse)
def admin_add_user(
    request: Request,
    user: Admin,
    state: AppState,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "viewer",
) -> HTMLResponse:
    """Add a user (or reset one's password and role)."""
    try:
        with state.writing() as ws:
            add_user(ws, username, password, role)
    except AuthError as exc:
        return _admin_page(request, user, state, status=400, error=str(exc))
    return _admin_page(request, user, state, message=f"User {username} saved as {role}.")


@router.post("/admin/keys", dependencies=[Csrf], response_class=HTMLResponse)
def admin_add_key(
    request: Request,
    user: Admin,
    state: AppState,
    scope: Annotated[str, Form()] = "read",
    label: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Create an API key; it is shown this once."""
    try:
        with state.writing() as ws:
            key = add_api_key(ws, scope, label)
    except AuthError as exc:
        return _admin_page(request, user, state, status=400, error=str(exc))
    return _admin_page(request, user, state, new_key=key)
