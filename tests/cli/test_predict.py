"""`cx predict outreach`: the stored ranking, and what to do before a run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cxkit.cli import app
from cxkit.store import Workspace


@pytest.fixture(scope="module")
def demo(demo_company):
    path, result, truth = demo_company
    with Workspace(path) as ws:
        yield ws, result, truth


def test_cli_outreach_lists_the_stored_ranking(demo):
    ws, _, _ = demo
    args = ["predict", "outreach", "-w", str(ws.path), "--top", "3", "--format", "csv"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    lines = done.output.strip().splitlines()
    assert len(lines) == 4
    first = ws.to_pandas("outreach").sort_values("rank").customer_id.iloc[0]
    assert lines[1].startswith(f"1,{first},")


def test_cli_outreach_without_a_run_says_what_to_do(tmp_path):
    Workspace(tmp_path / "empty", create=True).close()
    done = subprocess.run(
        [sys.executable, "-m", "cxkit", "predict", "outreach", "-w", str(tmp_path / "empty")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "cx predict run" in done.stderr
    assert "Traceback" not in done.stderr
