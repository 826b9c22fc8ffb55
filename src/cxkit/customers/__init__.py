"""Customers: find them, follow one across every channel, and hide their personal data.

Each function reads a workspace (anything with ``table(name)``) and returns data: pandas
frames, or a dict of them. Which columns are personal comes from `cxkit.schema`.
"""

from __future__ import annotations

from cxkit.customers._profile import customer_profile, customer_timeline
from cxkit.customers._search import HIDDEN, find_customers, mask_pii

__all__ = ["HIDDEN", "customer_profile", "customer_timeline", "find_customers", "mask_pii"]
