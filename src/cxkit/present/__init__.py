"""Presentation shared by the web app and the strategy report: chart JSON, display rows, assets.

`chart` turns a Plotly figure into the JSON that ``charts.js`` draws (no inline scripts),
`records` turns a frame into rows of display values, and `asset` hands out the text of the
shared stylesheet and scripts, which the web app serves from `STATIC` and the report inlines.
"""

from __future__ import annotations

from cxkit.present._assets import PLOTLY_JS, STATIC, asset
from cxkit.present._display import chart, records

__all__ = ["PLOTLY_JS", "STATIC", "asset", "chart", "records"]
