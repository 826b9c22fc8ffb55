"""Export a workspace and the metrics the current code computes on it, as a format fixture.

Run with the code of the format being frozen, e.g. for format 1 (commit 60623ac):
``cx demo /tmp/v1ws --customers 400 --seed 3`` then
``python tests/data/workspaces/make_fixture.py /tmp/v1ws tests/data/workspaces/v1``.
``tests/store/test_migrations.py`` restores the export and checks every later cxkit
opens it and computes the same figures.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import duckdb

from cxkit.metrics import REGISTRY, compute
from cxkit.store import Workspace

#: (metric, dimensions, period) slices recorded besides each metric's overall value.
SLICES = [
    ("nps", ["segment"], None),
    ("csat", ["touchpoint"], None),
    ("frt", ["agent"], None),
    ("churn", ["segment"], "month"),
    ("conversion", ["channel"], None),
    ("clv", ["country"], None),
]


def _records(frame) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def figures(ws: Workspace) -> dict:  # type: ignore[type-arg]
    """Return the table counts and the metrics (overall and sliced) of ``ws``."""
    out: dict = {"counts": ws.counts(), "metrics": {}}  # type: ignore[type-arg]
    for name in sorted(REGISTRY):
        out["metrics"][name] = _records(compute(ws, name).to_pandas())
    for name, by, period in SLICES:
        key = f"{name} by {','.join(by)}" + (f" per {period}" if period else "")
        frame = compute(ws, name, by=by, period=period).to_pandas()
        out["metrics"][key] = _records(frame.sort_values(by + (["period"] if period else [])))
    return out


def main(source: Path, dest: Path) -> None:
    """Write ``dest``: cx.toml, database/ (EXPORT DATABASE as Parquet) and expected.json."""
    with Workspace(source) as ws:
        expected = figures(ws)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    con = duckdb.connect(str(source / "cx.duckdb"), read_only=True)
    con.execute(f"EXPORT DATABASE '{dest / 'database'}' (FORMAT parquet, COMPRESSION zstd)")
    con.close()
    load = dest / "database" / "load.sql"
    load.write_text(load.read_text().replace(f"{dest / 'database'}/", "{folder}/"))
    shutil.copy(source / "cx.toml", dest / "cx.toml")
    (dest / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
