"""API request and response bodies, generated from the canonical schema (defined once there)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model
from pydantic_core import PydanticCustomError

from cxkit.schema import TABLES, TableSpec

__all__ = ["INGEST_TABLES", "Accepted", "Invitation", "Rejected", "RejectedRecord", "record_model"]

#: Tables other systems may push records into.
INGEST_TABLES = ("events", "orders", "tickets", "responses", "feedback")
#: Most records in one batch request.
MAX_BATCH = 10_000


def _not_bool(value: Any) -> Any:
    """Refuse true/false where a number belongs (Pydantic reads true as 1 by default)."""
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "expected a number, not true or false")
    return value


def _storable(value: str) -> str:
    r"""Refuse text with a lone surrogate (JSON "\ud800"): it is not text, and not storable."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PydanticCustomError(
            "string_unicode",
            "holds a lone surrogate (U+{code}, half of a UTF-16 pair) at character {at}, not text",
            {"code": f"{ord(value[exc.start]):04X}", "at": exc.start + 1},
        ) from None
    return value


#: Python types of the columns. Numbers are finite and never true/false, text is encodable;
#: the canonical checks (NUL, formats, plausible times...) follow in `ingest_records`.
_TYPES: dict[str, Any] = {
    "string": Annotated[str, AfterValidator(_storable)],
    "int64": Annotated[int, BeforeValidator(_not_bool)],
    "float64": Annotated[float, Field(allow_inf_nan=False), BeforeValidator(_not_bool)],
    "boolean": bool,
    "timestamp": datetime,
}


def record_model(spec: TableSpec) -> type[BaseModel]:
    """Build the Pydantic model of a record of ``spec``: its columns, types, required fields."""
    fields: dict[str, Any] = {}
    for c in spec.source_columns:  # seq is set by cxkit, not sent
        kind = _TYPES[c.dtype]
        info = Field(description=c.description or None)
        fields[c.name] = (kind, info) if c.is_required else (kind | None, Field(None, **_doc(c)))
    return create_model(
        spec.name.title().replace("_", "") + "Record",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"One record of `{spec.name}`: {spec.description}.",
        **fields,
    )


def _doc(c: Any) -> dict[str, Any]:
    return {"description": c.description} if c.description else {}


RECORD_MODELS = {name: record_model(TABLES[name]) for name in INGEST_TABLES}


def batch_model(name: str) -> type[BaseModel]:
    """Build the body of a batch request: ``{"records": [...]}`` of up to `MAX_BATCH` records."""
    record = RECORD_MODELS[name]
    return create_model(
        name.title() + "Batch",
        __config__=ConfigDict(extra="forbid"),
        records=(list[record], Field(min_length=1, max_length=MAX_BATCH)),  # type: ignore[valid-type]
    )


class Invitation(BaseModel):
    """A post-interaction survey invitation created by a resolved ticket."""

    ticket_id: str | None
    customer_id: str | None
    url: str
    expires_at: datetime


class Accepted(BaseModel):
    """Every record was valid and stored (records with an existing key replace it)."""

    table: str
    stored: int
    invitations: list[Invitation] = []


class RejectedRecord(BaseModel):
    """One bad record: its number in the request (from 1) and every problem found."""

    record: int
    reason: str


class Rejected(BaseModel):
    """Nothing was stored: the listed records are bad."""

    detail: str
    rejected: list[RejectedRecord]
