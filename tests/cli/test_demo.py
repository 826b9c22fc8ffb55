"""`cx demo`: the demo company built, analysed, and its sign-in hint."""

from __future__ import annotations

from typer.testing import CliRunner

from cxkit.cli import app
from cxkit.demo import DEMO_ADMIN
from cxkit.store import Workspace
from cxkit.web import authenticate


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
