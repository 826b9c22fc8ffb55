"""Run the web app with uvicorn: one process (the workspace's DuckDB file has one writer)."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from cxkit.store import WebSettings, Workspace
from cxkit.web._app import create_app

__all__ = ["serve", "server_config"]

#: Room for the request line on top of ``max_header_bytes`` in h11's buffer limit, so
#: headers a little too large get the app's clear 431 and only absurd ones h11's 400.
_REQUEST_LINE = 8 * 1024


def server_config(
    app: ASGIApp,
    settings: WebSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "warning",
) -> uvicorn.Config:
    """Return uvicorn's settings for ``app``: h11 with a bounded header buffer, no proxy guess.

    httptools (uvicorn's default when installed) keeps no limit on header size, so h11 is
    chosen and told ``[web] max_header_bytes``. uvicorn's own ``X-Forwarded-For`` handling
    (which believes 127.0.0.1 by default) is off: `client_address` decides, from
    ``[web] trusted_proxies``.
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        http="h11",
        h11_max_incomplete_event_size=settings.max_header_bytes + _REQUEST_LINE,
        proxy_headers=False,
    )


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
    config = server_config(app, app.state.cx.settings, host=host, port=port, log_level=log_level)
    # Everything loaded so far lives as long as the server: keep it out of the garbage
    # collector's full passes, which would otherwise pause requests for tens of ms.
    gc.freeze()
    # uvicorn re-raises the Ctrl+C it handled once shut down; uvicorn.run swallows it, and
    # so does this, so a clean stop exits 0.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run()
