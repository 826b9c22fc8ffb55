"""The app's routes, one router per noun; `cxkit.web._app` includes them."""

from __future__ import annotations

from cxkit.web._routes import (
    _admin,
    _answers,
    _api,
    _customers,
    _dashboard,
    _session,
    _strategy,
    _surveys,
)

__all__ = ["API", "PAGES", "validation_error"]

#: The ``/api/v1`` JSON API (in the OpenAPI document).
API = _api.router
#: The server-rendered pages (not in the OpenAPI document).
PAGES = (
    _session.router,
    _dashboard.router,
    _customers.router,
    _surveys.router,
    _strategy.router,
    _admin.router,
    _answers.router,
)
validation_error = _api.validation_error
