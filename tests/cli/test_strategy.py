"""`cx report` and `cx strategy opportunities|edit|answer|roadmap`."""

from __future__ import annotations

from typer.testing import CliRunner

from cxkit.cli import app


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
