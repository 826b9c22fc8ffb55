"""Workspace format versions and the migrations between them.

A workspace records the format its tables follow in ``workspace_meta``. Opening an older
one copies the database to ``backups/`` first, then applies every pending migration and
records the new version in one transaction: all of it lands, or none. Each change to the
tables adds a `Migration` here and extends ``tests/store/test_migrations.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ibis

from cxkit.errors import WorkspaceError
from cxkit.schema import ALL_TABLES, TABLES, WORKSPACE_META
from cxkit.store._backend import Backend

__all__ = ["FORMAT_VERSION", "MIGRATIONS", "Migration", "MigrationPlan", "plan", "upgrade"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    """One step from format ``version - 1`` to ``version``."""

    version: int
    description: str
    #: Changes the backend's tables (inside the migration's transaction); tables that are
    #: new in the schema are created after every step, so a step only alters or moves data.
    apply: Callable[[Backend], None] = field(default=lambda backend: None)


def _add_missing_columns(backend: Backend) -> None:
    """Add the columns the schema declares that a table lacks (all nullable, at the end)."""
    for name, spec in ALL_TABLES.items():
        if name not in backend.list_tables():
            continue
        have = set(backend.table(name).columns)
        missing = {c.name: c.ibis_type for c in spec.columns if c.name not in have}
        if missing:
            backend.add_columns(name, missing)


#: Every migration, in order. Format 1: workspaces made before formats were recorded.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "record the workspace format version in workspace_meta"),
    Migration(
        3,
        "loads: record each load's file hash, columns and changes (undo); `seq` keeps "
        "the file's order of rows stored at the same time",
        _add_missing_columns,
    ),
)

#: The format this code reads and writes.
FORMAT_VERSION = MIGRATIONS[-1].version


@dataclass
class MigrationPlan:
    """What opening a workspace changes: the versions, the steps and the new tables."""

    from_version: int | None
    to_version: int = FORMAT_VERSION
    steps: list[str] = field(default_factory=list)
    new_tables: list[str] = field(default_factory=list)
    #: The copy taken before migrating (set once done).
    backup: Path | None = None

    @property
    def needed(self) -> bool:
        """Whether an existing workspace's format is older than this code's."""
        return self.from_version is not None and self.from_version < self.to_version

    def describe(self) -> list[str]:
        """Return the plan as sentences, for ``cx migrate``."""
        if self.from_version is None:
            return [f"new workspace: create every table at format {self.to_version}"]
        if not self.needed:
            return [f"format {self.from_version} is current: nothing to change"]
        lines = [f"format {self.from_version} -> {self.to_version}"]
        lines += [f"step: {s}" for s in self.steps]
        lines += [f"create table: {t}" for t in self.new_tables]
        return lines


def _version(backend: Backend, existing: set[str]) -> int | None:
    """Return the recorded format, 1 for a workspace older than records, None if new."""
    if WORKSPACE_META.name in existing:
        meta = backend.table(WORKSPACE_META.name)
        row = meta.filter(meta.name == "format_version").select("value").to_pyarrow()
        if row.num_rows:
            return int(row.column("value")[0].as_py())
    if existing & set(TABLES):
        return 1
    return None


def plan(backend: Backend) -> MigrationPlan:
    """Return what opening the workspace on ``backend`` would change, changing nothing."""
    existing = set(backend.list_tables())
    version = _version(backend, existing)
    if version is not None and version > FORMAT_VERSION:
        raise WorkspaceError(
            f"this workspace has format {version}, newer than this cxkit reads "
            f"({FORMAT_VERSION}); upgrade cxkit"
        )
    result = MigrationPlan(version)
    result.steps = [m.description for m in MIGRATIONS if version and m.version > version]
    result.new_tables = [name for name in ALL_TABLES if name not in existing]
    return result


def upgrade(backend: Backend, backup: Callable[[int], Path]) -> MigrationPlan:
    """Bring the workspace on ``backend`` to `FORMAT_VERSION` and return what was done.

    An older workspace is copied through ``backup(version)`` first; then the pending
    migrations, the new tables and the version record land in one transaction.
    """
    todo = plan(backend)
    if todo.from_version is not None and not todo.needed and not todo.new_tables:
        return todo
    if todo.needed:
        todo.backup = backup(todo.from_version or 0)
    with backend.transaction():
        for migration in MIGRATIONS:
            if todo.from_version and migration.version > todo.from_version:
                migration.apply(backend)
        backend.create_tables(ALL_TABLES.values())
        record = ibis.memtable(
            {"name": ["format_version"], "value": [str(FORMAT_VERSION)]},
            schema=WORKSPACE_META.ibis_schema(),
        )
        backend.upsert(WORKSPACE_META.name, record, WORKSPACE_META.key)
    if todo.needed:
        log.info("migrated the workspace: %s; backup %s", "; ".join(todo.describe()), todo.backup)
    return todo
