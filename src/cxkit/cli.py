"""The ``cx`` command line: a thin layer over the cxkit libraries."""

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

from cxkit.errors import CxError

__all__ = ["app", "main"]

app = typer.Typer(
    name="cx",
    help="cxkit: customer-experience analytics on your own data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", envvar="CX_WORKSPACE", help="Workspace folder.", show_default=True
    ),
]


@contextmanager
def _progress(description: str) -> Iterator[Callable[[str, int, int], None]]:
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


@app.command()
def init(path: Annotated[Path, typer.Argument(help="Folder to create.")] = Path(".")) -> None:
    """Create an empty workspace (cx.toml and cx.duckdb with the canonical tables)."""
    from cxkit.store import Workspace

    with Workspace(path, create=True) as ws:
        console.print(f"Workspace ready at [bold]{ws.path}[/bold] ({ws.url})")


@app.command()
def ingest(
    table: Annotated[str, typer.Argument(help="Canonical table, e.g. orders.")],
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or NDJSON file.")],
    workspace: WorkspaceOpt = Path("."),
    mapping: Annotated[
        str | None, typer.Option("--mapping", "-m", help="Mapping TOML file or shipped name.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, parquet, ndjson or whitespace.")
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option(help="CSV delimiter (default: detected).")
    ] = None,
    header: Annotated[
        bool | None, typer.Option("--header/--no-header", help="CSV has a header row.")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding (default: detected).")] = None,
) -> None:
    """Load FILE into TABLE: valid rows are upserted, bad rows quarantined with the reason."""
    from cxkit.ingest import ingest as run_ingest
    from cxkit.store import Workspace

    options: dict[str, Any] = {
        k: v
        for k, v in {
            "format": fmt,
            "delimiter": delimiter,
            "header": header,
            "encoding": encoding,
        }.items()
        if v is not None
    }
    with Workspace(workspace) as ws, _progress(f"ingest {file.name}") as update:
        result = run_ingest(ws, table, file, mapping=mapping, options=options, progress=update)
    for warning in result.warnings:
        err_console.print(f"[yellow]warning[/yellow]: {warning}")
    console.print(
        f"{result.file} -> [bold]{result.table}[/bold]: {result.rows_read:,} read, "
        f"[green]{result.rows_stored:,} stored[/green], "
        f"[{'red' if result.rows_quarantined else 'green'}]{result.rows_quarantined:,} "
        f"quarantined[/] in {result.seconds:.2f}s (batch {result.batch_id})"
    )
    if result.rows_quarantined:
        console.print(f"See why with: cx quarantine -w {workspace} --batch {result.batch_id}")


@app.command()
def tables(workspace: WorkspaceOpt = Path(".")) -> None:
    """Show each table of the workspace with its row count."""
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        console.print(_counts_table(ws.counts()))


def _counts_table(counts: dict[str, int]) -> Table:
    out = Table("table", "rows", title="Workspace tables")
    for name, n in counts.items():
        out.add_row(name, f"{n:,}")
    return out


@app.command()
def quarantine(
    workspace: WorkspaceOpt = Path("."),
    batch: Annotated[str | None, typer.Option(help="Only this batch id.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 20,
) -> None:
    """Show quarantined rows: file, row, column and reason."""
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        q = ws.table("quarantine")
        if batch:
            q = q.filter(q.batch_id == batch)
        frame = q.order_by(["source_file", "row_number"]).limit(limit).to_pandas()
    out = Table("file", "row", "column", "reason", title="Quarantine")
    for r in frame.itertuples():
        column = r.column_name if isinstance(r.column_name, str) else ""
        out.add_row(str(r.source_file), str(r.row_number), column, r.reason)
    console.print(out)


@app.command()
def schema(
    table: Annotated[str | None, typer.Argument(help="One table (default: all).")] = None,
) -> None:
    """Show the canonical data model: tables, columns, types, keys and allowed values."""
    from cxkit.schema import TABLES, default_vocabularies, table_spec

    vocab = default_vocabularies()
    for spec in [table_spec(table)] if table else list(TABLES.values()):
        out = Table("column", "type", "key", "required", "allowed", title=spec.name)
        for c in spec.columns:
            allowed = ", ".join(vocab[c.vocabulary]) if c.vocabulary else ""
            if c.low is not None or c.high is not None:
                allowed = (
                    f"{c.low if c.low is not None else ''}..{c.high if c.high is not None else ''}"
                )
            out.add_row(
                c.name + (" (pii)" if c.pii else ""),
                c.dtype,
                "yes" if c.key else "",
                "yes" if c.is_required else "",
                allowed,
            )
        console.print(out)


@app.command()
def demo(
    path: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path("demo"),
    customers: Annotated[int, typer.Option(help="Number of customers.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Build the demo company's workspace through the ingest path and show what is there."""
    from cxkit.demo import build_demo

    with _progress("demo company") as update:
        report = build_demo(path, customers=customers, seed=seed, progress=update)
    console.print(_counts_table(report.counts))
    console.print(
        f"{report.rows_read:,} rows read = {report.rows_stored:,} stored + "
        f"{report.rows_quarantined:,} quarantined, in {report.seconds:.1f}s"
    )
    console.print(f"Ground truth: {report.ground_truth_path}")
    console.print(
        f"Next: [bold]cx tables -w {path}[/bold], [bold]cx quarantine -w {path}[/bold], "
        "[bold]cx schema[/bold]"
    )


def main() -> None:
    """Run the CLI; cxkit errors print one line in red and exit 2, without a traceback."""
    logging.basicConfig(level=os.environ.get("CX_LOG_LEVEL", "WARNING"))
    try:
        app()
    except CxError as exc:
        err_console.print(f"[red]{type(exc).__name__}[/red]: {exc}", highlight=False)
        raise SystemExit(2) from None
