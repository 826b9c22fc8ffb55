"""`cx voice score`: scores beside each text, and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd


def _cx(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxkit", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "300"},
    )


def test_cx_voice_score_writes_scores_beside_texts(tmp_path: Path):
    lines = tmp_path / "texts.txt"
    lines.write_text("The parcel never arrived\nGreat service, thank you!\n", encoding="utf-8")
    proc = _cx("voice", "score", str(lines))
    assert proc.returncode == 0, proc.stderr
    out = pd.read_csv(tmp_path / "texts.scored.csv")
    assert out.columns.tolist() == ["text", "score", "label"]
    assert out.label.tolist() == ["negative", "positive"]
    bad = _cx("voice", "score", str(lines.with_suffix(".csv")))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    (tmp_path / "t.csv").write_text("body\nok\n", encoding="utf-8")
    missing = _cx("voice", "score", str(tmp_path / "t.csv"), "--column", "text")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "no column 'text'" in missing.stderr and "t.csv" in missing.stderr
