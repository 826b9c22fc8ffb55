"""Admin: users with their roles, and API keys: add, remove, revoke.

A form naming a user or key that does not exist is refused (404), never taken as done.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
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
    remove_user,
    revoke_api_key,
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
    """Add a user (or reset one's password and role, which ends their sessions)."""
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


@router.post("/admin/users/{username}/remove", dependencies=[Csrf], response_class=HTMLResponse)
def admin_remove_user(
    request: Request, user: Admin, state: AppState, username: str
) -> HTMLResponse:
    """Remove a user; their sessions end at once."""
    if username == user.username:
        message = "you cannot remove yourself; another admin (or `cx users remove`) can"
        return _admin_page(request, user, state, status=400, error=message)
    try:
        with state.writing() as ws:
            remove_user(ws, username)
    except AuthError as exc:
        raise HTTPException(404, str(exc)) from None
    return _admin_page(request, user, state, message=f"User {username} removed.")


@router.post("/admin/keys/{key_id}/revoke", dependencies=[Csrf], response_class=HTMLResponse)
def admin_revoke_key(request: Request, user: Admin, state: AppState, key_id: str) -> HTMLResponse:
    """Revoke an API key: refused from the next request on."""
    try:
        with state.writing() as ws:
            revoke_api_key(ws, key_id)
    except AuthError as exc:
        raise HTTPException(404, str(exc)) from None
    return _admin_page(request, user, state, message=f"API key {key_id} revoked.")
