"""cxkit: customer-experience analytics on a company's own data.

The public entry points live in the capability packages: :mod:`cxkit.schema`,
:mod:`cxkit.store`, :mod:`cxkit.ingest` and :mod:`cxkit.demo`.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
