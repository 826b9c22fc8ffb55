"""Users with roles and argon2 password hashes, sessions, and scoped API keys.

Passwords are hashed with argon2id (slow on purpose). Session tokens and API key secrets
are long random strings, so a SHA-256 of them is enough to store: only hashes reach disk.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cxkit.errors import AuthError
from cxkit.schema import now_utc
from cxkit.store import Workspace

__all__ = [
    "ROLES",
    "SCOPES",
    "User",
    "add_api_key",
    "add_user",
    "api_key_scope",
    "authenticate",
    "end_session",
    "end_user_sessions",
    "list_api_keys",
    "list_users",
    "remove_user",
    "revoke_api_key",
    "session_user",
    "start_session",
]

#: Roles from least to most powerful: viewers read (without personal data), analysts
#: also manage surveys, admins also manage users and keys.
ROLES = ("viewer", "analyst", "admin")
#: API key scopes: ``ingest`` writes records, ``read`` reads metrics.
SCOPES = ("ingest", "read")
SESSION_HOURS = 12
MIN_PASSWORD = 8

_HASHER = PasswordHasher()
_USERNAME = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
#: API key ids: 12 hex digits (`add_api_key`).
_KEY_ID = re.compile(r"[0-9a-f]{12}")
# Verified against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _HASHER.hash("not a real password")


@dataclass(frozen=True)
class User:
    """A signed-in person and what they may do."""

    username: str
    role: str

    def can(self, role: str) -> bool:
        """Whether this user has ``role`` or a more powerful one."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def add_user(ws: Workspace, username: str, password: str, role: str = "viewer") -> User:
    """Create a user, or reset an existing user's password and role.

    A reset signs the user out everywhere: whoever knew the old password keeps no session.
    """
    if not _USERNAME.fullmatch(username):
        raise AuthError(f"username {username!r}: use 1-64 letters, digits, '_', '.', '@', '-'")
    if role not in ROLES:
        raise AuthError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"password: at least {MIN_PASSWORD} characters")
    row = {
        "username": username,
        "password_hash": _HASHER.hash(password),
        "role": role,
        "created_at": now_utc(),
    }
    with ws.transaction():
        ws.upsert("users", [row])
        end_user_sessions(ws, username)
    return User(username, role)


def remove_user(ws: Workspace, username: str) -> None:
    """Delete user ``username`` and end their sessions; AuthError if there is no such user."""
    users = ws.table("users")
    with ws.transaction():
        if _user_row(ws, username) is None:
            raise AuthError(f"no user {username!r}; `cx users list` shows who there is")
        ws.delete_matching("users", users.filter(users.username == username))
        end_user_sessions(ws, username)


def end_user_sessions(ws: Workspace, username: str) -> None:
    """Close every session of ``username`` (after a password change or removal)."""
    s = ws.table("sessions")
    ws.delete_matching("sessions", s.filter(s.username == username), ["token_hash"])


def list_users(ws: Workspace) -> pd.DataFrame:
    """Return every user's name, role and creation time (never a hash), by name."""
    users = ws.table("users").select("username", "role", "created_at").order_by("username")
    return users.to_pandas()


def _user_row(ws: Workspace, username: str) -> dict[str, object] | None:
    if not _USERNAME.fullmatch(username):  # no such user can exist (and a NUL would end the SQL)
        return None
    users = ws.table("users")
    rows = users.filter(users.username == username).to_pyarrow().to_pylist()
    return rows[0] if rows else None


def authenticate(ws: Workspace, username: str, password: str) -> User | None:
    """Return the user if the password matches, else None (same work either way)."""
    row = _user_row(ws, username)
    try:
        _HASHER.verify(str(row["password_hash"]) if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return User(username, str(row["role"])) if row else None


def start_session(ws: Workspace, user: User, *, hours: float = SESSION_HOURS) -> str:
    """Open a session for ``user`` and return its token (for the cookie)."""
    token = secrets.token_urlsafe(32)
    row = {
        "token_hash": _sha256(token),
        "username": user.username,
        "expires_at": now_utc() + timedelta(hours=hours),
    }
    ws.upsert("sessions", [row])
    return token


def session_user(ws: Workspace, token: str, now: datetime | None = None) -> User | None:
    """Return the user of a live session token, else None."""
    s, u = ws.table("sessions"), ws.table("users")
    hit = s.filter((s.token_hash == _sha256(token)) & (s.expires_at > (now or now_utc())))
    rows = hit.join(u, "username").select("username", "role").to_pyarrow().to_pylist()
    return User(str(rows[0]["username"]), str(rows[0]["role"])) if rows else None


def end_session(ws: Workspace, token: str) -> None:
    """Close a session (log out)."""
    s = ws.table("sessions")
    with ws.transaction():
        ws.delete_matching("sessions", s.filter(s.token_hash == _sha256(token)), ["token_hash"])


def add_api_key(ws: Workspace, scope: str, label: str = "") -> str:
    """Create an API key with ``scope`` and return it; it is shown once and stored hashed."""
    if scope not in SCOPES:
        raise AuthError(f"scope {scope!r} is not one of {', '.join(SCOPES)}")
    key_id = secrets.token_hex(6)
    key = f"cxk_{key_id}_{secrets.token_urlsafe(32)}"
    row = {
        "key_id": key_id,
        "key_hash": _sha256(key),
        "scope": scope,
        "label": label,
        "created_at": now_utc(),
    }
    ws.upsert("api_keys", [row])
    return key


def api_key_scope(ws: Workspace, key: str) -> str | None:
    """Return the scope of a valid API key, else None."""
    keys = ws.table("api_keys")
    rows = keys.filter(keys.key_hash == _sha256(key)).scope.to_pyarrow().to_pylist()
    return str(rows[0]) if rows else None


def revoke_api_key(ws: Workspace, key_id: str) -> None:
    """Delete API key ``key_id``: it is refused from the next request on.

    AuthError if there is no such key.
    """
    keys = ws.table("api_keys")
    mine = keys.filter(keys.key_id == key_id)
    with ws.transaction():
        if not _KEY_ID.fullmatch(key_id) or not ws.count(mine):
            raise AuthError(f"no API key {key_id!r}; `cx keys list` shows the keys there are")
        ws.delete_matching("api_keys", mine)


def list_api_keys(ws: Workspace) -> pd.DataFrame:
    """Return every API key's id, scope, label and creation time (never a hash), oldest first."""
    keys = ws.table("api_keys").select("key_id", "scope", "label", "created_at")
    return keys.order_by("created_at").to_pandas()
