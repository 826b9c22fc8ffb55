"""Workspace configuration: ``cx.toml``, overridable by ``CX_*`` environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxkit.errors import ConfigError
from cxkit.schema import default_vocabularies
from cxkit.store._layout import Layout

__all__ = ["Config"]


@dataclass
class Config:
    """Settings of one workspace.

    Parameters
    ----------
    url
        Backend URL; ``None`` means the workspace's own ``cx.duckdb``.
    currency
        Currency of every money column.
    inactivity_days
        Days without an order after which a customer counts as churned.
    vocabularies
        Extra allowed values per vocabulary, added to the defaults.
    """

    url: str | None = None
    currency: str = "USD"
    inactivity_days: int = 180
    vocabularies: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Config:
        """Read ``cx.toml`` from ``folder`` (if present), then apply ``CX_*`` variables."""
        path = Layout(folder).config
        data: dict[str, Any] = {}
        if path.exists():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        ws = data.get("workspace", {})
        cfg = cls(
            url=ws.get("url"),
            currency=ws.get("currency", "USD"),
            inactivity_days=int(ws.get("inactivity_days", 180)),
            vocabularies={k: list(v) for k, v in data.get("vocabularies", {}).items()},
        )
        unknown = set(cfg.vocabularies) - set(default_vocabularies())
        if unknown:
            raise ConfigError(
                f"{path}: unknown vocabularies {sorted(unknown)}; "
                f"expected some of {sorted(default_vocabularies())}"
            )
        cfg.url = os.environ.get("CX_URL", cfg.url)
        cfg.currency = os.environ.get("CX_CURRENCY", cfg.currency)
        if "CX_INACTIVITY_DAYS" in os.environ:
            cfg.inactivity_days = int(os.environ["CX_INACTIVITY_DAYS"])
        return cfg

    def save(self, folder: Path) -> None:
        """Write the settings to ``folder/cx.toml``."""
        lines = ["[workspace]"]
        if self.url:
            lines.append(f'url = "{self.url}"')
        lines += [f'currency = "{self.currency}"', f"inactivity_days = {self.inactivity_days}"]
        lines += ["", "# Extra allowed values, added to the defaults.", "[vocabularies]"]
        for name, values in sorted(self.vocabularies.items()):
            lines.append(f"{name} = [{', '.join(repr(v) for v in values)}]")
        Layout(folder).config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def vocabulary(self) -> dict[str, tuple[str, ...]]:
        """Return the default vocabularies extended by this workspace's extra values."""
        vocab = default_vocabularies()
        for name, extra in self.vocabularies.items():
            vocab[name] = vocab[name] + tuple(v for v in extra if v not in vocab[name])
        return vocab
