"""Built-in importers of the exports CX teams have: help desks, shops, surveys, reviews, logs.

``cx import SOURCE FILE...`` runs one; each maps a vendor's documented export layout to the
canonical tables and keeps the columns it does not map as custom fields.
"""

from __future__ import annotations

from cxkit.importers import (  # noqa: F401  (each module registers its importers)
    _eventlog,
    _ga4,
    _intercom,
    _reviews,
    _shopify,
    _surveys,
    _zendesk,
)
from cxkit.importers._base import IMPORTERS, Importer, Part, get_importer, register
from cxkit.importers._run import import_files

__all__ = ["IMPORTERS", "Importer", "Part", "get_importer", "import_files", "register"]
