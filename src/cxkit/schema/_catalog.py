"""Every table the store creates, by kind, and the one lookup by name."""

from __future__ import annotations

from cxkit.errors import UnknownTable
from cxkit.schema._canonical import TABLES
from cxkit.schema._derived import DERIVED_TABLES
from cxkit.schema._operational import OPERATIONAL_TABLES
from cxkit.schema._spec import TableSpec

__all__ = ["ALL_TABLES", "SYSTEM_TABLES", "table_spec", "tables_of_kind"]

#: Tables besides the canonical ones: derived outputs and operational records.
SYSTEM_TABLES: dict[str, TableSpec] = {**DERIVED_TABLES, **OPERATIONAL_TABLES}

#: Every table of a workspace: canonical, derived and operational.
ALL_TABLES: dict[str, TableSpec] = {**TABLES, **SYSTEM_TABLES}


def table_spec(name: str) -> TableSpec:
    """Return the table called ``name``, whatever its kind.

    Examples
    --------
    >>> table_spec("orders").key
    ('order_id',)
    >>> table_spec("customer_scores").kind
    'derived'
    """
    spec = ALL_TABLES.get(name)
    if spec is None:
        raise UnknownTable(name, sorted(TABLES))
    return spec


def tables_of_kind(*kinds: str) -> dict[str, TableSpec]:
    """Return the tables of the given kinds (``canonical``, ``derived``, ``operational``).

    Examples
    --------
    >>> sorted(tables_of_kind("operational"))[:3]
    ['api_keys', 'batches', 'invitations']
    """
    return {name: spec for name, spec in ALL_TABLES.items() if spec.kind in kinds}
