"""The demo's folder and files: a clean start, and one CSV writer per table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from cxkit.errors import WorkspaceError
from cxkit.store import Layout

__all__ = ["Writers", "prepare_folder"]


class Writers:
    """One CSV writer per table, appended chunk by chunk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writers: dict[str, pacsv.CSVWriter] = {}

    def write(self, name: str, table: pa.Table) -> None:
        """Append ``table`` to the CSV file of ``name``, created on first use."""
        if name not in self.writers:
            self.writers[name] = pacsv.CSVWriter(self.folder / f"{name}.csv", table.schema)
        self.writers[name].write_table(table)

    def close(self) -> None:
        """Close every file."""
        for w in self.writers.values():
            w.close()


def prepare_folder(path: Path) -> None:
    """Start from a clean folder; refuse to clear one that is not a previous demo."""
    if path.exists() and any(path.iterdir()):
        if not (path / "ground_truth.json").exists():
            raise WorkspaceError(
                f"{path} is not empty and holds no earlier demo; choose an empty folder"
            )
        for target in (path / "files", *Layout(path).files(), path / "ground_truth.json"):
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
    (path / "files").mkdir(parents=True, exist_ok=True)
