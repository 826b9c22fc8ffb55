"""Run the web app with uvicorn: one process (the workspace's DuckDB file has one writer)."""

from __future__ import annotations

import gc
from pathlib import Path

import uvicorn

from cxkit.store import Workspace
from cxkit.web._app import create_app

__all__ = ["serve"]


def serve(
    workspace: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    rate_limit: int = 60,
    log_level: str = "warning",
    base_url: str | None = None,
) -> None:
    """Serve the dashboard, surveys and API of ``workspace`` until interrupted.

    Survey links start with ``base_url``, else ``[web] base_url`` of ``cx.toml``, else the
    address served on.
    """
    with Workspace(workspace) as ws:  # a clear error now if the folder is not a workspace
        base_url = base_url or ws.config.web.base_url or f"http://{host}:{port}"
    app = create_app(workspace, rate_limit=rate_limit, base_url=base_url)
    # Everything loaded so far lives as long as the server: keep it out of the garbage
    # collector's full passes, which would otherwise pause requests for tens of ms.
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
