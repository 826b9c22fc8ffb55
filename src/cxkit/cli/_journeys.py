"""``cx journeys``: the journey map, funnel, path variants and pain points.

Each command first checks the workspace for what it reads (`cxkit.present.NEEDS`): without
events, or without touchpoints' stages where the result is built on them, it says which
table to load and exits 2; where a result is only partial it warns and goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cxkit.cli._common import FormatOpt, OutputOpt, WorkspaceOpt, console, emit
from cxkit.cli._needs import check, said

__all__ = ["journeys_app"]

journeys_app = typer.Typer(help="Journeys: map, funnel, paths and pain points.")

SegmentOpt = Annotated[str | None, typer.Option(help="Only customers of this segment.")]
WhereOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        help="COLUMN=VALUE: only customers whose column (a custom field too) holds VALUE; "
        "repeatable.",
    ),
]


def _journey_source(ws: Any, segment: str | None, where: list[str] | None = None) -> Any:
    """Return the workspace, or its view of some customers (a segment, --where COLUMN=VALUE)."""
    from cxkit.errors import ConfigError
    from cxkit.journeys import SegmentView

    pairs = {}
    for item in where or []:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise ConfigError(f"--where {item!r}: expected COLUMN=VALUE, e.g. plan=gold")
        pairs[column.strip()] = value.strip()
    return SegmentView(ws, segment, pairs) if segment or pairs else ws


@journeys_app.command("map")
def journeys_map(
    workspace: WorkspaceOpt = Path("."),
    segment: SegmentOpt = None,
    where: WhereOpt = None,
    output: Annotated[Path | None, typer.Option(help="HTML file to write.")] = None,
) -> None:
    """Write the journey map, main flows (Sankey) and funnel as one offline HTML file."""
    from cxkit.journeys import write_journey_map
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        check(ws, "journey map")
        path = write_journey_map(
            _journey_source(ws, segment, where), output or ws.layout.output("journey_map.html")
        )
    console.print(f"Journey map written to [bold]{path}[/bold]")


@journeys_app.command("funnel")
def journeys_funnel(
    workspace: WorkspaceOpt = Path("."),
    segment: SegmentOpt = None,
    where: WhereOpt = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="channel, segment, country or a customer custom field."),
    ] = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Show customers reaching each stage and the drop-off between stages."""
    from cxkit.journeys import funnel
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        check(ws, "funnel")
        frame = funnel(_journey_source(ws, segment, where), by=by or []).to_pandas()
    emit(frame, fmt, output, title="Stage funnel")


@journeys_app.command("paths")
def journeys_paths(
    workspace: WorkspaceOpt = Path("."),
    segment: SegmentOpt = None,
    where: WhereOpt = None,
    top: Annotated[int, typer.Option(help="Variants to list before 'other'.")] = 15,
    session: Annotated[
        bool, typer.Option("--session", help="Journeys per session (30 min gap), not customer.")
    ] = False,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Show the most frequent path variants with their conversion."""
    from cxkit.journeys import cases, variants
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        check(ws, "paths")
        src = _journey_source(ws, segment, where)
        j = cases(src, by="session" if session else "customer")
        frame = variants(src, j, top=top).to_pandas()
    emit(frame, fmt, output, title="Path variants")


@journeys_app.command("painpoints")
def journeys_painpoints(
    workspace: WorkspaceOpt = Path("."),
    segment: SegmentOpt = None,
    where: WhereOpt = None,
    top: Annotated[int, typer.Option(help="Pain points to show.")] = 10,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Rank touchpoints by drop-off, scores, negative feedback, rework and revenue at risk."""
    from cxkit.journeys import pain_points
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        check(ws, "pain points")
        frame = pain_points(_journey_source(ws, segment, where)).head(top)
    cols = ["rank", "touchpoint", "visitors", "revenue_at_risk", "evidence"]
    emit(frame if fmt != "table" else frame[cols], fmt, output, title="Pain points")
