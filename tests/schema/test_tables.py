from __future__ import annotations

import pytest

from cxkit.errors import UnknownTable
from cxkit.schema import SCORE_SCALES, STAGES, TABLES, Column, table_spec


def test_design_tables_and_keys() -> None:
    # The keys of the canonical model, as in shared/design.md.
    keys = {name: spec.key for name, spec in TABLES.items()}
    assert keys == {
        "customers": ("customer_id",),
        "touchpoints": ("touchpoint",),
        "events": ("event_id",),
        "orders": ("order_id",),
        "order_items": ("order_id", "line"),
        "tickets": ("ticket_id",),
        "responses": ("response_id",),
        "feedback": ("feedback_id",),
    }


def test_customers_has_attributes_and_pii() -> None:
    spec = table_spec("customers")
    assert "attributes" in spec.column_names
    assert spec.pii_columns == ("name", "email", "phone")


def test_scales_and_stage_order() -> None:
    assert [(s.kind, s.low, s.high) for s in SCORE_SCALES.values()] == [
        ("nps", 0, 10),
        ("csat", 1, 5),
        ("ces", 1, 7),
    ]
    assert STAGES == ("research", "evaluation", "purchase", "post_purchase", "repeat_purchase")


def test_unknown_table_names_the_known_ones() -> None:
    with pytest.raises(UnknownTable, match="expected one of: customers"):
        table_spec("orderz")


def test_ibis_schema_marks_keys_not_null() -> None:
    schema = table_spec("order_items").ibis_schema()
    assert not schema["order_id"].nullable and not schema["line"].nullable
    assert schema["price"].nullable


def test_text_formats_mark_email_and_json_columns() -> None:
    formats = {
        (name, c.name): c.format for name, spec in TABLES.items() for c in spec.columns if c.format
    }
    assert formats == {
        ("customers", "email"): "email",
        ("customers", "attributes"): "json",
        ("events", "properties"): "json",
    }
    # The DuckDB type stays text: no migration.
    assert str(table_spec("events").ibis_schema()["properties"]) == "string"


@pytest.mark.parametrize(("dtype", "fmt"), [("string", "phone"), ("int64", "json")])
def test_a_format_needs_a_known_name_and_a_text_column(dtype: str, fmt: str) -> None:
    with pytest.raises(ValueError, match=f"format {fmt!r} needs a string column"):
        Column("x", dtype, format=fmt)
