"""Missing inputs are said, not hidden: which table, how to load it, exit 2 (issue 17.5).

Each workspace here is small enough to count by hand: the expected sentences, counts and
funnel rows are written out in the tests.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from cxkit.cli import app
from cxkit.errors import CxError, MissingInput
from cxkit.metrics import REGISTRY
from cxkit.predict import predict_clv, predict_label_churn, refresh
from cxkit.present import LOADERS, NEEDS, require, shortfalls
from cxkit.store import Workspace
from tests.conftest import T, load


def _cx(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    Workspace(tmp_path / "empty", create=True).close()
    return tmp_path / "empty"


def _log(path: Path, *, touchpoints: bool = True) -> Path:
    """Three customers' events, two of three touchpoints described, no orders at all.

    A: home -> checkout; B: home -> help; C: home -> checkout. 'help' is not in the
    touchpoints table: 1 of the 6 events is at a touchpoint without a stage.
    """
    with Workspace(path, create=True) as ws:
        if touchpoints:
            load(
                ws,
                "touchpoints",
                pd.DataFrame(
                    {"touchpoint": ["home", "checkout"], "stage": ["research", "purchase"]}
                ),
            )
        rows = [
            ("A", "2024-01-01 10:00", "home"),
            ("A", "2024-01-01 10:05", "checkout"),
            ("B", "2024-01-02 09:00", "home"),
            ("B", "2024-01-02 09:30", "help"),
            ("C", "2024-01-03 12:00", "home"),
            ("C", "2024-01-03 12:10", "checkout"),
        ]
        load(
            ws,
            "events",
            pd.DataFrame(
                {
                    "event_id": [f"E{i}" for i in range(len(rows))],
                    "customer_id": [r[0] for r in rows],
                    "ts": [T(r[1]) for r in rows],
                    "touchpoint": [r[2] for r in rows],
                    "channel": ["web"] * len(rows),
                    "seq": range(len(rows)),
                }
            ),
        )
    return path


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return _log(tmp_path / "log")


@pytest.fixture
def bare_log(tmp_path: Path) -> Path:
    """The same events without any touchpoints table rows."""
    return _log(tmp_path / "bare", touchpoints=False)


#: command, the table it must name, the command to load it.
EMPTY = [
    (["journeys", "funnel"], "events", "`cx ingest events FILE`"),
    (["journeys", "paths"], "events", "`cx ingest events FILE`"),
    (["journeys", "painpoints"], "events", "`cx ingest events FILE`"),
    (["journeys", "map"], "events", "`cx ingest events FILE`"),
    (["metrics", "show", "clv"], "orders", "`cx ingest orders FILE`"),
    (["metrics", "show", "churn"], "orders", "`cx ingest orders FILE`"),
    (["metrics", "show", "frt"], "tickets", "`cx ingest tickets FILE`"),
    (["metrics", "show", "nps"], "responses", "`cx ingest responses FILE`"),
    (["predict", "run"], "orders", "`cx ingest orders FILE`"),
    (["predict", "evaluate"], "orders", "`cx ingest orders FILE`"),
    (["predict", "churn"], "orders", "`cx predict churn --label COLUMN`"),
    (["predict", "churn", "--label", "Churn"], "customers", "`cx ingest customers FILE`"),
    (["predict", "personas"], "personas", "run `cx predict run` first"),
    (["predict", "outreach"], "outreach", "run `cx predict run` first"),
    (["predict", "recommend", "A"], "recommendations", "run `cx predict run` first"),
]


@pytest.mark.parametrize(("args", "table", "how"), EMPTY, ids=[" ".join(e[0]) for e in EMPTY])
def test_an_empty_table_is_named_with_the_command_that_loads_it(empty, args, table, how):
    done = _cx(*args, "-w", str(empty))
    assert done.exit_code == 2, done.output
    line = done.stderr.strip()
    assert "\n" not in line  # one line, however narrow the terminal
    assert line.startswith("MissingInput: no ")
    assert f"the {table} table is empty" in line
    assert how in line
    assert done.stdout == ""


def test_the_message_is_yellow_and_the_real_cli_exits_2(empty):
    done = subprocess.run(
        [sys.executable, "-m", "cxkit", "predict", "run", "-w", str(empty)],
        capture_output=True,
        text=True,
        env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "60"},
    )
    assert done.returncode == 2
    assert "\x1b[33mMissingInput\x1b[0m: no predictions" in done.stderr  # yellow
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1  # not wrapped at 60 columns


def test_funnel_without_touchpoints_says_so(bare_log):
    done = _cx("journeys", "funnel", "-w", str(bare_log))
    assert done.exit_code == 2
    assert done.stderr.strip().startswith(
        "MissingInput: no funnel without the stage of each touchpoint: the touchpoints "
        "table is empty; load it with `cx ingest touchpoints FILE` (one row per touchpoint: "
        "touchpoint, stage, channel;"
    )


def test_funnel_with_a_touchpoint_lacking_a_stage_warns_and_counts_the_rest(log):
    done = _cx("journeys", "funnel", "-w", str(log), "--format", "csv")
    assert done.exit_code == 0, done.output
    assert done.stderr.strip() == (
        "warning: funnel: 1 of 6 events rows has a touchpoint the touchpoints table lacks "
        "(e.g. 'help'); they are left out of the funnel; load them with "
        "`cx ingest touchpoints FILE` (one row per touchpoint: touchpoint, stage, channel; "
        "stages research, evaluation, purchase, post_purchase, repeat_purchase)"
    )
    frame = pd.read_csv(io.StringIO(done.stdout))
    # research: A, B, C at home; purchase: A and C at checkout (2 of 3).
    assert frame[["stage", "customers"]].values.tolist() == [["research", 3], ["purchase", 2]]


def test_paths_without_stages_warn_and_go_on(bare_log):
    done = _cx("journeys", "paths", "-w", str(bare_log), "--format", "csv")
    assert done.exit_code == 0, done.output
    assert "warning: path variants without the stage of each touchpoint (the touchpoints " in (
        done.stderr
    )
    assert "every path reads 0% conversion" in done.stderr
    frame = pd.read_csv(io.StringIO(done.stdout))
    assert sorted(frame.path) == ["home > checkout", "home > help"]
    assert frame.conversion.tolist() == [0.0, 0.0]


def test_pain_points_without_orders_warn_of_the_100_percent(log):
    done = _cx("journeys", "painpoints", "-w", str(log), "--format", "csv")
    assert done.exit_code == 0, done.output
    warnings = done.stderr.strip().splitlines()
    assert warnings[0] == (
        "warning: pain points without orders (the orders table is empty): drop-off "
        "('no order after') reads 100% at every touchpoint and revenue at risk 0; load it "
        "with `cx ingest orders FILE`, or a shop's export with `cx import SOURCE FILE` "
        "(`cx import --list` names the importers)"
    )
    assert [w.split(" without ")[1].split(" (")[0] for w in warnings[1:]] == [
        "survey answers",
        "reviews and other feedback",
    ]
    frame = pd.read_csv(io.StringIO(done.stdout))
    assert sorted(frame.touchpoint) == ["checkout", "help", "home"]


def test_a_metric_column_never_filled_is_named(tmp_path):
    path = tmp_path / "desk"
    with Workspace(path, create=True) as ws:
        load(
            ws,
            "tickets",
            pd.DataFrame(
                {
                    "ticket_id": ["T1", "T2"],
                    "created_at": [T("2024-01-01 09:00"), T("2024-01-02 09:00")],
                    "resolved_at": [T("2024-01-01 12:00"), T("2024-01-02 10:00")],
                }
            ),
        )
        load(
            ws,
            "responses",
            pd.DataFrame(
                {"response_id": ["R1"], "kind": ["csat"], "score": [4], "ts": [T("2024-01-01")]}
            ),
        )
    frt = _cx("metrics", "show", "frt", "-w", str(path))
    assert frt.exit_code == 2
    assert frt.stderr.strip().startswith(
        "MissingInput: no metric frt without tickets with a first response time: none of "
        "its 2 tickets rows has a first_response_at; load it with `cx ingest tickets FILE`"
    )
    nps = _cx("metrics", "show", "nps", "-w", str(path))
    assert nps.exit_code == 2
    assert "none of its 1 responses rows has kind = 'nps'" in nps.stderr
    art = _cx("metrics", "show", "art", "-w", str(path), "--format", "csv")
    assert art.exit_code == 0, art.output
    assert art.stderr == ""
    # ART: 3 h and 1 h -> mean 2 h.
    assert pd.read_csv(io.StringIO(art.stdout)).value.tolist() == [2.0]


def test_an_unknown_metric_is_told_before_any_table(empty):
    done = _cx("metrics", "show", "nope", "-w", str(empty))
    assert isinstance(done.exception, CxError)
    assert "unknown metric 'nope'" in str(done.exception)


def test_libraries_raise_missing_input_with_the_table(empty):
    with Workspace(empty) as ws:
        with pytest.raises(MissingInput) as clv:
            predict_clv(ws)
        assert (clv.value.table, clv.value.column) == ("orders", None)
        assert isinstance(clv.value, LookupError)
        with pytest.raises(MissingInput, match=r"no predictions .* without orders"):
            refresh(ws)
        with pytest.raises(MissingInput) as label:
            predict_label_churn(ws, "Churn")
        assert label.value.table == "customers"


def test_require_returns_partial_shortfalls_and_raises_on_blocking(log):
    with Workspace(log) as ws:
        partial = require(ws, "funnel")
        assert [(s.need.table, s.missing, s.total, s.examples) for s in partial] == [
            ("touchpoints", 1, 6, ("help",))
        ]
        assert partial[0].column == "touchpoint"
        assert not partial[0].blocking
        assert [s.need.table for s in shortfalls(ws, "pain points")] == [
            "orders",
            "responses",
            "feedback",
        ]
        with pytest.raises(MissingInput) as err:
            require(ws, "metric clv")
        assert err.value.table == "orders"


def test_every_metric_states_what_it_needs():
    for name, metric in REGISTRY.items():
        needs = NEEDS[f"metric {name}"].needs
        assert set(metric.tables) <= {n.table for n in needs}, name


def test_every_needed_table_says_how_to_load_it():
    tables = {n.table for c in NEEDS.values() for n in c.needs}
    assert tables <= set(LOADERS)
