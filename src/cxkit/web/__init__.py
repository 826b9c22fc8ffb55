"""The web app: dashboard pages, survey links and the ``/api/v1`` JSON API (FastAPI).

``create_app(workspace)`` builds the app; ``serve(workspace)`` runs it (``cx serve``).
Users, sessions and API keys live in the workspace, only as hashes.
"""

from __future__ import annotations

from cxkit.web._app import create_app
from cxkit.web._auth import (
    ROLES,
    SCOPES,
    User,
    add_api_key,
    add_user,
    api_key_scope,
    authenticate,
    list_api_keys,
    list_users,
    remove_user,
    revoke_api_key,
)
from cxkit.web._serve import serve

__all__ = [
    "ROLES",
    "SCOPES",
    "User",
    "add_api_key",
    "add_user",
    "api_key_scope",
    "authenticate",
    "create_app",
    "list_api_keys",
    "list_users",
    "remove_user",
    "revoke_api_key",
    "serve",
]
