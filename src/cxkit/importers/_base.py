"""What an importer is: a reader of one vendor's export that yields canonical-table parts.

An importer knows a vendor's documented layout (headers, date formats, nesting); it flattens
each file into text columns named after the source's own fields, and says with a `Mapping`
which of them become canonical columns. Every other column it keeps is a custom field of
that table (``fields="rest"``). Validation, quarantine and storage are the ingest job's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from cxkit.errors import ConfigError
from cxkit.ingest import Mapping

__all__ = ["IMPORTERS", "Importer", "Part", "get_importer", "register"]


@dataclass(frozen=True)
class Part:
    """Rows for one canonical table read from one file.

    ``rows`` holds text columns named as in the source (nested fields as dotted names,
    ``via.channel``) and ``_row``, each row's record number in ``file`` (from 1), so a
    quarantined row points back to the record it came from.
    """

    table: str
    rows: pa.Table
    file: str
    mapping: Mapping


@dataclass(frozen=True)
class Importer:
    """A vendor export cxkit reads without a hand-written mapping."""

    #: The name ``cx import`` takes: ``zendesk``, ``shopify``...
    name: str
    #: One line for ``cx import --list``: what export, which tables it fills.
    title: str
    #: Files -> parts; raises `UnreadableFile` (naming file and record) for a wrong layout.
    read: Callable[[Sequence[Path]], list[Part]]
    #: Where the layout comes from (the vendor's documentation), for the docs.
    reference: str = ""


#: The built-in importers, by name.
IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Add ``importer`` to `IMPORTERS` (names are unique)."""
    if importer.name in IMPORTERS:
        raise ValueError(f"importer {importer.name!r} is defined twice")
    IMPORTERS[importer.name] = importer
    return importer


def get_importer(name: str) -> Importer:
    """Return the importer called ``name``, or say which exist."""
    try:
        return IMPORTERS[name]
    except KeyError:
        raise ConfigError(
            f"unknown import source {name!r}; expected one of: {', '.join(sorted(IMPORTERS))}"
        ) from None
