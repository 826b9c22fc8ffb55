"""Workspace and data commands: ``cx init``, ``ingest``, ``tables``, ``quarantine``, ``schema``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from cxkit.cli._common import (
    WorkspaceOpt,
    console,
    counts_table,
    err_console,
    print_load,
    progress,
)

if TYPE_CHECKING:
    from cxkit.ingest import Mapping, Suggestion
    from cxkit.store import Workspace

__all__ = ["ingest", "init", "migrate", "quarantine", "schema", "tables"]


def init(path: Annotated[Path, typer.Argument(help="Folder to create.")] = Path(".")) -> None:
    """Create an empty workspace (cx.toml and cx.duckdb with the canonical tables)."""
    from cxkit.store import Workspace

    with Workspace(path, create=True) as ws:
        console.print(f"Workspace ready at [bold]{ws.path}[/bold] ({ws.url})")


def ingest(
    table: Annotated[
        str | None,
        typer.Argument(
            metavar="TABLE",
            help="Canonical table, e.g. orders; with --suggest it may be left out (detected).",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Argument(metavar="FILE", help="CSV, Parquet or NDJSON file.", show_default=False),
    ] = None,
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
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest",
            help="Propose a mapping from the header and a sample of rows; print it as TOML.",
        ),
    ] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="With --suggest: load FILE with that mapping now.")
    ] = False,
    suggest_out: Annotated[
        Path | None,
        typer.Option("--suggest-out", help="Write the suggested mapping here (implies --suggest)."),
    ] = None,
) -> None:
    """Load FILE into TABLE: valid rows are upserted, bad rows quarantined with the reason.

    cx ingest TABLE FILE loads by column names (or --mapping). For an unknown export,
    cx ingest FILE --suggest proposes the table and a mapping (column matches, time
    formats, vocabulary values, custom fields) and prints it as TOML; --apply loads FILE
    with it in the same command; --suggest-out PATH keeps it for --mapping PATH. Name the
    table (cx ingest TABLE FILE --suggest) to choose it yourself.
    """
    from cxkit.ingest import ingest as run_ingest
    from cxkit.store import Workspace

    suggest = suggest or suggest_out is not None
    # Typer cannot declare an optional argument before a required one: one argument given
    # is FILE, and TABLE is detected.
    if file is None:
        if table is None:
            raise typer.BadParameter("missing: name the file to load", param_hint="FILE")
        file, table = Path(table), None
    if table is None and not suggest:
        raise typer.BadParameter(
            "name the table (cx ingest TABLE FILE), or let cx ingest FILE --suggest detect it",
            param_hint="TABLE",
        )
    if apply and not suggest:
        raise typer.BadParameter("loads the suggested mapping: add --suggest", param_hint="--apply")
    if suggest and mapping:
        raise typer.BadParameter(
            "--suggest proposes the mapping: leave one out", param_hint="--mapping"
        )
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
    with Workspace(workspace) as ws:
        chosen: str | Mapping | None = mapping
        if suggest:
            suggestion = _suggest(ws, file, table, options, suggest_out, warn=not apply)
            if not apply:
                return
            suggestion.check()  # a required column no header matches: refused, named
            table, chosen = suggestion.table, suggestion.mapping()
        assert table is not None
        with progress(f"ingest {file.name}") as update:
            result = run_ingest(ws, table, file, mapping=chosen, options=options, progress=update)
    print_load(result, workspace)


def _suggest(
    ws: Workspace,
    file: Path,
    table: str | None,
    options: dict[str, Any],
    out: Path | None,
    *,
    warn: bool,
) -> Suggestion:
    """Print (or write to ``out``) the mapping suggested for ``file`` and return it.

    With ``warn``, required columns no header matches are named, with the closest headers.
    """
    from cxkit.ingest import suggest_mapping

    with progress(f"suggest {file.name}"):
        suggestion = suggest_mapping(ws, file, table, options=options)
    text = suggestion.to_toml()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        err_console.print(
            f"mapping for {suggestion.table} written to {out}; load with: "
            f"cx ingest {suggestion.table} {file} --mapping {out}",
            highlight=False,
            markup=False,
        )
    for problem in suggestion.problems() if warn else []:
        err_console.print("[yellow]warning[/yellow]: ", end="")
        err_console.print(problem, highlight=False, markup=False)
    return suggestion


def migrate(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    check: Annotated[
        bool, typer.Option("--check", help="Say what would change; change nothing.")
    ] = False,
) -> None:
    """Bring a workspace made by an older cxkit to this format (a backup first)."""
    from cxkit.store import Workspace, migration_plan

    if check:
        for line in migration_plan(workspace).describe():
            console.print(line)
        return
    with Workspace(workspace) as ws:
        done = ws.migrated
    if not done.needed:
        console.print(done.describe()[0])
        return
    for line in done.describe():
        console.print(line)
    console.print(f"[green]migrated[/green]; the format-{done.from_version} copy is {done.backup}")


def tables(workspace: WorkspaceOpt = Path(".")) -> None:
    """Show each table of the workspace with its row count."""
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        console.print(counts_table(ws.counts()))


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
