"""``cx predict``: CLV, churn risk, personas, recommendations and the outreach list.

``cx predict churn --label COLUMN`` trains churn on a customer table's own label instead of
on orders. A workspace without what a command reads (no orders for `cx predict run`, no
stored personas before it) is told which table to load, or which command to run first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from cxkit.cli._common import (
    FormatOpt,
    OutputOpt,
    WorkspaceOpt,
    console,
    emit,
    err_console,
    progress,
)
from cxkit.cli._needs import check, said

if TYPE_CHECKING:
    from cxkit.predict import LabelChurnResult, Persona, PredictReport

__all__ = ["predict_app", "print_predictions"]

predict_app = typer.Typer(help="Prediction and action: CLV, churn risk, personas, outreach.")


@predict_app.command("run")
def predict_run(
    workspace: WorkspaceOpt = Path("."),
    horizon: Annotated[int, typer.Option(help="Churn horizon in days.")] = 90,
    months: Annotated[int, typer.Option(help="CLV horizon in months.")] = 12,
) -> None:
    """Fit CLV, churn, segments and recommendations; store scores, personas and outreach."""
    from cxkit.predict import refresh
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        check(ws, "predictions")
        with progress("predictions") as update:
            report = refresh(ws, horizon_days=horizon, months=months, progress=update)
    print_predictions(report, horizon=horizon, top=5)


def print_predictions(report: PredictReport, *, horizon: int = 90, top: int = 5) -> None:
    """Print the fitted models, the personas and the head of the outreach list."""
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


def _personas_table(personas: list[Persona]) -> None:
    """Print the persona cards as one table."""
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
    """Print outreach rows: rank, customer, value and risk, reasons, action and offer."""
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
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """List the customers to contact first, with reasons and actions (`cx predict run` first)."""
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        check(ws, "outreach")
        frame = ws.table("outreach").order_by("rank").limit(top).to_pandas()
    if fmt == "table" and output is None:
        _outreach_table(frame)
    else:
        emit(frame, fmt, output, title="Outreach list")


@predict_app.command("personas")
def predict_personas(
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Show the persona cards of the last `cx predict run`."""
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        check(ws, "personas")
        frame = ws.table("personas").order_by("segment").to_pandas()
    emit(frame, fmt, output, title="Personas")


@predict_app.command("recommend")
def predict_recommend(
    customer: Annotated[str, typer.Argument(help="Customer id.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show a customer's next-best products (`cx predict run` first)."""
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        check(ws, "recommendations")
        t = ws.table("recommendations")
        frame = t.filter(t.customer_id == customer).order_by("rank").to_pandas()
    emit(frame, "table", None, title=f"Recommendations for {customer}")


@predict_app.command("evaluate")
def predict_evaluate(workspace: WorkspaceOpt = Path(".")) -> None:
    """Check the models on held-out data: CLV holdout, churn CV, recommendation hit-rate."""
    import datetime as dt

    from cxkit.predict import hit_rate, holdout_check, predict_churn, purchases
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        check(ws, "predictions")
        last = ws.table("orders").ts.max().to_pandas()
        cal_end = (last - dt.timedelta(days=90)).to_pydatetime()
        by, stats = holdout_check(ws, cal_end)
        churn = predict_churn(ws)
        hits = hit_rate(purchases(ws))
    emit(
        by, "table", None, title=f"BG/NBD holdout after {cal_end:%Y-%m-%d}: purchases per customer"
    )
    console.print(
        f"Holdout purchases: predicted {stats['predicted_total']:,.0f}, actual "
        f"{stats['actual_total']:,.0f} (ratio {stats['ratio']:.2f}), r = {stats['correlation']:.2f}"
    )
    console.print(f"Churn: {churn.report.summary()}")
    emit(churn.report.deciles, "table", None, title="Churn by decile of predicted risk")
    console.print(
        f"Recommendations, hit-rate@{hits.k} on {hits.customers:,} held-out last orders: "
        f"item-item {hits.item_item:.1%}, popularity {hits.popularity:.1%}"
    )


@predict_app.command("churn")
def predict_churn_command(
    workspace: WorkspaceOpt = Path("."),
    label: Annotated[
        str | None,
        typer.Option(
            "--label",
            help="Customer column or attributes key saying who churned (yes/no, true/false, "
            "1/0, churned/active); without it, churn is learnt from orders.",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="With --label: a column not to learn from; repeatable."),
    ] = None,
    test_size: Annotated[
        float, typer.Option(help="With --label: share of customers held out to check the model.")
    ] = 0.25,
    seed: Annotated[int, typer.Option(help="Seed of the split and the trees.")] = 0,
    horizon: Annotated[int, typer.Option(help="Without --label: churn horizon in days.")] = 90,
    top: Annotated[int, typer.Option(help="Customers at risk to list.")] = 10,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Train and check a churn model: AUC, lift, drivers and the customers most at risk.

    With --label COLUMN it learns from a customer table's own churn label (a flat export
    such as IBM's Telco sample), checked on held-out customers; without, from who stopped
    buying (orders), checked by cross-validation. --format csv/json/parquet writes every
    scored customer; the figures then go to standard error.
    """
    from cxkit.predict import predict_churn, predict_label_churn
    from cxkit.store import Workspace

    with said(), Workspace(workspace) as ws:
        if label is None:
            check(ws, "churn")
            with progress("churn model"):
                result = predict_churn(ws, horizon_days=horizon)
            scores = result.scores.sort_values("churn_risk", ascending=False)
            heading = f"Churn ({horizon}-day horizon, 5-fold CV): {result.report.summary()}"
            report, drivers = result.report, None
        else:
            check(ws, "label churn")
            with progress("churn model"):
                labelled = predict_label_churn(
                    ws, label, exclude=exclude or [], test_size=test_size, seed=seed
                )
            scores = labelled.scores
            heading = _label_heading(labelled)
            report, drivers = labelled.report, labelled.drivers
    frame = scores[["customer_id", "churn_risk", "reasons"]].assign(
        reasons=scores.reasons.map("; ".join)
    )
    out = console if fmt == "table" and output is None else err_console
    out.print(heading, highlight=False, soft_wrap=True)
    if out is not console:
        emit(frame, fmt, output, title="Churn risk")
        return
    emit(report.deciles, "table", None, title="Churn by decile of predicted risk")
    if drivers is not None:
        emit(drivers.head(top), "table", None, title="Top churn drivers (held-out customers)")
    at_risk = "Customers at risk" + (" (labelled as staying)" if label else "")
    emit(frame.head(top).reset_index(drop=True), "table", None, title=at_risk)


def _label_heading(result: LabelChurnResult) -> str:
    """Say what was learnt from, what was left out, and how the model did on held-out data."""
    d = result.data
    n, churned = len(d.labels), int(d.labels.sum())
    lines = [
        f"Churn label: customers {d.found_in} {d.label!r} (churned: "
        f"{', '.join(d.churned_values)}; stayed: {', '.join(d.stayed_values)}); "
        f"{n:,} customers, {churned:,} churned ({churned / n:.1%})"
        + (f", {d.unlabelled:,} without a label left out" if d.unlabelled else ""),
        f"Features: {d.features.shape[1]} (behaviour from: {', '.join(d.behaviour) or 'none'})"
        + (
            "; left out: " + ", ".join(f"{c} ({why})" for c, why in d.dropped.items())
            if d.dropped
            else ""
        ),
        f"Held out {len(result.test_ids):,} customers the model never saw (trained on "
        f"{result.train_size:,}): {result.report.summary()}",
    ]
    return "\n".join(lines)
