"""The workspace folder: which file holds what. Only this module names them."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["Layout", "workspace_secret"]


@dataclass(frozen=True)
class Layout:
    """The files of one workspace folder.

    Examples
    --------
    >>> Layout(Path("/data/acme")).database.name
    'cx.duckdb'
    """

    root: Path

    @property
    def config(self) -> Path:
        """The settings file, ``cx.toml``."""
        return self.root / "cx.toml"

    @property
    def database(self) -> Path:
        """The embedded DuckDB file holding every table."""
        return self.root / "cx.duckdb"

    @property
    def secret(self) -> Path:
        """The key that signs survey links (readable by its owner only)."""
        return self.root / "secret.key"

    @property
    def backups(self) -> Path:
        """The folder of database copies taken before a migration."""
        return self.root / "backups"

    def files(self) -> tuple[Path, ...]:
        """Return the settings and the database with its write-ahead log (not the secret)."""
        return (self.config, self.database, self.database.with_name(self.database.name + ".wal"))

    def backup(self, label: str) -> Path:
        """Return a fresh path for a database copy named after ``label`` and the time."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return self.backups / f"cx-{label}-{stamp}.duckdb"

    def output(self, name: str) -> Path:
        """Return where a file written for the user (a report, a map) goes."""
        return self.root / name


def workspace_secret(folder: str | Path) -> bytes:
    """Return the workspace's signing secret, creating it (readable by its owner only) once."""
    path = Layout(Path(folder)).secret
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())
