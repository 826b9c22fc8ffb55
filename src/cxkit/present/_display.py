"""Format for display: figures as Plotly JSON, frames as rows of display values.

Two looks: ``app`` (the dashboard on screen) and ``report`` (the printed strategy report:
wider margins, numbers written out with thousands separators, dates without times).
"""

from __future__ import annotations

import math
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go

__all__ = ["Style", "chart", "records"]

Style = Literal["app", "report"]
_APP_LAYOUT = {
    "margin": {"l": 40, "r": 10, "t": 40, "b": 40},
    "autosize": True,
    "font": {"family": "system-ui, sans-serif", "size": 12},
}
_REPORT_MARGIN = {"l": 40, "r": 20, "t": 40, "b": 40}


def chart(fig: go.Figure, height: int = 360, *, style: Style = "app") -> str:
    """Return the figure as Plotly JSON for ``charts.js`` to draw (no inline script).

    Parameters
    ----------
    height
        In pixels. The ``app`` look keeps a height the figure already has; the ``report``
        look always sets it.
    style
        ``app`` or ``report`` (see the module's description).
    """
    if style == "report":
        fig.update_layout(height=height, margin=_REPORT_MARGIN)
    else:
        fig.update_layout(**_APP_LAYOUT)
        if not fig.layout.height:
            fig.update_layout(height=height)
    return str(fig.to_json())


def records(frame: pd.DataFrame, digits: int = 2, *, style: Style = "app") -> list[dict[str, Any]]:
    """Return the rows of ``frame`` as dicts of display values, missing values as ''.

    The ``app`` look rounds numbers to ``digits`` and shows a time only when there is one;
    the ``report`` look writes numbers out (``1,234.5``) and shows dates only.

    Examples
    --------
    >>> frame = pd.DataFrame({"n": [1234.567, None]})
    >>> records(frame), records(frame, 1, style="report")
    ([{'n': 1234.57}, {'n': ''}], [{'n': '1,234.6'}, {'n': ''}])
    """
    show = _show_report if style == "report" else _show_app
    return [{str(k): show(v, digits) for k, v in row.items()} for row in frame.to_dict("records")]


def _show_app(v: Any, digits: int) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return ""
    if isinstance(v, float):
        return round(v, digits)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d %H:%M") if (v.hour or v.minute) else v.strftime("%Y-%m-%d")
    return v


def _show_report(v: Any, digits: int) -> Any:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return v
