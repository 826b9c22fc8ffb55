"""Workspaces: a folder with an embedded DuckDB file, read and written through Ibis.

`Workspace` is the only door to the tables; engines are found by URL scheme in `ENGINES`.
"""

from __future__ import annotations

from cxkit.store._backend import ENGINES, Backend, connect, mirror
from cxkit.store._config import Config, IngestSettings, WebSettings
from cxkit.store._layout import Layout, workspace_secret
from cxkit.store._migrations import FORMAT_VERSION, MIGRATIONS, Migration, MigrationPlan
from cxkit.store._source import TableSource, custom_fields
from cxkit.store._workspace import Workspace, migration_plan

__all__ = [
    "ENGINES",
    "FORMAT_VERSION",
    "MIGRATIONS",
    "Backend",
    "Config",
    "IngestSettings",
    "Layout",
    "Migration",
    "MigrationPlan",
    "TableSource",
    "WebSettings",
    "Workspace",
    "connect",
    "custom_fields",
    "migration_plan",
    "mirror",
    "workspace_secret",
]
