"""The canonical tables: columns, types, keys, required fields, vocabularies and checks.

This is the one definition of the data model. Ingest validates against it, the store
creates tables from it, and metrics read column names from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.datatypes as dt

from cxkit.errors import UnknownTable

__all__ = ["TABLES", "Column", "TableSpec", "TimeOrder", "table_spec"]


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    Parameters
    ----------
    name
        Column name, snake_case.
    dtype
        Ibis type name: ``string``, ``int64``, ``float64``, ``boolean`` or ``timestamp``.
    key
        Part of the table's key; keys are also required.
    required
        A value must be present (not null, not blank).
    pii
        Personal data, removed on erasure and hidden from viewers.
    vocabulary
        Name of the vocabulary that lists the allowed values (``channels``, ``stages``...).
    low, high
        Inclusive numeric range.
    description
        One line for docs and ``cx schema``.
    """

    name: str
    dtype: str
    key: bool = False
    required: bool = False
    pii: bool = False
    vocabulary: str | None = None
    low: float | None = None
    high: float | None = None
    description: str = ""

    @property
    def ibis_type(self) -> dt.DataType:
        """The column's Ibis data type (nullable unless required)."""
        return dt.dtype(self.dtype).copy(nullable=not (self.key or self.required))

    @property
    def is_required(self) -> bool:
        """Whether a value must be present: keys always are."""
        return self.key or self.required


@dataclass(frozen=True)
class TimeOrder:
    """A check that one timestamp column is not earlier than another when both are set."""

    later: str
    earlier: str


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its columns in order and the row checks that span columns."""

    name: str
    columns: tuple[Column, ...]
    description: str = ""
    time_orders: tuple[TimeOrder, ...] = ()
    #: (kind column, score column): the score's range depends on the kind (NPS 0-10, ...).
    score_by_kind: tuple[str, str] | None = None
    #: Whether rows reference ``customers.customer_id`` (unknown ids are warned about).
    references_customers: bool = False
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def key(self) -> tuple[str, ...]:
        """Names of the key columns, in order."""
        return tuple(c.name for c in self.columns if c.key)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of all columns, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def pii_columns(self) -> tuple[str, ...]:
        """Names of the columns holding personal data."""
        return tuple(c.name for c in self.columns if c.pii)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        return self._by_name[name]

    def ibis_schema(self) -> ibis.Schema:
        """Return the table's schema as an Ibis schema."""
        return ibis.schema({c.name: c.ibis_type for c in self.columns})


def _c(name: str, dtype: str = "string", **kw: object) -> Column:
    return Column(name, dtype, **kw)  # type: ignore[arg-type]


