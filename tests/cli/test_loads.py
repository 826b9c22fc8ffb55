"""`cx import`, `cx loads` and `cx loads undo` from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cxkit.store import Workspace

DATA = Path(__file__).parents[1] / "data" / "importers"


class _Done:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.exit_code = proc.returncode
        self.output = proc.stdout + proc.stderr


def _cx(*args: str) -> _Done:
    """Run `cx` as a user does: its real exit code and one-line errors."""
    return _Done(
        subprocess.run(
            [sys.executable, "-m", "cxkit", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "300"},
        )
    )


def test_import_list_names_every_importer() -> None:
    out = _cx("import", "--list").output
    for name in ("zendesk", "intercom", "shopify", "typeform", "delighted", "trustpilot",
                 "appstore", "ga4", "eventlog"):  # fmt: skip
        assert f"{name}:" in out


def test_import_then_list_then_undo(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert _cx("init", str(ws)).exit_code == 0
    r = _cx("import", "shopify", str(DATA / "shopify" / "orders_export.csv"), "-w", str(ws))
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    # The fixture: 6 orders (one with a bad total), 11 lines, 5 customers.
    assert "orders: 6 read, 5 stored, 1 quarantined" in text
    assert "order_items: 11 read, 11 stored, 0 quarantined" in text
    assert "customers: 5 read, 5 stored, 0 quarantined" in text
    assert "new fields:" in text and "tags" in text
    listed = _cx("loads", "-w", str(ws), "--format", "csv").output
    lines = listed.strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("batch_id,")
    newest = lines[1].split(",")[0]
    with Workspace(ws) as w:
        table = w.to_pandas("batches").set_index("batch_id").loc[newest, "table_name"]
        before = w.count(table)
    r = _cx("loads", "undo", newest, "-w", str(ws))
    assert r.exit_code == 0, r.output
    assert f"load {newest} undone: {table}:" in " ".join(r.output.split())
    with Workspace(ws) as w:
        assert w.count(table) < before
    again = _cx("loads", "undo", newest, "-w", str(ws))
    assert again.exit_code == 2 and "undone already" in again.output
    assert "Traceback" not in again.output


def test_wrong_source_or_layout_is_one_line_and_exit_2(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _cx("init", str(ws))
    r = _cx("import", "salesforce", str(DATA / "shopify" / "orders_export.csv"), "-w", str(ws))
    assert r.exit_code == 2 and "unknown import source 'salesforce'" in r.output
    wrong = DATA / "ga4" / "events_20240105.json"
    r = _cx("import", "shopify", str(wrong), "-w", str(ws))
    assert r.exit_code == 2 and f"UnreadableFile: {wrong}" in r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1
    with Workspace(ws) as w:
        assert w.count("orders") == 0 and w.count("batches") == 0
