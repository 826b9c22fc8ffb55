"""Presentation shared by the web app and the strategy report: chart JSON, display rows, assets.

`chart` turns a Plotly figure into the JSON that ``charts.js`` draws (no inline scripts),
`records` turns a frame into rows of display values, and `asset` hands out the text of the
shared stylesheet and scripts, which the web app serves from `STATIC` and the report inlines.
`NEEDS` says what each result needs from a workspace and `require` says what is missing
(which table, how to load it), in the same words on the command line and on a page.
"""

from __future__ import annotations

from cxkit.present._assets import PLOTLY_JS, STATIC, asset
from cxkit.present._display import chart, records
from cxkit.present._needs import (
    LOADERS,
    NEEDS,
    Capability,
    Need,
    Shortfall,
    require,
    shortfalls,
)

__all__ = [
    "LOADERS",
    "NEEDS",
    "PLOTLY_JS",
    "STATIC",
    "Capability",
    "Need",
    "Shortfall",
    "asset",
    "chart",
    "records",
    "require",
    "shortfalls",
]