_TS = "timestamp"

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "customers",
            (
                _c("customer_id", key=True),
                _c("created_at", _TS),
                _c("name", pii=True),
                _c("email", pii=True),
                _c("phone", pii=True),
                _c("country"),
                _c("segment"),
                _c("consent_marketing", "boolean"),
                _c("consent_analytics", "boolean"),
                _c("attributes", description="source-specific fields as JSON text"),
            ),
            "one row per customer",
        ),
        TableSpec(
            "touchpoints",
            (
                _c("touchpoint", key=True),
                _c("channel", required=True, vocabulary="channels"),
                _c("stage", required=True, vocabulary="stages"),
                _c("owner", description="the team that owns the touchpoint"),
            ),
            "the touchpoints of the customer journey and who owns them",
        ),
        TableSpec(
            "events",
            (
                _c("event_id", key=True),
                _c("customer_id", required=True),
                _c("ts", _TS, required=True),
                _c("touchpoint", required=True),
                _c("channel", vocabulary="channels"),
                _c("session_id"),
                _c("properties", description="event properties as JSON text"),
            ),
            "one row per interaction at a touchpoint",
            references_customers=True,
        ),
        TableSpec(
            "orders",
            (
                _c("order_id", key=True),
                _c("customer_id", required=True),
                _c("ts", _TS, required=True),
                _c("amount", "float64", required=True, low=0),
                _c("channel", vocabulary="channels"),
                _c("status", vocabulary="order_statuses"),
            ),
            "one row per order",
            references_customers=True,
        ),
        TableSpec(
            "order_items",
            (
                _c("order_id", key=True),
                _c("line", "int64", key=True, low=1),
                _c("product_id"),
                _c("category"),
                _c("quantity", "int64", low=0),
                _c("price", "float64", low=0),
            ),
            "one row per order line",
        ),
        TableSpec(
            "tickets",
            (
                _c("ticket_id", key=True),
                _c("customer_id"),
                _c("channel", vocabulary="channels"),
                _c("agent_id"),
                _c("topic"),
                _c("created_at", _TS, required=True),
                _c("first_response_at", _TS),
                _c("resolved_at", _TS),
                _c("contacts", "int64", low=1),
                _c("csat", "int64", low=1, high=5),
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
                _c("response_id", key=True),
                _c("survey_id"),
                _c("customer_id"),
                _c("kind", required=True, vocabulary="score_kinds"),
                _c("score", "int64", required=True),
                _c("comment"),
                _c("touchpoint"),
                _c("channel", vocabulary="channels"),
                _c("ts", _TS, required=True),
            ),
            "one row per survey answer (NPS, CSAT or CES)",
            score_by_kind=("kind", "score"),
            references_customers=True,
        ),
        TableSpec(
            "feedback",
            (
                _c("feedback_id", key=True),
                _c("customer_id"),
                _c("ts", _TS, required=True),
                _c("source", required=True, vocabulary="feedback_sources"),
                _c("touchpoint"),
                _c("text"),
                _c("rating", "float64", low=1, high=5),
                _c("author"),
                _c("likes", "int64", low=0),
                _c("shares", "int64", low=0),
                _c("comments", "int64", low=0),
            ),
            "reviews, social mentions and other free-text feedback",
            references_customers=True,
        ),
    )
}

#: The quarantine table holds rows that failed validation, with where and why.
QUARANTINE = TableSpec(
    "quarantine",
    (
        _c("batch_id", required=True),
        _c("table_name", required=True),
        _c("source_file"),
        _c("row_number", "int64"),
        _c("column_name"),
        _c("reason", required=True),
        _c("raw", description="the raw row as JSON text"),
    ),
    "rows that failed validation, kept so nothing is lost",
)

#: One row per ingested batch (file and table), keyed by the batch id.
BATCHES = TableSpec(
    "batches",
    (
        _c("batch_id", key=True),
        _c("table_name", required=True),
        _c("source_file"),
        _c("rows_read", "int64"),
        _c("rows_stored", "int64"),
        _c("rows_quarantined", "int64"),
        _c("ingested_at", _TS),
    ),
    "the ingest log",
)

#: Sentiment of each feedback text, written by the voice-of-customer module.
FEEDBACK_SENTIMENT = TableSpec(
    "feedback_sentiment",
    (
        _c("feedback_id", key=True),
        _c("score", "float64", required=True, low=-1, high=1),
        _c("label", required=True, description="negative, neutral or positive"),
    ),
    "derived: sentiment per feedback text",
)

#: Sentiment of each survey comment, written by the voice-of-customer module.
RESPONSE_SENTIMENT = TableSpec(
    "response_sentiment",
    (
        _c("response_id", key=True),
        _c("score", "float64", required=True, low=-1, high=1),
        _c("label", required=True, description="negative, neutral or positive"),
    ),
    "derived: sentiment per survey comment",
)

#: The themes discovered across feedback texts and survey comments.
THEMES = TableSpec(
    "themes",
    (
        _c("theme_id", key=True),
        _c("label", required=True, description="readable label from the theme's keywords"),
        _c("keywords", description="top c-TF-IDF keywords, comma separated"),
        _c("texts", "int64", description="texts assigned to the theme"),
        _c("verbatims", description="representative texts as a JSON list"),
    ),
    "derived: discovered themes",
)

