"""Canonical tables: the company's own data as ingest stores it (customers, orders...)."""

from __future__ import annotations

from cxkit.schema._spec import TIMESTAMP, Column, TableSpec, TimeOrder, col

__all__ = ["SEQ", "TABLES"]

#: The load order of a row: ties in time keep the order of the file (or API batch) it came
#: from, and later loads sort after earlier ones.
SEQ: Column = col(
    "seq", "int64", managed=True, description="load order (set at load): ties in time keep it"
)

#: The canonical tables, by name.
TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "customers",
            (
                col("customer_id", key=True),
                col("created_at", TIMESTAMP),
                col("name", pii=True),
                col("email", pii=True, format="email"),
                col("phone", pii=True),
                col("country"),
                col("segment"),
                col("consent_marketing", "boolean"),
                col("consent_analytics", "boolean"),
                col("attributes", format="json", description="source-specific fields as JSON text"),
            ),
            "one row per customer",
        ),
        TableSpec(
            "touchpoints",
            (
                col("touchpoint", key=True),
                col(
                    "channel",
                    vocabulary="channels",
                    description="its usual channel; an event's own channel is what counts",
                ),
                col("stage", required=True, vocabulary="stages"),
                col("owner", description="the team that owns the touchpoint"),
            ),
            "the touchpoints of the customer journey and who owns them",
        ),
        TableSpec(
            "events",
            (
                col("event_id", key=True),
                col("customer_id", required=True),
                col("ts", TIMESTAMP, required=True),
                col("touchpoint", required=True),
                col("channel", vocabulary="channels"),
                col("session_id"),
                col("properties", format="json", description="event properties as JSON text"),
                SEQ,
            ),
            "one row per interaction at a touchpoint",
            references_customers=True,
        ),
        TableSpec(
            "orders",
            (
                col("order_id", key=True),
                col("customer_id", required=True),
                col("ts", TIMESTAMP, required=True),
                col("amount", "float64", required=True, low=0),
                col("channel", vocabulary="channels"),
                col("status", vocabulary="order_statuses"),
                SEQ,
            ),
            "one row per order",
            references_customers=True,
        ),
        TableSpec(
            "order_items",
            (
                col("order_id", key=True),
                col("line", "int64", key=True, low=1),
                col("product_id"),
                col("category"),
                col("quantity", "int64", low=0),
                col("price", "float64", low=0),
            ),
            "one row per order line",
        ),
        TableSpec(
            "tickets",
            (
                col("ticket_id", key=True),
                col("customer_id"),
                col("channel", vocabulary="channels"),
                col("agent_id"),
                col("topic"),
                col("created_at", TIMESTAMP, required=True),
                col("first_response_at", TIMESTAMP),
                col("resolved_at", TIMESTAMP),
                col("contacts", "int64", low=1),
                col("csat", "int64", low=1, high=5),
                SEQ,
            ),
            "one row per support ticket",
            time_orders=(
                TimeOrder("first_response_at", "created_at"),
                TimeOrder("resolved_at", "created_at"),
                TimeOrder("resolved_at", "first_response_at"),
            ),
            references_customers=True,
        ),
        TableSpec(
            "responses",
            (
                col("response_id", key=True),
                col("survey_id"),
                col("customer_id"),
                col("kind", required=True, vocabulary="score_kinds"),
                col("score", "int64", required=True),
                col("comment"),
                col("touchpoint"),
                col("channel", vocabulary="channels"),
                col("ts", TIMESTAMP, required=True),
                SEQ,
            ),
            "one row per survey answer (NPS, CSAT or CES)",
            score_by_kind=("kind", "score"),
            references_customers=True,
        ),
        TableSpec(
            "feedback",
            (
                col("feedback_id", key=True),
                col("customer_id"),
                col("ts", TIMESTAMP, required=True),
                col("source", required=True, vocabulary="feedback_sources"),
                col("touchpoint"),
                col("text"),
                col("rating", "float64", low=1, high=5),
                col("author"),
                col("likes", "int64", low=0),
                col("shares", "int64", low=0),
                col("comments", "int64", low=0),
                SEQ,
            ),
            "reviews, social mentions and other free-text feedback",
            references_customers=True,
        ),
    )
}
