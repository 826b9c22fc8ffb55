"""`cx users add`, `cx keys add`, `cx serve` and the demo's sign-in hint."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cxkit.cli import DEMO_ADMIN, app
from cxkit.store import Workspace
from cxkit.web import api_key_scope, authenticate


def test_users_and_keys_from_the_command_line(ws):
    ws.close()
    runner = CliRunner()
    folder = str(ws.path)
    r = runner.invoke(
        app,
        ["users", "add", "maria", "--role", "analyst", "-w", folder],
        input="s3cret-pass\ns3cret-pass\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        ["users", "add", "bob", "--role", "owner", "-w", folder],
        env={"CX_PASSWORD": "long enough"},
    )
    assert r.exit_code != 0 and "role 'owner'" in str(r.exception)
    r = runner.invoke(app, ["keys", "add", "--scope", "ingest", "--label", "crm", "-w", folder])
    assert r.exit_code == 0
    key = re.search(r"cxk_\S+", r.output).group(0)
    with Workspace(folder) as reopened:
        user = authenticate(reopened, "maria", "s3cret-pass")
        assert user is not None and user.role == "analyst"
        assert authenticate(reopened, "maria", "wrong") is None
        assert api_key_scope(reopened, key) == "ingest"


def test_serve_refuses_a_folder_that_is_not_a_workspace(tmp_path):
    r = CliRunner().invoke(app, ["serve", str(tmp_path / "nowhere"), "--port", "0"])
    assert r.exit_code != 0 and "not a cxkit workspace" in str(r.exception)


def test_demo_admin_login_is_printed_and_works(tmp_path):
    folder = tmp_path / "demo"
    r = CliRunner().invoke(app, ["demo", str(folder), "--customers", "300", "--seed", "2"])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert f"cx serve {folder}" in text and DEMO_ADMIN[1] in text
    report = folder / "cx_strategy_report.html"
    assert f"Strategy report: {report}" in r.output and report.stat().st_size > 1_000_000
    with Workspace(folder) as ws:
        assert authenticate(ws, *DEMO_ADMIN).role == "admin"
        surveys = set(ws.to_pandas("surveys").survey_id)
        responses = set(ws.to_pandas("responses").survey_id.dropna())
        assert surveys == responses  # every demo answer belongs to a defined survey


def test_report_and_strategy_commands(tmp_path):
    folder = tmp_path / "demo"
    runner = CliRunner()
    assert (
        runner.invoke(app, ["demo", str(folder), "--customers", "300", "--seed", "4"]).exit_code
        == 0
    )
    r = runner.invoke(app, ["strategy", "opportunities", "-w", str(folder), "--format", "csv"])
    assert r.exit_code == 0 and r.output.startswith("rank,opportunity_id")
    first = r.output.splitlines()[1].split(",")[1]
    r = runner.invoke(app, ["strategy", "edit", first, "-w", str(folder), "--effort", "9"])
    assert r.exit_code != 0 and "effort" in str(r.exception)
    r = runner.invoke(app, ["strategy", "edit", first, "-w", str(folder), "--effort", "1"])
    assert r.exit_code == 0
    assert runner.invoke(app, ["strategy", "answer", "S2", "3", "-w", str(folder)]).exit_code == 0
    md = tmp_path / "roadmap.md"
    assert runner.invoke(app, ["strategy", "roadmap", str(md), "-w", str(folder)]).exit_code == 0
    assert "## 0-3 months" in md.read_text()
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["report", "-w", str(folder), "--output", str(out)])
    assert r.exit_code == 0 and "Roadmap" in out.read_text()
    r = runner.invoke(app, ["report", "-w", str(folder), "--format", "docx"])
    assert r.exit_code != 0 and "html or pdf" in str(r.exception)
