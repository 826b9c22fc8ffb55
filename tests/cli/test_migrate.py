"""`cx migrate`: --check says what would change and changes nothing; without it, migrates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cxkit.cli import app
from cxkit.store import FORMAT_VERSION, migration_plan
from tests.store.test_migrations import restore_v1


def test_migrate_check_then_migrate(tmp_path: Path) -> None:
    folder = restore_v1(tmp_path / "v1")
    runner = CliRunner()
    checked = runner.invoke(app, ["migrate", str(folder), "--check"])
    assert checked.exit_code == 0, checked.output
    assert f"format 1 -> {FORMAT_VERSION}" in checked.output
    assert "create table: workspace_meta" in checked.output
    assert migration_plan(folder).from_version == 1 and not (folder / "backups").exists()
    done = runner.invoke(app, ["migrate", str(folder)])
    assert done.exit_code == 0, done.output
    assert "migrated" in done.output and "backups" in done.output
    assert migration_plan(folder).from_version == FORMAT_VERSION
    again = runner.invoke(app, ["migrate", str(folder)])
    assert again.output.strip() == f"format {FORMAT_VERSION} is current: nothing to change"


def test_migrate_names_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "cxkit", "migrate", str(tmp_path), "--check"]
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    assert result.returncode == 2
    assert "WorkspaceError" in result.stderr + result.stdout
    assert "is not a cxkit workspace" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
