"""`cx ingest FILE --suggest [--apply]`: the TOML it prints, the file it writes, the load it
runs in the same command, and what it refuses."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cxkit.cli import app
from cxkit.ingest import Mapping
from cxkit.store import Workspace
from tests.conftest import write

#: Day-first dates (13/02 settles it) and channels as people write them; Fax is no channel.
ORDERS = """Order No,Customer ID,Order Date,Total,Sales Channel
A1,C1,03/02/2024 10:15,19.90,E-mail
A2,C2,13/02/2024 09:00,5.00,Phone
A3,C1,28/02/2024 17:45,42.50,In-store
A4,C3,01/03/2024 08:30,7.25,Online
A5,C2,02/03/2024 12:00,3.10,Fax
"""
EXPECTED_RULES = {
    "order_id": "Order No",
    "customer_id": "Customer ID",
    "ts": {"column": "Order Date", "format": "%d/%m/%Y %H:%M"},
    "amount": "Total",
    "channel": {
        "column": "Sales Channel",
        "map": {"E-mail": "email", "In-store": "store", "Online": "web"},
    },
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    Workspace(tmp_path / "ws", create=True).close()
    write(tmp_path / "export.csv", ORDERS)
    return tmp_path


def _invoke(folder: Path, *args: str | Path) -> Result:
    """Run ``cx ingest ARGS -w folder/ws`` in this process."""
    return CliRunner().invoke(app, ["ingest", *map(str, args), "-w", str(folder / "ws")])


def _cx(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``cx`` as a user does: errors print one line and exit 2."""
    return subprocess.run(
        [sys.executable, "-m", "cxkit", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "300"},
    )


def test_suggest_prints_a_mapping_and_loads_nothing(folder: Path) -> None:
    done = _invoke(folder, folder / "export.csv", "--suggest")
    assert done.exit_code == 0, done.output
    data = tomllib.loads(done.stdout)
    assert data["table"] == "orders"
    assert data["columns"] == EXPECTED_RULES
    assert "# channel: NOT MAPPED" in done.stdout
    with Workspace(folder / "ws") as ws:
        assert ws.count("orders") == 0 and ws.count("batches") == 0


def test_suggest_apply_loads_the_file_in_the_same_command(folder: Path) -> None:
    done = _invoke(folder, folder / "export.csv", "--suggest", "--apply")
    assert done.exit_code == 0, done.output
    # The mapping applied is printed first, then the load's summary.
    toml, summary = done.stdout.split("\n/", 1)
    assert tomllib.loads(toml)["columns"] == EXPECTED_RULES
    assert "5 read, 4 stored, 1 quarantined" in " ".join(summary.split())
    with Workspace(folder / "ws") as ws:
        got = ws.to_pandas("orders").set_index("order_id")
        assert got.channel.to_dict() == {"A1": "email", "A2": "phone", "A3": "store", "A4": "web"}
        assert str(got.loc["A2", "ts"]) == "2024-02-13 09:00:00"
        (reason,) = ws.to_pandas("quarantine").reason
        assert "'Fax' is not one of channels" in reason


def test_suggest_out_writes_a_mapping_that_loads_later(folder: Path) -> None:
    out = folder / "orders.toml"
    done = _invoke(folder, "orders", folder / "export.csv", "--suggest-out", out)
    assert done.exit_code == 0, done.output
    assert done.stdout == ""  # the mapping went to the file
    assert f"--mapping {out}" in " ".join(done.stderr.split()).replace("\n", "")
    assert Mapping.load(out).columns == EXPECTED_RULES
    loaded = _invoke(folder, "orders", folder / "export.csv", "-m", out)
    assert loaded.exit_code == 0, loaded.output
    assert "5 read, 4 stored, 1 quarantined" in " ".join(loaded.stdout.split())


def test_a_named_table_is_kept(folder: Path) -> None:
    done = _invoke(folder, "customers", folder / "export.csv", "--suggest")
    assert done.exit_code == 0, done.output
    data = tomllib.loads(done.stdout)
    assert data["table"] == "customers"
    assert data["columns"] == {"customer_id": "Customer ID"}
    assert data["fields"] == ["Order No", "Order Date", "Total", "Sales Channel"]


def test_apply_refuses_a_mapping_without_a_required_column(tmp_path: Path) -> None:
    Workspace(tmp_path / "ws", create=True).close()
    path = write(tmp_path / "no_total.csv", "Order No,Customer ID,Order Date\nA1,C1,2024-01-02\n")
    done = _cx("ingest", path, "--suggest", "--apply", "-w", tmp_path / "ws")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert line.startswith(f"MissingColumn: {path}: required column 'amount' of table 'orders'")
    assert "closest headers: " in line
    with Workspace(tmp_path / "ws") as ws:
        assert ws.count("orders") == 0 and ws.count("batches") == 0
    # Without --apply the mapping is printed and the column named as a warning.
    shown = _cx("ingest", path, "--suggest", "-w", tmp_path / "ws")
    assert shown.returncode == 0
    assert tomllib.loads(shown.stdout)["table"] == "orders"
    assert "warning: " in shown.stderr and "required column 'amount'" in shown.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{file}"], "name the table (cx ingest TABLE FILE), or let cx ingest FILE --suggest"),
        (["orders", "{file}", "--apply"], "add --suggest"),
        (["orders", "{file}", "--suggest", "-m", "x.toml"], "leave one out"),
        ([], "name the file to load"),
    ],
)
def test_usage_mistakes_are_named(folder: Path, args: list[str], message: str) -> None:
    filled = [a.format(file=folder / "export.csv") for a in args]
    done = _cx("ingest", *filled, "-w", folder / "ws")
    assert done.returncode == 2
    assert message in " ".join(done.stderr.replace("│", " ").split())
