"""``cx report`` and ``cx strategy``: the strategy report, opportunities, maturity, roadmap."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cxkit.cli._common import FormatOpt, OutputOpt, WorkspaceOpt, console, emit, progress

__all__ = ["print_report_path", "report", "strategy_app"]


def print_report_path(path: Path) -> None:
    """Say where the strategy report was written."""
    console.print(f"Strategy report: [bold]{path}[/bold]", soft_wrap=True)


def report(
    workspace: WorkspaceOpt = Path("."),
    fmt: Annotated[
        str, typer.Option("--format", help="html or pdf (PDF needs Chromium).")
    ] = "html",
    output: Annotated[Path | None, typer.Option(help="File to write.")] = None,
) -> None:
    """Draft the CX strategy report as one self-contained document.

    Headline metrics, journeys, personas, voice, team, outlook, opportunities with ROI,
    maturity and roadmap.
    """
    from cxkit.store import Workspace
    from cxkit.strategy import write_report

    with Workspace(workspace) as ws, progress("strategy report") as update:
        target = output or ws.layout.output(f"cx_strategy_report.{fmt}")
        update("drafting", 0, 1)
        written = write_report(ws, target, fmt)
    print_report_path(written)


strategy_app = typer.Typer(help="Strategy workbench: opportunities, maturity, roadmap.")


@strategy_app.command("opportunities")
def strategy_opportunities(
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """List opportunities: customers affected, revenue at risk, effort, owner, quick win."""
    from cxkit.store import Workspace
    from cxkit.strategy import opportunities

    with Workspace(workspace) as ws:
        frame = opportunities(ws).drop(columns=["evidence", "churn_reduction"])
    if fmt == "table":
        frame = frame[["rank", "opportunity_id", "owner", "customers", "revenue_at_risk", "effort",
                       "quick_win"]]  # fmt: skip
    emit(frame, fmt, output, title="Opportunities")


@strategy_app.command("edit")
def strategy_edit(
    opportunity_id: Annotated[str, typer.Argument(help="e.g. pain:delivery_tracking")],
    workspace: WorkspaceOpt = Path("."),
    effort: Annotated[int | None, typer.Option(help="1 (days) to 5 (a year+).")] = None,
    owner: Annotated[str | None, typer.Option(help="Owning team.")] = None,
    churn_reduction: Annotated[
        float | None, typer.Option(help="ROI assumption: share of churn risk removed, 0-1.")
    ] = None,
) -> None:
    """Edit an opportunity's effort, owner or ROI assumption (kept across reports)."""
    from cxkit.store import Workspace
    from cxkit.strategy import edit_opportunity

    with Workspace(workspace) as ws:
        edit_opportunity(
            ws, opportunity_id, effort=effort, owner=owner, churn_reduction=churn_reduction
        )
    console.print(f"Saved {opportunity_id}.")


@strategy_app.command("answer")
def strategy_answer(
    question_id: Annotated[str, typer.Argument(help="e.g. S1 (see the report's maturity part)")],
    score: Annotated[int, typer.Argument(help="1 (not at all) to 5 (fully).")],
    workspace: WorkspaceOpt = Path("."),
    note: Annotated[str, typer.Option(help="Why this score.")] = "",
) -> None:
    """Answer a maturity question (overrides the evidence)."""
    from cxkit.store import Workspace
    from cxkit.strategy import answer

    with Workspace(workspace) as ws:
        answer(ws, question_id, score, note)
    console.print(f"Saved {question_id} = {score}.")


@strategy_app.command("roadmap")
def strategy_roadmap(
    output: Annotated[Path, typer.Argument(help="roadmap.csv or roadmap.md")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Export the roadmap (horizons, owners, ROI) as CSV or Markdown."""
    from cxkit.store import Workspace
    from cxkit.strategy import export_roadmap, opportunities, roadmap

    with Workspace(workspace) as ws:
        written = export_roadmap(roadmap(opportunities(ws)), output)
    console.print(f"Roadmap: [bold]{written}[/bold]")
