from __future__ import annotations

from pathlib import Path

import pytest

from cxkit.store import Workspace

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def ws(tmp_path: Path):
    with Workspace(tmp_path / "ws", create=True) as workspace:
        yield workspace


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not beside this clone")
    return SHARED


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def load(ws: Workspace, name: str, frame) -> None:
    """Insert a hand-made frame into a workspace table (columns it lacks stay empty)."""
    ws.insert(name, frame.reindex(columns=ws.table(name).columns))


def T(s: str):
    """Parse an ISO time, for readable hand-made rows."""
    import datetime as dt

    return dt.datetime.fromisoformat(s)


@pytest.fixture(scope="session")
def demo_company(tmp_path_factory: pytest.TempPathFactory):
    """The company `cx demo` builds (20,000 customers, seed 7), analysed as `cx demo` does.

    Built once per test session: (workspace folder, predict report, ground truth).
    """
    import json

    from cxkit.demo import build_demo

    report = build_demo(
        tmp_path_factory.mktemp("demo20k") / "ws", customers=20_000, seed=7, analyse=True
    )
    assert report.analysis is not None
    return report.path, report.analysis.predict, json.loads(report.ground_truth_path.read_text())
