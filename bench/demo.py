"""`cx demo` wall time and peak memory at a given number of customers. Prints one JSON line."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(customers: int) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="cx-bench-demo-"))
    try:
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cxkit",
                "demo",
                str(tmp / "demo"),
                "--customers",
                str(customers),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size = sum(p.stat().st_size for p in (tmp / "demo").rglob("*") if p.is_file())
        return {
            "customers": customers,
            "wall_s": round(wall, 1),
            "peak_rss_mb": round(rss),
            "disk_mb": round(size / 2**20),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [20_000]
    print(json.dumps({"bench": "demo", "runs": [run(n) for n in sizes]}))
