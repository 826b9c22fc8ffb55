"""Web app commands: ``cx serve``, ``cx users`` and ``cx keys``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cxkit.cli._common import WorkspaceOpt, console, emit

__all__ = ["keys_app", "serve", "users_app"]


def serve(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    rate_limit: Annotated[
        int, typer.Option(help="Requests per minute per client on survey pages; 0 = off.")
    ] = 60,
) -> None:
    """Serve the dashboard, survey links and the /api/v1 API of WORKSPACE."""
    from cxkit.web import serve as run

    console.print(f"cxkit on [bold]http://{host}:{port}[/bold] (Ctrl+C stops)")
    run(workspace, host=host, port=port, rate_limit=rate_limit)


users_app = typer.Typer(help="Web app users: admin, analyst or viewer.")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="admin, analyst or viewer.")] = "viewer",
    workspace: WorkspaceOpt = Path("."),
    password: Annotated[
        str,
        typer.Option(
            envvar="CX_PASSWORD",
            help="Asked for when not given (or set CX_PASSWORD, or use --password-stdin).",
        ),
    ] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a user (or reset one's password and role); the password is stored argon2-hashed.

    A reset ends the user's sessions.
    """
    from cxkit.store import Workspace
    from cxkit.web import add_user

    if password_stdin:
        # One line, as `echo "$PASS" | cx users add ...` sends it; only the newline is cut.
        password = sys.stdin.readline().rstrip("\r\n")
    elif not password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with Workspace(workspace) as ws:
        user = add_user(ws, username, password, role)
    console.print(f"User [bold]{user.username}[/bold] saved as {user.role}.")


@users_app.command("list")
def users_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List users and roles."""
    from cxkit.store import Workspace
    from cxkit.web import list_users

    with Workspace(workspace) as ws:
        frame = list_users(ws)
    emit(frame, "table", None, title="Users")


@users_app.command("remove")
def users_remove(
    username: Annotated[str, typer.Argument(help="Login name.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Remove a user; their sessions end at once."""
    from cxkit.store import Workspace
    from cxkit.web import remove_user

    with Workspace(workspace) as ws:
        remove_user(ws, username)
    console.print(f"User [bold]{username}[/bold] removed; their sessions are closed.")


keys_app = typer.Typer(help="API keys for other systems, scoped to ingest or read.")


@keys_app.command("add")
def keys_add(
    scope: Annotated[str, typer.Option(help="ingest (write records) or read (metrics).")],
    label: Annotated[str, typer.Option(help="What the key is for.")] = "",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Create an API key; it is printed once and stored only as a hash."""
    from cxkit.store import Workspace
    from cxkit.web import add_api_key

    with Workspace(workspace) as ws:
        key = add_api_key(ws, scope, label)
    console.print(key, highlight=False, soft_wrap=True)


@keys_app.command("list")
def keys_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List API keys: id, scope, label, creation time (never the secret)."""
    from cxkit.store import Workspace
    from cxkit.web import list_api_keys

    with Workspace(workspace) as ws:
        frame = list_api_keys(ws)
    emit(frame, "table", None, title="API keys")


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id, as `cx keys list` shows it.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Revoke an API key: requests carrying it are refused from now on."""
    from cxkit.store import Workspace
    from cxkit.web import revoke_api_key

    with Workspace(workspace) as ws:
        revoke_api_key(ws, key_id)
    console.print(f"API key [bold]{key_id}[/bold] revoked.")
