"""The ``cx`` command line: a thin layer over the cxkit libraries."""

from __future__ import annotations

import json
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

from cxkit.errors import CxError, WorkspaceError

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


metrics_app = typer.Typer(help="CX metrics: list the registry, show a metric sliced any way.")
app.add_typer(metrics_app, name="metrics")


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
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Show metric NAME, optionally by dimensions and period."""
    from cxkit.errors import ConfigError
    from cxkit.metrics import compare, compute
    from cxkit.store import Workspace

    filters: dict[str, list[str]] = {}
    for item in where or []:
        column, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--filter {item!r}: expected COLUMN=VALUE")
        filters.setdefault(column, []).append(value)
    with Workspace(workspace) as ws:
        if change:
            expr = compare(
                ws, name, by=by or [], period=period or "month", filters=filters, min_n=min_n
            )
        else:
            expr = compute(ws, name, by=by or [], period=period, filters=filters, min_n=min_n)
        frame = expr.to_pandas()
    _emit(frame, fmt, output, title=name)


def _emit(frame: Any, fmt: str, output: Path | None, title: str) -> None:
    """Write ``frame`` as a Rich table, CSV, JSON or Parquet."""
    from cxkit.errors import ConfigError

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
    for row in frame.itertuples(index=False):
        out.add_row(*(_cell(v) for v in row))
    console.print(out)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:,.2f}"
    if hasattr(value, "strftime"):
        return str(value)[:10]
    return str(value)


journeys_app = typer.Typer(help="Journeys: map, funnel, paths and pain points.")
app.add_typer(journeys_app, name="journeys")

SegmentOpt = Annotated[str | None, typer.Option(help="Only customers of this segment.")]


def _journey_source(ws: Any, segment: str | None) -> Any:
    from cxkit.journeys import SegmentView

    return SegmentView(ws, segment) if segment else ws


@journeys_app.command("map")
def journeys_map(
    workspace: WorkspaceOpt = Path("."),
    segment: SegmentOpt = None,
    output: Annotated[Path | None, typer.Option(help="HTML file to write.")] = None,
) -> None:
    """Write the journey map, main flows (Sankey) and funnel as one offline HTML file."""
    from cxkit.journeys import write_journey_map
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        path = write_journey_map(
            _journey_source(ws, segment), output or ws.path / "journey_map.html"
        )
    console.print(f"Journey map written to [bold]{path}[/bold]")


@journeys_app.command("funnel")
def journeys_funnel(
    workspace: WorkspaceOpt = Path("."),
    segment: SegmentOpt = None,
    by: Annotated[
        list[str] | None, typer.Option("--by", help="channel, segment or country.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Show customers reaching each stage and the drop-off between stages."""
    from cxkit.journeys import funnel
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        frame = funnel(_journey_source(ws, segment), by=by or []).to_pandas()
    _emit(frame, fmt, output, title="Stage funnel")


