"""Find customers by id (or by name and email, for those who may see personal data)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from cxkit.schema import table_spec
from cxkit.store import TableSource

__all__ = ["HIDDEN", "as_data", "find_customers", "mask_pii"]

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


def as_data(**values: str) -> ir.Table:
    """Return a one-row table of ``values``, for an expression to join to or compare with.

    What a user typed travels as data, not as a literal inside the SQL text: a NUL
    character (``%00`` in a URL) would end DuckDB's parsing of that text.
    """
    return ibis.memtable(pa.table({k: pa.array([v], pa.string()) for k, v in values.items()}))


def find_customers(
    ws: TableSource, query: str, *, see_pii: bool = False, limit: int = 50
) -> pd.DataFrame:
    """Return the customers whose id contains ``query`` (case-insensitive), by id.

    With ``see_pii`` the name and email are searched too and shown; without it they are
    neither searched nor shown (`mask_pii`).
    """
    c = ws.table("customers")
    q = as_data(_q=query.strip().lower())
    both = c.cross_join(q)
    hit = both.customer_id.lower().contains(both._q)
    if see_pii:
        hit = hit | both.name.lower().contains(both._q) | both.email.lower().contains(both._q)
    found = both.filter(hit).select(*c.columns)
    frame = found.order_by("customer_id").limit(limit).to_pandas()
    return frame if see_pii else mask_pii(frame)
