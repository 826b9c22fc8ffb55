"""The customer texts of a workspace: feedback texts and survey comments, as one Ibis table."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from cxkit.store import Workspace
from cxkit.voice._sentiment import SentimentModel, default_model

__all__ = ["TEXT_TABLES", "score_workspace", "texts"]

#: Where texts live: table -> (id column, text column, sentiment table).
TEXT_TABLES: dict[str, tuple[str, str, str]] = {
    "feedback": ("feedback_id", "text", "feedback_sentiment"),
    "responses": ("response_id", "comment", "response_sentiment"),
}


def _nonblank(t: ir.Table, column: str) -> ir.Table:
    return t.filter(t[column].strip().length() > 0)


def texts(ws: Workspace) -> ir.Table:
    """Return every non-blank text with its table, id, customer, time, source and touchpoint.

    Survey comments get the source ``survey``.
    """
    schema = ibis.schema(
        {
            "text_table": "string",
            "text_id": "string",
            "customer_id": "string",
            "ts": "timestamp",
            "source": "string",
            "touchpoint": "string",
            "text": "string",
        }
    )
    parts = []
    for name, (id_col, text_col, _) in TEXT_TABLES.items():
        t = ws.table(name)
        parts.append(
            t.filter(t[text_col].strip().length() > 0)
            .select(
                text_table=ibis.literal(name),
                text_id=t[id_col],
                customer_id=t.customer_id,
                ts=t.ts,
                source=t.source if "source" in t.columns else ibis.literal("survey"),
                touchpoint=t.touchpoint,
                text=t[text_col],
            )
            .cast(schema)
        )
    return parts[0].union(parts[1])


def score_workspace(
    ws: Workspace, model: SentimentModel | None = None, batch_size: int = 100_000
) -> dict[str, int]:
    """Score every feedback text and survey comment and store the sentiment tables.

    Returns the number of texts scored per table. Texts are streamed in batches, so memory
    stays flat however many there are.
    """
    model = model or default_model()
    done = {}
    for name, (id_col, text_col, target) in TEXT_TABLES.items():
        t = ws.table(name)
        rows = _nonblank(t, text_col).select(id=t[id_col], text=t[text_col])
        ids: list[pa.Array] = []
        scores: list[np.ndarray] = []
        for batch in rows.to_pyarrow_batches(chunk_size=batch_size):
            ids.append(batch.column("id"))
            scores.append(model.predict(batch.column("text").to_pylist()))
        score = np.concatenate(scores) if scores else np.empty(0)
        out = pa.table(
            {
                id_col: pa.concat_arrays(ids) if ids else pa.array([], pa.string()),
                "score": score,
                "label": model.label(score).astype(str),
            }
        )
        ws.replace(target, out)
        done[name] = out.num_rows
    return done
