"""Derived tables: outputs the capabilities compute from the canonical tables.

Each can be rebuilt from the canonical data (``cx voice run``, ``cx predict run``...), so a
rebuild may clear them; an erasure must still remove a person's rows from them.
"""

from __future__ import annotations

from cxkit.schema._spec import TIMESTAMP, TableSpec, col

__all__ = ["DERIVED_TABLES", "FEEDBACK_SENTIMENT"]

#: Sentiment of each feedback text, written by the voice-of-customer module.
FEEDBACK_SENTIMENT = TableSpec(
    "feedback_sentiment",
    (
        col("feedback_id", key=True),
        col("score", "float64", required=True, low=-1, high=1),
        col("label", required=True, description="negative, neutral or positive"),
    ),
    "derived: sentiment per feedback text",
    kind="derived",
)

#: Sentiment of each survey comment, written by the voice-of-customer module.
RESPONSE_SENTIMENT = TableSpec(
    "response_sentiment",
    (
        col("response_id", key=True),
        col("score", "float64", required=True, low=-1, high=1),
        col("label", required=True, description="negative, neutral or positive"),
    ),
    "derived: sentiment per survey comment",
    kind="derived",
)

#: The themes discovered across feedback texts and survey comments.
THEMES = TableSpec(
    "themes",
    (
        col("theme_id", key=True),
        col("label", required=True, description="readable label from the theme's keywords"),
        col("keywords", description="top c-TF-IDF keywords, comma separated"),
        col("texts", "int64", description="texts assigned to the theme"),
        col("verbatims", description="representative texts as a JSON list"),
    ),
    "derived: discovered themes",
    kind="derived",
)

#: The theme of each text; ``text_table`` is ``feedback`` or ``responses``.
TEXT_THEMES = TableSpec(
    "text_themes",
    (
        col("text_table", key=True),
        col("text_id", key=True),
        col("theme_id", required=True),
    ),
    "derived: theme per text",
    kind="derived",
)

#: Reputation alerts: days whose negative mention volume broke from the expected.
VOICE_ALERTS = TableSpec(
    "voice_alerts",
    (
        col("day", TIMESTAMP, key=True),
        col("source", key=True, description="feedback source, or 'all'"),
        col("negative", "int64", description="negative mentions that day"),
        col("expected", "float64", description="expected negative mentions (same weekday, robust)"),
        col("score", "float64", description="robust z-score of the day"),
        col("theme", description="the theme that drove the negative mentions"),
        col("top_posts", description="the most engaged negative posts as a JSON list"),
    ),
    "derived: reputation alerts",
    kind="derived",
)

#: Predictions per customer, written by ``cxkit.predict.refresh`` for slicing anywhere.
CUSTOMER_SCORES = TableSpec(
    "customer_scores",
    (
        col("customer_id", key=True),
        col("churn_risk", "float64", low=0, high=1, description="P(no purchase in the horizon)"),
        col("reasons", description="top churn reasons as a JSON list"),
        col("p_alive", "float64", low=0, high=1, description="BG/NBD probability still active"),
        col("expected_purchases", "float64", description="expected purchases in the horizon"),
        col("expected_spend", "float64", description="expected spend in the horizon"),
        col("clv", "float64", description="discounted predicted CLV over the horizon"),
        col("r", "int64", low=1, high=5, description="recency quintile (5 = most recent)"),
        col("f", "int64", low=1, high=5, description="frequency quintile"),
        col("m", "int64", low=1, high=5, description="monetary quintile"),
        col("rfm_segment", description="champions, loyal, new, promising, at risk..."),
        col("segment", "int64", description="behavioural segment number"),
        col("persona", description="the segment's persona name"),
    ),
    "derived: churn risk, CLV, RFM and segment per customer",
    kind="derived",
)

#: One persona card per behavioural segment.
PERSONA_CARDS = TableSpec(
    "personas",
    (
        col("segment", "int64", key=True),
        col("name", required=True),
        col("customers", "int64"),
        col("share", "float64"),
        col("mean_revenue", "float64"),
        col("mean_clv", "float64"),
        col("churn_risk", "float64"),
        col("channels", description="preferred channels, comma separated"),
        col("touchpoints", description="preferred touchpoints, comma separated"),
        col("categories", description="preferred categories, comma separated"),
        col("themes", description="most frequent themes, comma separated"),
        col("pain_points", description="touchpoints with most negative feedback"),
    ),
    "derived: persona cards",
    kind="derived",
)

#: Next-best products per customer.
RECOMMENDATIONS = TableSpec(
    "recommendations",
    (
        col("customer_id", key=True),
        col("rank", "int64", key=True),
        col("item", required=True),
        col("score", "float64"),
    ),
    "derived: cross-sell recommendations",
    kind="derived",
)

#: Who to contact first, why, and with what.
OUTREACH = TableSpec(
    "outreach",
    (
        col("rank", "int64", key=True),
        col("customer_id", required=True),
        col("value_at_risk", "float64", description="churn risk x CLV"),
        col("churn_risk", "float64"),
        col("clv", "float64"),
        col("reasons", description="churn reasons as a JSON list"),
        col("action", description="suggested action"),
        col("offer", description="recommended product to offer"),
    ),
    "derived: proactive outreach list",
    kind="derived",
)

#: Every derived table, by name.
DERIVED_TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        FEEDBACK_SENTIMENT,
        RESPONSE_SENTIMENT,
        THEMES,
        TEXT_THEMES,
        VOICE_ALERTS,
        CUSTOMER_SCORES,
        PERSONA_CARDS,
        RECOMMENDATIONS,
        OUTREACH,
    )
}