#: The theme of each text; ``text_table`` is ``feedback`` or ``responses``.
TEXT_THEMES = TableSpec(
    "text_themes",
    (
        _c("text_table", key=True),
        _c("text_id", key=True),
        _c("theme_id", required=True),
    ),
    "derived: theme per text",
)

#: A user's renames and merges of themes, applied after every discovery.
THEME_EDITS = TableSpec(
    "theme_edits",
    (
        _c("theme_id", key=True),
        _c("label", description="the user's label"),
        _c("merged_into", description="the theme this one was merged into"),
    ),
    "user edits of themes (kept across re-discovery)",
)

#: Reputation alerts: days whose negative mention volume broke from the expected.
VOICE_ALERTS = TableSpec(
    "voice_alerts",
    (
        _c("day", _TS, key=True),
        _c("source", key=True, description="feedback source, or 'all'"),
        _c("negative", "int64", description="negative mentions that day"),
        _c("expected", "float64", description="expected negative mentions (same weekday, robust)"),
        _c("score", "float64", description="robust z-score of the day"),
        _c("theme", description="the theme that drove the negative mentions"),
        _c("top_posts", description="the most engaged negative posts as a JSON list"),
    ),
    "derived: reputation alerts",
)

#: Predictions per customer, written by ``cxkit.predict.refresh`` for slicing anywhere.
CUSTOMER_SCORES = TableSpec(
    "customer_scores",
    (
        _c("customer_id", key=True),
        _c("churn_risk", "float64", low=0, high=1, description="P(no purchase in the horizon)"),
        _c("reasons", description="top churn reasons as a JSON list"),
        _c("p_alive", "float64", low=0, high=1, description="BG/NBD probability still active"),
        _c("expected_purchases", "float64", description="expected purchases in the horizon"),
        _c("expected_spend", "float64", description="expected spend in the horizon"),
        _c("clv", "float64", description="discounted predicted CLV over the horizon"),
        _c("r", "int64", low=1, high=5, description="recency quintile (5 = most recent)"),
        _c("f", "int64", low=1, high=5, description="frequency quintile"),
        _c("m", "int64", low=1, high=5, description="monetary quintile"),
        _c("rfm_segment", description="champions, loyal, new, promising, at risk..."),
        _c("segment", "int64", description="behavioural segment number"),
        _c("persona", description="the segment's persona name"),
    ),
    "derived: churn risk, CLV, RFM and segment per customer",
)

#: One persona card per behavioural segment.
PERSONA_CARDS = TableSpec(
    "personas",
    (
        _c("segment", "int64", key=True),
        _c("name", required=True),
        _c("customers", "int64"),
        _c("share", "float64"),
        _c("mean_revenue", "float64"),
        _c("mean_clv", "float64"),
        _c("churn_risk", "float64"),
        _c("channels", description="preferred channels, comma separated"),
        _c("touchpoints", description="preferred touchpoints, comma separated"),
        _c("categories", description="preferred categories, comma separated"),
        _c("themes", description="most frequent themes, comma separated"),
        _c("pain_points", description="touchpoints with most negative feedback"),
    ),
    "derived: persona cards",
)

#: Next-best products per customer.
RECOMMENDATIONS = TableSpec(
    "recommendations",
    (
        _c("customer_id", key=True),
        _c("rank", "int64", key=True),
        _c("item", required=True),
        _c("score", "float64"),
    ),
    "derived: cross-sell recommendations",
)

#: Who to contact first, why, and with what.
OUTREACH = TableSpec(
    "outreach",
    (
        _c("rank", "int64", key=True),
        _c("customer_id", required=True),
        _c("value_at_risk", "float64", description="churn risk x CLV"),
        _c("churn_risk", "float64"),
        _c("clv", "float64"),
        _c("reasons", description="churn reasons as a JSON list"),
        _c("action", description="suggested action"),
        _c("offer", description="recommended product to offer"),
    ),
    "derived: proactive outreach list",
)

