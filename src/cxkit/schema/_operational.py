"""Operational tables: the workspace's own records (ingest log, surveys, users, edits).

Not rebuildable from the canonical data: a rebuild keeps them. Tables marked ``secret``
(users, sessions, API keys) hold credentials and never leave the workspace (`mirror`,
exports).
"""

from __future__ import annotations

from cxkit.schema._spec import TIMESTAMP, TableSpec, col

__all__ = ["BATCHES", "LOAD_CHANGES", "OPERATIONAL_TABLES", "QUARANTINE", "WORKSPACE_META"]

#: The quarantine table holds rows that failed validation, with where and why.
QUARANTINE = TableSpec(
    "quarantine",
    (
        col("batch_id", required=True),
        col("table_name", required=True),
        col("source_file"),
        col("row_number", "int64"),
        col("column_name"),
        col("reason", required=True),
        col("raw", description="the raw row as JSON text"),
    ),
    "rows that failed validation, kept so nothing is lost",
    kind="operational",
)

#: One row per load (a file into a table, or an API batch), keyed by its id.
BATCHES = TableSpec(
    "batches",
    (
        col("batch_id", key=True),
        col("table_name", required=True),
        col("source_file", description="the file loaded; empty for an API batch"),
        col("rows_read", "int64"),
        col("rows_stored", "int64"),
        col("rows_quarantined", "int64"),
        col("ingested_at", TIMESTAMP),
        col("file_sha256", description="the SHA-256 of the file's bytes"),
        col("columns", format="json", description='{"column": "source column", ...} loaded'),
        col("rows_inserted", "int64", description="stored rows whose key was new"),
        col("rows_updated", "int64", description="stored rows merged into an existing row"),
        col("seq_base", "int64", description="the seq of its rows: seq_base + row number"),
        col("undone_at", TIMESTAMP, description="when `cx loads undo` took it back"),
    ),
    "the ingest log: every load, undoable",
    kind="operational",
)

#: What a file load changed, so it can be undone exactly: each stored key, and the row
#: as it was before (empty where the key was new).
LOAD_CHANGES = TableSpec(
    "load_changes",
    (
        col("batch_id", required=True),
        col("table_name", required=True),
        col("row_key", required=True, description="the row's key as a JSON object"),
        col("before", format="json", description="the whole row before the load, as JSON"),
    ),
    "the rows each load changed, for undo",
    kind="operational",
)

#: A user's renames and merges of themes, applied after every discovery.
THEME_EDITS = TableSpec(
    "theme_edits",
    (
        col("theme_id", key=True),
        col("label", description="the user's label"),
        col("merged_into", description="the theme this one was merged into"),
    ),
    "user edits of themes (kept across re-discovery)",
    kind="operational",
)

#: Survey definitions: what is asked, on which scale, where.
SURVEYS = TableSpec(
    "surveys",
    (
        col("survey_id", key=True),
        col("name", required=True),
        col("kind", required=True, vocabulary="score_kinds"),
        col("question", required=True),
        col("follow_up", description="optional open question after the score"),
        col("touchpoint"),
        col("channel", vocabulary="channels"),
        col("anonymous", "boolean", description="whether an anonymous link may be shared"),
        col("created_at", TIMESTAMP),
    ),
    "survey definitions (NPS, CSAT or CES)",
    kind="operational",
)

#: Per-customer invitations; a token is answered once, before it expires.
INVITATIONS = TableSpec(
    "invitations",
    (
        col("invitation_id", key=True),
        col("survey_id", required=True),
        col("customer_id"),
        col("ticket_id", description="the resolved ticket that triggered the invitation"),
        col("created_at", TIMESTAMP, required=True),
        col("expires_at", TIMESTAMP, required=True),
        col("answered_at", TIMESTAMP),
        col("response_id"),
    ),
    "survey invitations",
    kind="operational",
)

#: People who may sign in to the web app.
USERS = TableSpec(
    "users",
    (
        col("username", key=True),
        col("password_hash", required=True, description="argon2id hash"),
        col("role", required=True, description="admin, analyst or viewer"),
        col("created_at", TIMESTAMP),
    ),
    "web app users",
    kind="operational",
    secret=True,
)

#: Signed-in sessions; the cookie holds a random token, only its hash is stored.
SESSIONS = TableSpec(
    "sessions",
    (
        col("token_hash", key=True),
        col("username", required=True),
        col("expires_at", TIMESTAMP, required=True),
    ),
    "web app sessions",
    kind="operational",
    secret=True,
)

#: API keys for other systems; only a hash of the secret is stored.
API_KEYS = TableSpec(
    "api_keys",
    (
        col("key_id", key=True),
        col("key_hash", required=True, description="SHA-256 of the secret"),
        col("scope", required=True, description="ingest or read"),
        col("label"),
        col("created_at", TIMESTAMP),
    ),
    "API keys",
    kind="operational",
    secret=True,
)

#: Answers to the CX maturity questionnaire: from evidence in the workspace or a person.
MATURITY_ANSWERS = TableSpec(
    "maturity_answers",
    (
        col("question_id", key=True),
        col("score", "int64", low=1, high=5),
        col("source", description="evidence or user"),
        col("note", description="the evidence, or the person's comment"),
        col("answered_at", TIMESTAMP),
    ),
    "CX maturity answers",
    kind="operational",
)

#: An analyst's edits of a strategy opportunity: effort, owner, ROI assumption.
STRATEGY_EDITS = TableSpec(
    "strategy_edits",
    (
        col("opportunity_id", key=True),
        col("effort", "int64", low=1, high=5, description="1 = days, 5 = a year or more"),
        col("owner"),
        col("churn_reduction", "float64", low=0, high=1, description="base ROI assumption"),
    ),
    "edits of strategy opportunities",
    kind="operational",
)

#: Facts about the workspace itself, such as the format version its tables follow.
WORKSPACE_META = TableSpec(
    "workspace_meta",
    (
        col("name", key=True),
        col("value", required=True),
    ),
    "the workspace's format version and other facts about it",
    kind="operational",
)

#: Every operational table, by name.
OPERATIONAL_TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        QUARANTINE,
        BATCHES,
        LOAD_CHANGES,
        THEME_EDITS,
        SURVEYS,
        INVITATIONS,
        USERS,
        SESSIONS,
        API_KEYS,
        MATURITY_ANSWERS,
        STRATEGY_EDITS,
        WORKSPACE_META,
    )
}
