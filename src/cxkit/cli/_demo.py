"""``cx demo``: build the demo company's workspace, analyse it and show what is there."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cxkit.cli._common import console, counts_table, progress
from cxkit.cli._predict import print_predictions
from cxkit.cli._strategy import print_report_path

if TYPE_CHECKING:
    from cxkit.demo import DemoAnalysis

__all__ = ["demo"]


def demo(
    path: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path("demo"),
    customers: Annotated[int, typer.Option(help="Number of customers.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Build the demo company's workspace through the ingest path and show what is there."""
    from cxkit.demo import DEMO_ADMIN, analyse_demo, build_demo

    with progress("demo company") as update:
        report = build_demo(path, customers=customers, seed=seed, progress=update)
    console.print(counts_table(report.counts))
    console.print(
        f"{report.rows_read:,} rows read = {report.rows_stored:,} stored + "
        f"{report.rows_quarantined:,} quarantined, in {report.seconds:.1f}s"
    )
    console.print(f"Ground truth: {report.ground_truth_path}")
    with progress("demo analysis") as update:
        analysis = analyse_demo(path, progress=update)
    _print_voice(analysis)
    _print_headlines(analysis)
    _print_journeys(analysis)
    print_predictions(analysis.predict, top=5)
    print_report_path(analysis.report)
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


def _print_voice(analysis: DemoAnalysis) -> None:
    """Print the demo's top themes and its reputation alerts."""
    out = Table("theme", "texts", "sentiment", "% negative", "main touchpoint", title="Top themes")
    for r in analysis.top_themes.itertuples():
        out.add_row(
            f"{r.theme_id} {r.label}",
            f"{r.texts:,}",
            f"{r.sentiment:+.2f}",
            f"{r.negative_share:.0%}",
            f"{r.touchpoint} ({r.touchpoint_share:.0%})",
        )
    console.print(out)
    alerts = Table("day", "negative", "expected", "z", "driving theme", title="Reputation alerts")
    for a in analysis.voice.alerts.itertuples():
        alerts.add_row(
            str(a.day)[:10], str(a.negative), f"{a.expected:.0f}", f"{a.score:.1f}", str(a.theme)
        )
    console.print(alerts)


def _print_headlines(analysis: DemoAnalysis) -> None:
    """Print the headline metrics, one line each, with each metric's own detail."""
    from cxkit.metrics import REGISTRY

    out = Table("metric", "value", "unit", "n", "detail", title="Headline metrics")
    for name, row in analysis.headlines.items():
        m = REGISTRY[name]
        detail = {
            "nps": f"± {row.get('moe', 0):.1f} (95%)",
            "csat": f"95% CI {row.get('low', 0):.1f}-{row.get('high', 0):.1f}, "
            f"mean {row.get('mean', 0):.2f}",
            "ces": f"{row.get('easy_pct', 0):.1f}% easy",
            "frt": f"median {row.get('median', 0):.1f}, p90 {row.get('p90', 0):.1f}",
            "art": f"median {row.get('median', 0):.1f}, p90 {row.get('p90', 0):.1f}",
            "clv": f"AOV {row.get('aov', 0):.2f}, {row.get('frequency', 0):.2f} orders",
            "churn": f"per month, inactivity window {analysis.inactivity_days} days",
        }.get(name, "")
        out.add_row(m.description, f"{row['value']:,.2f}", m.unit, f"{int(row['n']):,}", detail)
    console.print(out)


def _print_journeys(analysis: DemoAnalysis) -> None:
    """Print the demo's top three pain points and where its journey map is."""
    out = Table("rank", "touchpoint", "revenue at risk", "evidence", title="Top pain points")
    for r in analysis.pain_points.head(3).itertuples():
        out.add_row(str(r.rank), str(r.touchpoint), f"{r.revenue_at_risk:,.0f}", str(r.evidence))
    console.print(out)
    console.print(f"Journey map: [bold]{analysis.journey_map}[/bold]")
