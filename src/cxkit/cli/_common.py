"""What every command shares: the consoles, the option aliases, table output, progress, errors."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cxkit.errors import ConfigError, CxError

__all__ = [
    "FormatOpt",
    "OutputOpt",
    "WorkspaceOpt",
    "console",
    "counts_table",
    "emit",
    "err_console",
    "progress",
    "run_app",
]

console = Console()
err_console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", envvar="CX_WORKSPACE", help="Workspace folder.", show_default=True
    ),
]
FormatOpt = Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")]
OutputOpt = Annotated[Path | None, typer.Option(help="Write to this file.")]


@contextmanager
def progress(description: str) -> Iterator[Callable[[str, int, int], None]]:
    """Show a Rich progress bar fed by ``(step, done, total)`` callbacks."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=None, step="")

        def update(step: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, step=step)

        yield update


def emit(frame: Any, fmt: str, output: Path | None, title: str) -> None:
    """Write ``frame`` as a Rich table, CSV, JSON or Parquet.

    Parameters
    ----------
    frame
        A pandas DataFrame.
    fmt
        ``table``, ``csv``, ``json`` or ``parquet`` (the ``--format`` option).
    output
        File to write; CSV and JSON go to standard output without one, Parquet needs one.
    title
        Title of the Rich table.
    """
    if fmt == "parquet":
        if output is None:
            raise ConfigError("--format parquet needs --output FILE")
        frame.to_parquet(output, index=False)
        return
    if fmt in ("csv", "json"):
        text = (
            frame.to_csv(index=False)
            if fmt == "csv"
            else frame.to_json(orient="records", date_format="iso", indent=1)
        )
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            typer.echo(text)
        return
    if fmt != "table":
        raise ConfigError(f"unknown --format {fmt!r}; expected table, csv, json or parquet")
    out = Table(*map(str, frame.columns), title=title)
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    if rows:  # the first column names the row (an id people type): never cut it short
        out.columns[0].min_width = min(40, max(len(r[0]) for r in rows))
    for row in rows:
        out.add_row(*row)
    console.print(out)


def _cell(value: Any) -> str:
    """Format one table cell: floats with two decimals, times as their date."""
    if isinstance(value, float):
        return "" if value != value else f"{value:,.2f}"
    if hasattr(value, "strftime"):
        return str(value)[:10]
    return str(value)


def print_load(result: Any, workspace: Path) -> None:
    """Print what one load did (`cx ingest`, `cx import`): rows, merges, new fields, where."""
    for warning in result.warnings:
        err_console.print(f"[yellow]warning[/yellow]: {warning}")
    fields = f"; new fields: {', '.join(result.new_fields)}" if result.new_fields else ""
    console.print(
        f"{result.file} -> [bold]{result.table}[/bold]: {result.rows_read:,} read, "
        f"[green]{result.rows_stored:,} stored[/green], "
        f"[{'red' if result.rows_quarantined else 'green'}]{result.rows_quarantined:,} "
        f"quarantined[/] in {result.seconds:.2f}s (load {result.batch_id}: "
        f"{result.rows_inserted:,} new, {result.rows_updated:,} merged{fields})"
    )
    if result.rows_quarantined:
        console.print(f"See why with: cx quarantine -w {workspace} --batch {result.batch_id}")


def counts_table(counts: dict[str, int]) -> Table:
    """Return the table of workspace tables and their row counts."""
    out = Table("table", "rows", title="Workspace tables")
    for name, n in counts.items():
        out.add_row(name, f"{n:,}")
    return out


def run_app(app: typer.Typer) -> None:
    """Run ``app``; a cxkit error prints one line in red and exits 2, without a traceback."""
    logging.basicConfig(level=os.environ.get("CX_LOG_LEVEL", "WARNING"))
    try:
        app()
    except CxError as exc:
        err_console.print(f"[red]{type(exc).__name__}[/red]: {exc}", highlight=False)
        raise SystemExit(2) from None
