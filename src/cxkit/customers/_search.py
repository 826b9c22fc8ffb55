"""Find customers by id (or by name and email, for those who may see personal data)."""

from __future__ import annotations

import pandas as pd

from cxkit.schema import table_spec
from cxkit.store import TableSource

__all__ = ["HIDDEN", "find_customers", "mask_pii"]

#: What a personal value is replaced with for those who may not see it.
HIDDEN = "(hidden)"


def mask_pii(frame: pd.DataFrame, table: str = "customers") -> pd.DataFrame:
    """Return ``frame`` with the personal columns of ``table`` (per `cxkit.schema`) hidden.

    Examples
    --------
    >>> mask_pii(pd.DataFrame({"customer_id": ["C1"], "email": ["a@b.c"]})).to_dict("records")
    [{'customer_id': 'C1', 'email': '(hidden)'}]
    """
    pii = [c for c in table_spec(table).pii_columns if c in frame.columns]
    return frame.assign(**dict.fromkeys(pii, HIDDEN))


def find_customers(
    ws: TableSource, query: str, *, see_pii: bool = False, limit: int = 50
) -> pd.DataFrame:
    """Return the customers whose id contains ``query`` (case-insensitive), by id.

    With ``see_pii`` the name and email are searched too and shown; without it they are
    neither searched nor shown (`mask_pii`).
    """
    c = ws.table("customers")
    q = query.strip().lower()
    hit = c.customer_id.lower().contains(q)
    if see_pii:
        hit = hit | c.name.lower().contains(q) | c.email.lower().contains(q)
    frame = c.filter(hit).order_by("customer_id").limit(limit).to_pandas()
    return frame if see_pii else mask_pii(frame)