#: Survey definitions: what is asked, on which scale, where.
SURVEYS = TableSpec(
    "surveys",
    (
        _c("survey_id", key=True),
        _c("name", required=True),
        _c("kind", required=True, vocabulary="score_kinds"),
        _c("question", required=True),
        _c("follow_up", description="optional open question after the score"),
        _c("touchpoint"),
        _c("channel", vocabulary="channels"),
        _c("anonymous", "boolean", description="whether an anonymous link may be shared"),
        _c("created_at", _TS),
    ),
    "survey definitions (NPS, CSAT or CES)",
)

#: Per-customer invitations; a token is answered once, before it expires.
INVITATIONS = TableSpec(
    "invitations",
    (
        _c("invitation_id", key=True),
        _c("survey_id", required=True),
        _c("customer_id"),
        _c("ticket_id", description="the resolved ticket that triggered the invitation"),
        _c("created_at", _TS, required=True),
        _c("expires_at", _TS, required=True),
        _c("answered_at", _TS),
        _c("response_id"),
    ),
    "survey invitations",
)

#: People who may sign in to the web app.
USERS = TableSpec(
    "users",
    (
        _c("username", key=True),
        _c("password_hash", required=True, description="argon2id hash"),
        _c("role", required=True, description="admin, analyst or viewer"),
        _c("created_at", _TS),
    ),
    "web app users",
)

#: Signed-in sessions; the cookie holds a random token, only its hash is stored.
SESSIONS = TableSpec(
    "sessions",
    (
        _c("token_hash", key=True),
        _c("username", required=True),
        _c("expires_at", _TS, required=True),
    ),
    "web app sessions",
)

#: API keys for other systems; only a hash of the secret is stored.
API_KEYS = TableSpec(
    "api_keys",
    (
        _c("key_id", key=True),
        _c("key_hash", required=True, description="SHA-256 of the secret"),
        _c("scope", required=True, description="ingest or read"),
        _c("label"),
        _c("created_at", _TS),
    ),
    "API keys",
)

#: Answers to the CX maturity questionnaire: from evidence in the workspace or a person.
MATURITY_ANSWERS = TableSpec(
    "maturity_answers",
    (
        _c("question_id", key=True),
        _c("score", "int64", low=1, high=5),
        _c("source", description="evidence or user"),
        _c("note", description="the evidence, or the person's comment"),
        _c("answered_at", _TS),
    ),
    "CX maturity answers",
)

#: An analyst's edits of a strategy opportunity: effort, owner, ROI assumption.
STRATEGY_EDITS = TableSpec(
    "strategy_edits",
    (
        _c("opportunity_id", key=True),
        _c("effort", "int64", low=1, high=5, description="1 = days, 5 = a year or more"),
        _c("owner"),
        _c("churn_reduction", "float64", low=0, high=1, description="base ROI assumption"),
    ),
    "edits of strategy opportunities",
)

#: Tables the store creates besides the canonical ones: system and derived tables.
SYSTEM_TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        QUARANTINE,
        BATCHES,
        FEEDBACK_SENTIMENT,
        RESPONSE_SENTIMENT,
        THEMES,
        TEXT_THEMES,
        THEME_EDITS,
        VOICE_ALERTS,
        CUSTOMER_SCORES,
        PERSONA_CARDS,
        RECOMMENDATIONS,
        OUTREACH,
        SURVEYS,
        INVITATIONS,
        USERS,
        SESSIONS,
        API_KEYS,
        MATURITY_ANSWERS,
        STRATEGY_EDITS,
    )
}


def table_spec(name: str) -> TableSpec:
    """Return the canonical or system table called ``name``.

    Examples
    --------
    >>> table_spec("orders").key
    ('order_id',)
    """
    spec = TABLES.get(name) or SYSTEM_TABLES.get(name)
    if spec is None:
        raise UnknownTable(name, sorted(TABLES))
    return spec
