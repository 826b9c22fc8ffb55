"""``cx import`` (a vendor's export through its built-in importer) and ``cx loads`` (the log)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cxkit.cli._common import FormatOpt, OutputOpt, WorkspaceOpt, console, emit, print_load

__all__ = ["import_files", "loads_app"]

loads_app = typer.Typer(
    help="Every load (file or API batch), and undo of a file load.",
    no_args_is_help=False,
    invoke_without_command=True,
)


def import_files(
    source: Annotated[
        str, typer.Argument(help="Importer: zendesk, shopify, typeform... (--list shows all).")
    ] = "",
    files: Annotated[list[Path] | None, typer.Argument(help="The export's files.")] = None,
    workspace: WorkspaceOpt = Path("."),
    show: Annotated[bool, typer.Option("--list", help="List the importers and exit.")] = False,
) -> None:
    """Load a vendor's export with its built-in importer: no mapping to write.

    Each file becomes one load per table (customers first); columns the importer does not
    map are kept as custom fields, usable as --by slices.
    """
    from cxkit.importers import IMPORTERS
    from cxkit.importers import import_files as run_import
    from cxkit.store import Workspace

    if show or not source:
        for name, importer in sorted(IMPORTERS.items()):
            console.print(f"[bold]{name}[/bold]: {importer.title}")
        return
    if not files:
        raise typer.BadParameter("give the export's files after the importer's name")
    with Workspace(workspace) as ws:
        results = run_import(ws, source, files)
    for r in results:
        print_load(r, workspace)


@loads_app.callback()
def loads(
    ctx: typer.Context,
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """List every load, newest first: file, table, rows, whether undone."""
    if ctx.invoked_subcommand is not None:
        return
    from cxkit.ingest import list_loads
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        frame = list_loads(ws).to_pandas()
    if fmt == "table":  # the essentials, short, so the table fits a terminal
        frame = frame.assign(
            when=frame.ingested_at.dt.strftime("%Y-%m-%d %H:%M"),
            file=frame.source_file.map(lambda f: Path(f).name if f else ""),
            undone=frame.undone_at.dt.strftime("%Y-%m-%d %H:%M").fillna(""),
        )
        frame = frame.rename(
            columns={
                "batch_id": "load",
                "table_name": "table",
                "rows_read": "read",
                "rows_stored": "stored",
                "rows_inserted": "new",
                "rows_updated": "merged",
                "rows_quarantined": "quarantined",
            }
        )
        columns = ["load", "when", "table", "file", "read", "stored", "new", "merged"]
        frame = frame[[*columns, "quarantined", "undone"]]
    shown = frame
    emit(shown, fmt, output, title="Loads")


@loads_app.command("undo")
def undo(
    load: Annotated[str, typer.Argument(help="The load's id (from `cx loads`).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Take a file load back exactly: rows it added removed, rows it changed as they were."""
    from cxkit.ingest import undo_load
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        done = undo_load(ws, load)
    console.print(
        f"load {done.batch_id} undone: {done.table}: {done.rows_removed:,} rows removed, "
        f"{done.rows_restored:,} restored as they were, "
        f"{done.quarantine_removed:,} quarantined rows dropped"
    )
