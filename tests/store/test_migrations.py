"""Workspace formats: an older workspace opens, is backed up, migrates, and keeps its figures.

``tests/data/workspaces/v1`` is a 400-customer demo workspace built and analysed by the
code of format 1 (before formats were recorded), exported with DuckDB's EXPORT DATABASE,
with the metrics that code computed on it in ``expected.json``
(``tests/data/workspaces/make_fixture.py`` wrote both). Every later change to the tables
adds a migration and must keep these figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cxkit.errors import WorkspaceError
from cxkit.metrics import compute
from cxkit.store import FORMAT_VERSION, Migration, Workspace, _migrations, migration_plan

V1 = Path(__file__).parents[1] / "data" / "workspaces" / "v1"
EXPECTED = json.loads((V1 / "expected.json").read_text())


def restore_v1(folder: Path) -> Path:
    """Rebuild the format-1 workspace from its export into ``folder``."""
    folder.mkdir()
    (folder / "cx.toml").write_text((V1 / "cx.toml").read_text())
    con = duckdb.connect(str(folder / "cx.duckdb"))
    con.execute((V1 / "database" / "schema.sql").read_text())
    load = (V1 / "database" / "load.sql").read_text()
    con.execute(load.replace("{folder}", str(V1 / "database")))
    con.close()
    return folder


def _tables(path: Path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    finally:
        con.close()


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    return restore_v1(tmp_path / "v1")


def _figures(ws: Workspace, key: str) -> pd.DataFrame:
    name, _, rest = key.partition(" by ")
    by = rest.split(" per ")[0].split(",") if rest else []
    period = rest.split(" per ")[1] if " per " in rest else None
    frame = compute(ws, name, by=by, period=period).to_pandas()
    if by:
        frame = frame.sort_values([*by, *(["period"] if period else [])])
    return pd.read_json(
        pd.io.common.StringIO(frame.to_json(orient="records", date_format="iso"))
    ).reset_index(drop=True)


def test_check_says_what_would_change_and_changes_nothing(v1: Path) -> None:
    plan = migration_plan(v1)
    assert (plan.from_version, plan.to_version, plan.needed) == (1, FORMAT_VERSION, True)
    assert plan.new_tables == ["load_changes", "workspace_meta"]
    assert plan.describe()[0] == f"format 1 -> {FORMAT_VERSION}"
    assert "workspace_meta" not in _tables(v1 / "cx.duckdb")
    assert not (v1 / "backups").exists()


def test_v1_workspace_opens_migrated_with_a_backup_and_the_same_metrics(v1: Path) -> None:
    with Workspace(v1) as ws:
        assert ws.migrated.from_version == 1 and ws.migrated.backup is not None
        backup = ws.migrated.backup
        counts = ws.counts()
        assert counts.pop("workspace_meta") == 1
        assert counts.pop("load_changes") == 0  # format 3: loads made before kept no changes
        assert counts == EXPECTED["counts"]
        # Format 3: the old loads are listed, without a hash; their rows have no load order.
        log = ws.to_pandas("batches")
        assert len(log) == EXPECTED["counts"]["batches"] and log.file_sha256.isna().all()
        assert ws.to_pandas("events").seq.isna().all()
        for key, rows in EXPECTED["metrics"].items():
            expected = pd.DataFrame(rows).reset_index(drop=True)
            got = _figures(ws, key)
            pd.testing.assert_frame_equal(
                got[expected.columns], expected, check_dtype=False, rtol=1e-9, obj=key
            )
    # The backup is the untouched format-1 database.
    assert backup.parent == v1 / "backups"
    assert "workspace_meta" not in _tables(backup) and "orders" in _tables(backup)
    assert migration_plan(v1).describe() == [
        f"format {FORMAT_VERSION} is current: nothing to change"
    ]
    with Workspace(v1) as ws:  # opening again changes nothing and takes no new backup
        assert not ws.migrated.needed and ws.migrated.backup is None
    assert len(list((v1 / "backups").iterdir())) == 1


def test_a_failing_migration_leaves_the_workspace_as_it_was(
    v1: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_done(backend) -> None:  # type: ignore[no-untyped-def]
        backend.con.raw_sql("ALTER TABLE orders ADD COLUMN coupon VARCHAR")
        raise RuntimeError("disk on fire")

    broken = (*_migrations.MIGRATIONS, Migration(FORMAT_VERSION + 1, "add a coupon", half_done))
    monkeypatch.setattr(_migrations, "MIGRATIONS", broken)
    monkeypatch.setattr(_migrations, "FORMAT_VERSION", FORMAT_VERSION + 1)
    with pytest.raises(RuntimeError, match="disk on fire"):
        Workspace(v1)
    monkeypatch.undo()
    tables = _tables(v1 / "cx.duckdb")
    assert "workspace_meta" not in tables
    assert migration_plan(v1).from_version == 1
    con = duckdb.connect(str(v1 / "cx.duckdb"), read_only=True)
    assert "coupon" not in {r[0] for r in con.execute("DESCRIBE orders").fetchall()}
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (EXPECTED["counts"]["orders"],)
    con.close()


def test_a_new_workspace_records_the_current_format(tmp_path: Path) -> None:
    with Workspace(tmp_path / "new", create=True) as ws:
        assert ws.migrated.from_version is None and ws.migrated.backup is None
        meta = ws.to_pandas("workspace_meta")
    assert meta.to_dict("records") == [{"name": "format_version", "value": str(FORMAT_VERSION)}]


def test_a_newer_workspace_is_refused_with_a_message(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws", create=True) as ws:
        ws.upsert("workspace_meta", [{"name": "format_version", "value": "99"}])
    with pytest.raises(WorkspaceError, match="format 99, newer than this cxkit reads"):
        Workspace(tmp_path / "ws")


def test_an_upgraded_v1_workspace_has_every_table_as_the_schema_declares(v1: Path) -> None:
    """Column metadata may change freely; a stored name or type change needs a Migration."""
    from cxkit.schema import ALL_TABLES

    def kinds(schema) -> dict[str, str]:  # DuckDB reports timestamps with their scale
        return {c: "timestamp" if t.is_timestamp() else str(t.copy(nullable=True))
                for c, t in schema.items()}  # fmt: skip

    with Workspace(v1) as ws:
        for name, spec in ALL_TABLES.items():
            assert kinds(ws.table(name).schema()) == kinds(spec.ibis_schema()), name
