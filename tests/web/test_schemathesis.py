"""Property-based API testing against the served OpenAPI spec: no input gives a 5xx.

Schemathesis loads the spec when this module is collected, so the app here serves its own
small workspace (made at import, removed at exit) with one key per scope.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from cxkit.store import Workspace
from cxkit.web import add_api_key, create_app

_FOLDER = Path(tempfile.mkdtemp(prefix="cx-schemathesis-")) / "ws"
with Workspace(_FOLDER, create=True) as _ws:
    KEYS = {scope: add_api_key(_ws, scope) for scope in ("ingest", "read")}
APP = create_app(_FOLDER, rate_limit=0)
atexit.register(shutil.rmtree, _FOLDER.parent, ignore_errors=True)
atexit.register(APP.state.cx.close)

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_with_a_server_error(case):
    scope = "read" if case.method == "GET" else "ingest"
    case.headers = {**(case.headers or {}), "X-API-Key": KEYS[scope]}
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    assert response.status_code != 401  # the key was accepted: the body was really tested
