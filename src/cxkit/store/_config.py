"""Workspace configuration: ``cx.toml``, overridable by ``CX_*`` environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from cxkit.errors import ConfigError
from cxkit.schema import default_vocabularies
from cxkit.store._layout import Layout

__all__ = ["Config", "IngestSettings", "WebSettings"]


@dataclass
class WebSettings:
    """How ``cx serve`` meets the world (``[web]`` in ``cx.toml``).

    Parameters
    ----------
    base_url
        The public address survey and invitation links are built from (e.g.
        ``https://cx.example.com``); never taken from a request's Host header. ``None``:
        ``http://127.0.0.1:8000`` (links for local use only).
    trusted_proxies
        Addresses of reverse proxies whose ``X-Forwarded-For`` is believed; none by default,
        so a client cannot pick the address rate limits count it under.
    max_body_bytes
        Largest request body (413 above); sized for 10,000-record API batches.
    max_field_chars
        Longest single text value in a form or API record (413 above).
    max_header_bytes
        Largest total size of a request's headers (431 above).
    """

    base_url: str | None = None
    trusted_proxies: list[str] = field(default_factory=list)
    max_body_bytes: int = 32 * 1024 * 1024
    max_field_chars: int = 100_000
    max_header_bytes: int = 16 * 1024

    @property
    def public_url(self) -> str:
        """The base URL links start with, without a trailing slash."""
        return (self.base_url or "http://127.0.0.1:8000").rstrip("/")


@dataclass
class IngestSettings:
    """What ingest accepts as plausible (``[ingest]`` in ``cx.toml``).

    Parameters
    ----------
    earliest
        Earliest plausible time of any timestamp (ISO date); earlier ones are quarantined.
    days_ahead
        Latest plausible time, in days after the load; later ones are quarantined.
    """

    earliest: str = "1970-01-01"
    days_ahead: float = 1.0


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
    web
        Settings of ``cx serve``.
    ingest
        Plausibility bounds of ingest.
    """

    url: str | None = None
    currency: str = "USD"
    inactivity_days: int = 180
    vocabularies: dict[str, list[str]] = field(default_factory=dict)
    web: WebSettings = field(default_factory=WebSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)

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
            web=_section(WebSettings, data.get("web", {}), path),
            ingest=_section(IngestSettings, data.get("ingest", {}), path),
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
        cfg.web.base_url = os.environ.get("CX_BASE_URL", cfg.web.base_url)
        if "CX_TRUSTED_PROXIES" in os.environ:
            proxies = os.environ["CX_TRUSTED_PROXIES"].split(",")
            cfg.web.trusted_proxies = [p.strip() for p in proxies if p.strip()]
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
        for title, section in (("web", self.web), ("ingest", self.ingest)):
            lines += ["", f"[{title}]"]
            for f in fields(section):
                value = getattr(section, f.name)
                if value is not None:
                    lines.append(f"{f.name} = {_toml(value)}")
        Layout(folder).config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def vocabulary(self) -> dict[str, tuple[str, ...]]:
        """Return the default vocabularies extended by this workspace's extra values."""
        vocab = default_vocabularies()
        for name, extra in self.vocabularies.items():
            vocab[name] = vocab[name] + tuple(v for v in extra if v not in vocab[name])
        return vocab


def _section(kind: type[Any], data: Any, path: Path) -> Any:
    """Build settings ``kind`` from a TOML table, naming unknown keys and wrong types."""
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [{kind.__name__}] must be a table")
    known = {f.name: f for f in fields(kind)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{path}: unknown settings {unknown}; expected some of {sorted(known)}")
    defaults = kind()
    for name, value in data.items():
        default = getattr(defaults, name)
        want = str if default is None else type(default)
        ok = isinstance(value, want) or (want is float and isinstance(value, int))
        if not ok or isinstance(value, bool) != (want is bool):
            raise ConfigError(f"{path}: {name} = {value!r} should be a {want.__name__}")
    return kind(**data)


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)
