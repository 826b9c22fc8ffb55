from __future__ import annotations

from pathlib import Path

import pytest

from cxkit.errors import ConfigError, WorkspaceError
from cxkit.ingest import ingest
from cxkit.schema import TABLES
from cxkit.store import Workspace, connect
from tests.conftest import write


def test_create_then_reopen_keeps_data(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    with Workspace(folder, create=True) as ws:
        assert set(TABLES) <= set(ws.counts())
        f = write(tmp_path / "c.csv", "customer_id,segment\nC1,a\nC2,b\n")
        ingest(ws, "customers", f)
    assert (folder / "cx.toml").exists() and (folder / "cx.duckdb").exists()
    with Workspace(folder) as ws:
        assert ws.count("customers") == 2


def test_opening_a_plain_folder_says_how_to_create(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="cx init"):
        Workspace(tmp_path)


def test_vocabulary_extended_by_cx_toml(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    Workspace(folder, create=True).close()
    (folder / "cx.toml").write_text('[workspace]\n[vocabularies]\nchannels = ["kiosk"]\n')
    with Workspace(folder) as ws:
        assert ws.vocabulary()["channels"][-1] == "kiosk"
        f = write(
            tmp_path / "t.csv", "touchpoint,channel,stage\nk1,kiosk,purchase\nk2,fax,purchase\n"
        )
        r = ingest(ws, "touchpoints", f)
    assert (r.rows_stored, r.rows_quarantined) == (1, 1)


def test_unknown_vocabulary_in_config(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    Workspace(folder, create=True).close()
    (folder / "cx.toml").write_text("[vocabularies]\ncolours = ['red']\n")
    with pytest.raises(ConfigError, match="colours"):
        Workspace(folder)


def test_env_overrides_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CX_INACTIVITY_DAYS", "90")
    with Workspace(tmp_path / "w", create=True) as ws:
        assert ws.config.inactivity_days == 90


def test_backend_url_scheme_checked() -> None:
    with pytest.raises(ConfigError, match="unsupported backend URL"):
        connect("oracle://db")


def test_url_selects_backend(tmp_path: Path) -> None:
    db = tmp_path / "elsewhere.duckdb"
    with Workspace(tmp_path / "w", create=True, url=f"duckdb:///{db}") as ws:
        assert ws.count("orders") == 0
    assert db.exists()
