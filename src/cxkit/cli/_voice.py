"""``cx voice``: sentiment, themes, reputation alerts and empathy maps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cxkit.cli._common import FormatOpt, OutputOpt, WorkspaceOpt, console, emit, progress

__all__ = ["voice_app"]

voice_app = typer.Typer(help="Voice of customer: sentiment, themes, alerts, empathy maps.")


@voice_app.command("score")
def voice_score(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet, or text with one text per line.")],
    column: Annotated[str, typer.Option(help="The column holding the texts.")] = "text",
    output: Annotated[Path | None, typer.Option(help="File to write (.csv or .parquet).")] = None,
) -> None:
    """Score the sentiment of each text of a file; writes score and label beside each text."""
    from cxkit.voice import score_file

    out = score_file(file, column=column, output=output)
    console.print(f"Scored texts written to [bold]{out}[/bold]")


@voice_app.command("run")
def voice_run(
    workspace: WorkspaceOpt = Path("."),
    themes: Annotated[int, typer.Option(help="Number of themes to discover.")] = 16,
    seed: Annotated[int, typer.Option(help="Seed of theme discovery.")] = 0,
) -> None:
    """Score every feedback text and comment, discover themes, detect alerts; store them."""
    from cxkit.store import Workspace
    from cxkit.voice import refresh

    with progress("voice of customer") as update, Workspace(workspace) as ws:
        update("scoring, themes, alerts", 0, 1)
        report = refresh(ws, n_themes=themes, seed=seed)
    scored = ", ".join(f"{n:,} {t}" for t, n in report.scored.items())
    console.print(f"Scored {scored}; {report.themes} themes; {len(report.alerts)} alerts")


@voice_app.command("themes")
def voice_themes(
    workspace: WorkspaceOpt = Path("."),
    rename: Annotated[
        tuple[str, str] | None, typer.Option(help="THEME_ID LABEL: give a theme your label.")
    ] = None,
    merge: Annotated[
        tuple[str, str] | None, typer.Option(help="THEME_ID INTO: merge a theme into another.")
    ] = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """List the themes (run `cx voice run` first); rename or merge them (kept across runs)."""
    from cxkit.store import Workspace
    from cxkit.voice import merge_themes, rename_theme, theme_summary

    with Workspace(workspace) as ws:
        if rename:
            rename_theme(ws, *rename)
        if merge:
            merge_themes(ws, *merge)
        frame = theme_summary(ws).to_pandas()
    emit(frame, fmt, output, title="Themes")


@voice_app.command("alerts")
def voice_alerts(
    workspace: WorkspaceOpt = Path("."),
    source: Annotated[str, typer.Option(help="Feedback source, or 'all'.")] = "social",
    threshold: Annotated[float, typer.Option(help="Robust z-score that raises an alert.")] = 4.0,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Detect days of unusual negative volume, with the driving theme and top posts."""
    import json

    from cxkit.store import Workspace
    from cxkit.voice import detect_alerts

    with Workspace(workspace) as ws:
        frame = detect_alerts(ws, source=source, threshold=threshold)
    if fmt == "table":
        first = [json.loads(p)[:1] for p in frame.top_posts]
        frame = frame.drop(columns="top_posts").assign(
            top_post=[p[0][:80] if p else "" for p in first]
        )
    emit(frame, fmt, output, title=f"Reputation alerts ({source})")


@voice_app.command("empathy")
def voice_empathy(
    segment: Annotated[str, typer.Option(help="Customer segment to map.")],
    workspace: WorkspaceOpt = Path("."),
    html: Annotated[Path | None, typer.Option(help="Also write the map as HTML.")] = None,
) -> None:
    """Print a segment's empathy map: says, thinks, does, feels, pains and gains."""
    from cxkit.store import Workspace
    from cxkit.voice import empathy_map

    with Workspace(workspace) as ws:
        emap = empathy_map(ws, segment)
    out = Table("", "", "count", title=f"Empathy map: {segment} ({emap.customers:,} customers)")
    for name, lines in emap.sections.items():
        for i, (text, n) in enumerate(lines):
            out.add_row(name if i == 0 else "", text, f"{n:,}")
        out.add_section()
    console.print(out)
    if html:
        html.write_text(emap.to_html(), encoding="utf-8")
        console.print(f"HTML: [bold]{html}[/bold]")
