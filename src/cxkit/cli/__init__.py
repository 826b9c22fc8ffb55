"""The ``cx`` command line: a thin layer over the cxkit libraries.

Each command group lives in its own module (``_data``, ``_metrics``, ``_journeys``,
``_voice``, ``_predict``, ``_strategy``, ``_web``, ``_demo``); ``_common`` holds what they
share. This module assembles them into one Typer app.
"""

from __future__ import annotations

import typer

from cxkit.cli._common import run_app
from cxkit.cli._data import ingest, init, migrate, quarantine, schema, tables
from cxkit.cli._demo import demo
from cxkit.cli._journeys import journeys_app
from cxkit.cli._loads import import_files, loads_app
from cxkit.cli._metrics import metrics_app
from cxkit.cli._predict import predict_app
from cxkit.cli._strategy import report, strategy_app
from cxkit.cli._voice import voice_app
from cxkit.cli._web import keys_app, serve, users_app

__all__ = ["app", "main"]

app = typer.Typer(
    name="cx",
    help="cxkit: customer-experience analytics on your own data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for command in (init, ingest, tables, quarantine, schema, migrate, demo, report, serve):
    app.command()(command)
app.command("import")(import_files)
for group, name in (
    (loads_app, "loads"),
    (metrics_app, "metrics"),
    (journeys_app, "journeys"),
    (voice_app, "voice"),
    (predict_app, "predict"),
    (strategy_app, "strategy"),
    (users_app, "users"),
    (keys_app, "keys"),
):
    app.add_typer(group, name=name)


def main() -> None:
    """Run the CLI; cxkit errors print one line in red and exit 2, without a traceback."""
    run_app(app)
