"""`cx ingest` errors: one line naming the error, exit status 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxkit.store import Workspace


@pytest.mark.parametrize(
    ("content", "encoding", "error", "message"),
    [
        (
            "order_id,customer_id,ts,amount\nO1,Zoë,2024-01-01,1\n",
            "latin-1",
            "UnreadableFile",
            "not valid UTF-8 at line 2",
        ),
        (
            "order_id,ts\nO1,2024-01-01\n",
            "utf-8",
            "MissingColumn",
            "required column 'customer_id' of table 'orders' is missing",
        ),
        (
            "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "latin-1",
            "UnreadableFile",
            "binary data (NUL bytes), not a csv text file",
        ),
        ("", "utf-8", "UnreadableFile", "the file is empty"),
    ],
)
def test_unreadable_file_one_message_exit_2(tmp_path: Path, content, encoding, error, message):
    ws_dir = tmp_path / "ws"
    Workspace(ws_dir, create=True).close()
    f = tmp_path / "bad.csv"
    f.write_bytes(content.encode(encoding))
    args = ["--encoding", "utf-8"] if encoding == "latin-1" and "Zo" in content else []
    proc = subprocess.run(
        [sys.executable, "-m", "cxkit", "ingest", "orders", str(f), "-w", str(ws_dir), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert lines[0].startswith(f"{error}: {f}")
    assert message in lines[0]
    with Workspace(ws_dir) as ws:
        assert ws.count("orders") == 0 and ws.count("quarantine") == 0
