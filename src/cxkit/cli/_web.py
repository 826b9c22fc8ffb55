"""Web app commands: ``cx serve``, ``cx users`` and ``cx keys``."""

from __future__ import annotations

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
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="CX_PASSWORD",
            help="Asked for when not given (or set CX_PASSWORD).",
        ),
    ] = "",
) -> None:
    """Add a user (or reset one's password and role); the password is stored argon2-hashed."""
    from cxkit.store import Workspace
    from cxkit.web import add_user

    with Workspace(workspace) as ws:
        user = add_user(ws, username, password, role)
    console.print(f"User [bold]{user.username}[/bold] saved as {user.role}.")


@users_app.command("list")
def users_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List users and roles."""
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        frame = ws.table("users").select("username", "role", "created_at").to_pandas()
    emit(frame, "table", None, title="Users")


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
