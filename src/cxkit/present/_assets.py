"""Locate the shared stylesheet and scripts: this package's own and Plotly's, never a CDN."""

from __future__ import annotations

from pathlib import Path

import plotly

from cxkit.errors import ConfigError

__all__ = ["PLOTLY_JS", "STATIC", "asset"]

#: The folder of the shared assets (``app.css``, ``charts.js``), served at ``/static``.
STATIC = Path(__file__).parent / "static"
#: Plotly's own script, from the installed plotly package.
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_ASSETS = {
    "app.css": STATIC / "app.css",
    "charts.js": STATIC / "charts.js",
    "plotly.min.js": PLOTLY_JS,
}


def asset(name: str) -> str:
    """Return the text of ``app.css``, ``charts.js`` or ``plotly.min.js``, e.g. to inline it."""
    if name not in _ASSETS:
        raise ConfigError(f"no asset {name!r}: expected one of {', '.join(_ASSETS)}")
    return _ASSETS[name].read_text(encoding="utf-8")