@journeys_app.command("paths")
def journeys_paths(
    workspace: WorkspaceOpt = Path("."),
    segment: SegmentOpt = None,
    top: Annotated[int, typer.Option(help="Variants to list before 'other'.")] = 15,
    session: Annotated[
        bool, typer.Option("--session", help="Journeys per session (30 min gap), not customer.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Show the most frequent path variants with their conversion."""
    from cxkit.journeys import cases, variants
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        src = _journey_source(ws, segment)
        j = cases(src, by="session" if session else "customer")
        frame = variants(src, j, top=top).to_pandas()
    _emit(frame, fmt, output, title="Path variants")


@journeys_app.command("painpoints")
def journeys_painpoints(
    workspace: WorkspaceOpt = Path("."),
    segment: SegmentOpt = None,
    top: Annotated[int, typer.Option(help="Pain points to show.")] = 10,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Rank touchpoints by drop-off, scores, negative feedback, rework and revenue at risk."""
    from cxkit.journeys import pain_points
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        frame = pain_points(_journey_source(ws, segment)).head(top)
    cols = ["rank", "touchpoint", "visitors", "revenue_at_risk", "evidence"]
    _emit(frame if fmt != "table" else frame[cols], fmt, output, title="Pain points")


voice_app = typer.Typer(help="Voice of customer: sentiment, themes, alerts, empathy maps.")
app.add_typer(voice_app, name="voice")


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

    with _progress("voice of customer") as update, Workspace(workspace) as ws:
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
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
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
    _emit(frame, fmt, output, title="Themes")


@voice_app.command("alerts")
def voice_alerts(
    workspace: WorkspaceOpt = Path("."),
    source: Annotated[str, typer.Option(help="Feedback source, or 'all'.")] = "social",
    threshold: Annotated[float, typer.Option(help="Robust z-score that raises an alert.")] = 4.0,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Detect days of unusual negative volume, with the driving theme and top posts."""
    from cxkit.store import Workspace
    from cxkit.voice import detect_alerts

    with Workspace(workspace) as ws:
        frame = detect_alerts(ws, source=source, threshold=threshold)
    if fmt == "table":
        import json

        first = [json.loads(p)[:1] for p in frame.top_posts]
        frame = frame.drop(columns="top_posts").assign(
            top_post=[p[0][:80] if p else "" for p in first]
        )
    _emit(frame, fmt, output, title=f"Reputation alerts ({source})")


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


predict_app = typer.Typer(help="Prediction and action: CLV, churn risk, personas, outreach.")
app.add_typer(predict_app, name="predict")


@predict_app.command("run")
def predict_run(
    workspace: WorkspaceOpt = Path("."),
    horizon: Annotated[int, typer.Option(help="Churn horizon in days.")] = 90,
    months: Annotated[int, typer.Option(help="CLV horizon in months.")] = 12,
) -> None:
    """Fit CLV, churn, segments and recommendations; store scores, personas and outreach."""
    _predict(workspace, horizon=horizon, months=months, top=5)


def _predict(path: Path, *, horizon: int = 90, months: int = 12, top: int = 5) -> None:
    """Fit the prediction models and print the models, personas and outreach head."""
    from cxkit.predict import refresh
    from cxkit.store import Workspace

    with _progress("predictions") as update, Workspace(path) as ws:
        report = refresh(ws, horizon_days=horizon, months=months, progress=update)
    bg = ", ".join(f"{k} {v:.3g}" for k, v in report.clv.bgnbd.params_.items())
    gg = ", ".join(f"{k} {v:.3g}" for k, v in report.clv.gamma_gamma.params_.items())
    console.print(f"CLV: BG/NBD {bg}; Gamma-Gamma {gg}")
    console.print(f"Churn ({horizon}-day horizon, 5-fold CV): {report.churn.report.summary()}")
    console.print(
        f"Segments: k = {report.segmenter.k_} (elbow), "
        f"silhouette {report.segmenter.silhouette_:.3f}"
    )
    _personas_table(report.personas)
    _outreach_table(report.outreach.head(top))


def _personas_table(personas: Any) -> None:
    out = Table(
        "persona",
        "customers",
        "revenue",
        "CLV",
        "churn risk",
        "prefers",
        "pain points",
        title="Personas",
    )
    for p in personas:
        out.add_row(
            p.name,
            f"{p.customers:,} ({p.share:.0%})",
            f"{p.mean_revenue:,.0f}",
            f"{p.mean_clv:,.0f}",
            f"{p.churn_risk:.0%}",
            ", ".join(p.channels + p.categories),
            ", ".join(p.pain_points),
        )
    console.print(out)


def _outreach_table(frame: Any) -> None:
    out = Table(
        "#",
        "customer",
        "value at risk",
        "churn risk",
        "reasons",
        "action",
        "offer",
        title="Outreach list",
    )
    for r in frame.itertuples():
        reasons = r.reasons if isinstance(r.reasons, list) else json.loads(r.reasons)
        out.add_row(
            str(r.rank),
            str(r.customer_id),
            f"{r.value_at_risk:,.0f}",
            f"{r.churn_risk:.0%}",
            "; ".join(reasons),
            str(r.action),
            str(r.offer or "-"),
        )
    console.print(out)


@predict_app.command("outreach")
def predict_outreach(
    workspace: WorkspaceOpt = Path("."),
    top: Annotated[int, typer.Option(help="Customers to list.")] = 100,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """List the customers to contact first, with reasons and actions (`cx predict run` first)."""
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        frame = ws.table("outreach").order_by("rank").limit(top).to_pandas()
    if not len(frame):
        raise WorkspaceError("no outreach list yet; run `cx predict run` first")
    if fmt == "table" and output is None:
        _outreach_table(frame)
    else:
        _emit(frame, fmt, output, title="Outreach list")


@predict_app.command("personas")
def predict_personas(
    workspace: WorkspaceOpt = Path("."),
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Show the persona cards of the last `cx predict run`."""
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        frame = ws.table("personas").order_by("segment").to_pandas()
    _emit(frame, fmt, output, title="Personas")


@predict_app.command("recommend")
def predict_recommend(
    customer: Annotated[str, typer.Argument(help="Customer id.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show a customer's next-best products (`cx predict run` first)."""
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        t = ws.table("recommendations")
        frame = t.filter(t.customer_id == customer).order_by("rank").to_pandas()
    _emit(frame, "table", None, title=f"Recommendations for {customer}")


@predict_app.command("evaluate")
def predict_evaluate(workspace: WorkspaceOpt = Path(".")) -> None:
    """Check the models on held-out data: CLV holdout, churn CV, recommendation hit-rate."""
    import datetime as dt

    from cxkit.predict import hit_rate, holdout_check, predict_churn, purchases
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        last = ws.table("orders").ts.max().to_pandas()
        cal_end = (last - dt.timedelta(days=90)).to_pydatetime()
        by, stats = holdout_check(ws, cal_end)
        churn = predict_churn(ws)
        hits = hit_rate(purchases(ws))
    _emit(
        by, "table", None, title=f"BG/NBD holdout after {cal_end:%Y-%m-%d}: purchases per customer"
    )
    console.print(
        f"Holdout purchases: predicted {stats['predicted_total']:,.0f}, actual "
        f"{stats['actual_total']:,.0f} (ratio {stats['ratio']:.2f}), r = {stats['correlation']:.2f}"
    )
    console.print(f"Churn: {churn.report.summary()}")
    _emit(churn.report.deciles, "table", None, title="Churn by decile of predicted risk")
    console.print(
        f"Recommendations, hit-rate@{hits.k} on {hits.customers:,} held-out last orders: "
        f"item-item {hits.item_item:.1%}, popularity {hits.popularity:.1%}"
    )


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
    _voice(path)
    _headlines(path)
    _journeys(path)
    _predict(path, top=5)
    _demo_admin(path)
    _report(path, path / "cx_strategy_report.html")
    console.print(
        f"Next: [bold]cx metrics show csat -w {path} --by touchpoint[/bold], "
        f"[bold]cx metrics show frt -w {path} --by agent[/bold], "
        f"[bold]cx journeys painpoints -w {path}[/bold], [bold]cx voice themes -w {path}[/bold], "
        f"[bold]cx voice empathy -w {path} --segment premium[/bold], "
        f"[bold]cx predict outreach -w {path} --top 100[/bold], "
        f"[bold]cx quarantine -w {path}[/bold]"
    )
    console.print(
        f"Dashboard: run [bold]cx serve {path}[/bold], open http://127.0.0.1:8000 and sign in "
        f"as [bold]{DEMO_ADMIN[0]}[/bold] with password [bold]{DEMO_ADMIN[1]}[/bold] "
        "(demo only: change it with `cx users add`)."
    )


#: The demo workspace's admin login, printed by `cx demo` (never used outside the demo).
DEMO_ADMIN = ("admin", "cxkit-demo")


def _demo_admin(path: Path) -> None:
    """Give the demo workspace its admin user."""
    from cxkit.store import Workspace
    from cxkit.web import add_user

    with Workspace(path) as ws:
        add_user(ws, *DEMO_ADMIN, role="admin")


def _headlines(path: Path) -> None:
    """Print the headline metrics of a workspace, one line each."""
    from cxkit.metrics import HEADLINES, REGISTRY, compute
    from cxkit.store import Workspace

    out = Table("metric", "value", "unit", "n", "detail", title="Headline metrics")
    with Workspace(path) as ws:
        for name in HEADLINES:
            row = compute(ws, name).to_pandas().iloc[0]
            m = REGISTRY[name]
            detail = {
                "nps": f"± {row.get('moe', 0):.1f} (95%)",
                "csat": f"95% CI {row.get('low', 0):.1f}-{row.get('high', 0):.1f}, "
                f"mean {row.get('mean', 0):.2f}",
                "ces": f"{row.get('easy_pct', 0):.1f}% easy",
                "frt": f"median {row.get('median', 0):.1f}, p90 {row.get('p90', 0):.1f}",
                "art": f"median {row.get('median', 0):.1f}, p90 {row.get('p90', 0):.1f}",
                "clv": f"AOV {row.get('aov', 0):.2f}, {row.get('frequency', 0):.2f} orders",
                "churn": "per month, inactivity window " + str(ws.config.inactivity_days) + " days",
            }.get(name, "")
            out.add_row(m.description, f"{row.value:,.2f}", m.unit, f"{int(row.n):,}", detail)
    console.print(out)


def _voice(path: Path) -> None:
    """Analyse the demo's texts and print its top themes and its reputation alerts."""
    from cxkit.store import Workspace
    from cxkit.voice import refresh, theme_summary

    with Workspace(path) as ws:
        report = refresh(ws)
        themes = theme_summary(ws).to_pandas()
    worst = themes[themes.share >= 0.02].sort_values("sentiment").head(3)
    top = themes.head(5)
    out = Table("theme", "texts", "sentiment", "% negative", "main touchpoint", title="Top themes")
    for r in _unique_themes(top, worst).itertuples():
        out.add_row(
            f"{r.theme_id} {r.label}",
            f"{r.texts:,}",
            f"{r.sentiment:+.2f}",
            f"{r.negative_share:.0%}",
            f"{r.touchpoint} ({r.touchpoint_share:.0%})",
        )
    console.print(out)
    alerts = Table("day", "negative", "expected", "z", "driving theme", title="Reputation alerts")
    for a in report.alerts.itertuples():
        alerts.add_row(
            str(a.day)[:10], str(a.negative), f"{a.expected:.0f}", f"{a.score:.1f}", str(a.theme)
        )
    console.print(alerts)


def _unique_themes(*frames: Any) -> Any:
    """Rows of the frames in order, each theme once."""
    import pandas as pd

    return pd.concat(frames).drop_duplicates("theme_id")


def _journeys(path: Path) -> None:
    """Write the demo's journey map and print its top three pain points."""
    from cxkit.journeys import pain_points, write_journey_map
    from cxkit.store import Workspace

    with Workspace(path) as ws:
        pains = pain_points(ws)
        html = write_journey_map(ws, ws.path / "journey_map.html", pains=pains)
    out = Table("rank", "touchpoint", "revenue at risk", "evidence", title="Top pain points")
    for r in pains.head(3).itertuples():
        out.add_row(str(r.rank), str(r.touchpoint), f"{r.revenue_at_risk:,.0f}", str(r.evidence))
    console.print(out)
    console.print(f"Journey map: [bold]{html}[/bold]")


def _report(path: Path, output: Path, fmt: str | None = None) -> None:
    """Write the strategy report of a workspace and say where it is."""
    from cxkit.store import Workspace
    from cxkit.strategy import write_report

    with Workspace(path) as ws, _progress("strategy report") as update:
        update("drafting", 0, 1)
        written = write_report(ws, output, fmt)
    console.print(f"Strategy report: [bold]{written}[/bold]", soft_wrap=True)


@app.command()
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
    _report(workspace, output or workspace / f"cx_strategy_report.{fmt}", fmt)


strategy_app = typer.Typer(help="Strategy workbench: opportunities, maturity, roadmap.")
app.add_typer(strategy_app, name="strategy")


@strategy_app.command("opportunities")
def strategy_opportunities(
    workspace: WorkspaceOpt = Path("."),
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """List opportunities: customers affected, revenue at risk, effort, owner, quick win."""
    from cxkit.store import Workspace
    from cxkit.strategy import opportunities

    with Workspace(workspace) as ws:
        frame = opportunities(ws).drop(columns=["evidence", "churn_reduction"])
    if fmt == "table":
        frame = frame[["rank", "opportunity_id", "owner", "customers", "revenue_at_risk", "effort",
                       "quick_win"]]  # fmt: skip
    _emit(frame, fmt, output, title="Opportunities")


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


@app.command()
def serve(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    rate_limit: Annotated[
        int, typer.Option(help="Requests per minute per client on survey pages; 0 = off.")
    ] = 60,
) -> None:
    """Serve the dashboard, survey links and the /api/v1 API of WORKSPACE."""
    from cxkit.web import serve as run

    console.print(f"cxkit on [bold]http://{host}:{port}[/bold] (Ctrl+C stops)")
    run(workspace, host=host, port=port, rate_limit=rate_limit)


users_app = typer.Typer(help="Web app users: admin, analyst or viewer.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="admin, analyst or viewer.")] = "viewer",
    workspace: WorkspaceOpt = Path("."),
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="CX_PASSWORD",
            help="Asked for when not given (or set CX_PASSWORD).",
        ),
    ] = "",
) -> None:
    """Add a user (or reset one's password and role); the password is stored argon2-hashed."""
    from cxkit.store import Workspace
    from cxkit.web import add_user

    with Workspace(workspace) as ws:
        user = add_user(ws, username, password, role)
    console.print(f"User [bold]{user.username}[/bold] saved as {user.role}.")


@users_app.command("list")
def users_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List users and roles."""
    from cxkit.store import Workspace

    with Workspace(workspace) as ws:
        frame = ws.table("users").select("username", "role", "created_at").to_pandas()
    _emit(frame, "table", None, title="Users")


keys_app = typer.Typer(help="API keys for other systems, scoped to ingest or read.")
app.add_typer(keys_app, name="keys")


@keys_app.command("add")
def keys_add(
    scope: Annotated[str, typer.Option(help="ingest (write records) or read (metrics).")],
    label: Annotated[str, typer.Option(help="What the key is for.")] = "",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Create an API key; it is printed once and stored only as a hash."""
    from cxkit.store import Workspace
    from cxkit.web import add_api_key

    with Workspace(workspace) as ws:
        key = add_api_key(ws, scope, label)
    console.print(key, highlight=False, soft_wrap=True)


def main() -> None:
    """Run the CLI; cxkit errors print one line in red and exit 2, without a traceback."""
    logging.basicConfig(level=os.environ.get("CX_LOG_LEVEL", "WARNING"))
    try:
        app()
    except CxError as exc:
        err_console.print(f"[red]{type(exc).__name__}[/red]: {exc}", highlight=False)
        raise SystemExit(2) from None
