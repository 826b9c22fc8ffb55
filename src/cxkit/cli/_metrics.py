"""``cx metrics``: list the metric registry, show a metric sliced any way."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cxkit.cli._common import FormatOpt, OutputOpt, WorkspaceOpt, console, emit
from cxkit.cli._needs import check, said

__all__ = ["metrics_app"]

metrics_app = typer.Typer(help="CX metrics: list the registry, show a metric sliced any way.")


@metrics_app.command("list")
def metrics_list() -> None:
    """Print every metric: name, unit, direction, tables and formula."""
    from cxkit.metrics import REGISTRY

    out = Table("metric", "unit", "better", "tables", "formula", title="Metrics")
    for m in REGISTRY.values():
        out.add_row(m.name, m.unit, m.direction, ", ".join(m.tables), m.formula)
    console.print(out)


@metrics_app.command("show")
def metrics_show(
    name: Annotated[str, typer.Argument(help="Metric name (see `cx metrics list`).")],
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[list[str] | None, typer.Option("--by", help="Dimension; repeatable.")] = None,
    period: Annotated[str | None, typer.Option(help="day, week, month, quarter or year.")] = None,
    where: Annotated[
        list[str] | None, typer.Option("--filter", help="COLUMN=VALUE; repeatable.")
    ] = None,
    change: Annotated[
        bool, typer.Option("--compare", help="Add change vs previous period and significance.")
    ] = False,
    min_n: Annotated[int, typer.Option(help="Flag groups smaller than this.")] = 30,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Show metric NAME, optionally by dimensions and period.

    A metric whose table is empty (FRT without tickets, CLV without orders) says which
    table to load and exits 2 rather than showing an empty value.
    """
    from cxkit.errors import ConfigError
    from cxkit.metrics import compare, compute, get_metric
    from cxkit.present import NEEDS
    from cxkit.store import Workspace

    filters: dict[str, list[str]] = {}
    for item in where or []:
        column, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--filter {item!r}: expected COLUMN=VALUE")
        filters.setdefault(column, []).append(value)
    get_metric(name)  # an unknown name is told as such, before any table is looked at
    with said(), Workspace(workspace) as ws:
        if f"metric {name}" in NEEDS:
            check(ws, f"metric {name}")
        if change:
            expr = compare(
                ws, name, by=by or [], period=period or "month", filters=filters, min_n=min_n
            )
        else:
            expr = compute(ws, name, by=by or [], period=period, filters=filters, min_n=min_n)
        frame = expr.to_pandas()
    emit(frame, fmt, output, title=name)
