"""Workspaces: a folder with an embedded DuckDB file, read and written through Ibis."""

from __future__ import annotations

from cxkit.store._backend import Backend, connect, mirror
from cxkit.store._config import Config
from cxkit.store._source import TableSource
from cxkit.store._workspace import Workspace

__all__ = ["Backend", "Config", "TableSource", "Workspace", "connect", "mirror"]
