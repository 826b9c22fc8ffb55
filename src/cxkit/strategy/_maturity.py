"""CX maturity: a questionnaire over six disciplines, pre-filled from evidence where it exists.

Scores are 1-5. An answer a person gives overrides the evidence; questions no evidence
can answer stay open until someone answers them. The six experience dimensions are scored
from the voice-of-customer themes, only where themes speak to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from cxkit.errors import ConfigError
from cxkit.metrics import REGISTRY
from cxkit.schema import now_utc
from cxkit.store import Workspace
from cxkit.voice import theme_summary

__all__ = [
    "DIMENSIONS",
    "DISCIPLINES",
    "QUESTIONS",
    "Question",
    "answer",
    "assessment",
    "experience_dimensions",
    "maturity_figure",
    "maturity_scores",
]

DISCIPLINES = (
    "strategy",
    "customer understanding",
    "design",
    "measurement",
    "governance",
    "culture",
)
#: The score a discipline should reach; gaps are measured to it.
TARGET = 4

Evidence = Callable[[Workspace], tuple[int, str] | None]


@dataclass(frozen=True)
class Question:
    """One statement to score 1 (not at all) to 5 (fully, everywhere)."""

    question_id: str
    discipline: str
    text: str
    evidence: Evidence | None = None


def _banded(value: float, bands: tuple[float, float, float, float]) -> int:
    """1-5 by the four lower bounds of scores 2, 3, 4 and 5."""
    return 1 + sum(value >= b for b in bands)


def _personas(ws: Workspace) -> tuple[int, str] | None:
    n = ws.count("personas")
    if n:
        return 4, f"{n} personas from behaviour (cx predict run)"
    return (
        (2, "customers but no personas yet (cx predict run)") if ws.has_rows("customers") else None
    )


def _journey_coverage(ws: Workspace) -> tuple[int, str] | None:
    tps = ws.count("touchpoints")
    if not tps:
        return None
    e = ws.table("events")
    seen = ws.count(e.select("touchpoint").distinct())
    share = min(seen / tps, 1.0)
    return _banded(share, (0.01, 0.4, 0.7, 0.9)), f"events at {seen} of {tps} touchpoints"


def _listening(ws: Workspace) -> tuple[int, str] | None:
    if not ws.has_rows("feedback"):
        return None
    f = ws.table("feedback")
    sources = ws.count(f.select("source").distinct())
    themes = ws.count("themes")
    score = min(5, 1 + sources + (1 if themes else 0))
    return score, f"{sources} feedback sources; {themes} themes discovered"


def _pain_points(ws: Workspace) -> tuple[int, str] | None:
    if ws.has_rows("events") and (ws.has_rows("responses") or ws.has_rows("feedback")):
        return 4, "pain points ranked from journeys, scores and feedback (cx journeys painpoints)"
    return None


def _satisfaction_metrics(ws: Workspace) -> tuple[int, str] | None:
    r = ws.table("responses")
    kinds = set(r.select("kind").distinct().kind.to_pyarrow().to_pylist())
    measured = [k for k in ("nps", "csat", "ces") if k in kinds]
    score = {0: 1, 1: 3, 2: 4, 3: 5}[len(measured)]
    return score, f"measured: {', '.join(REGISTRY[k].name for k in measured) or 'none'}"


def _operational_metrics(ws: Workspace) -> tuple[int, str] | None:
    have = [t for t in ("tickets", "orders", "events") if ws.has_rows(t)]
    names = {"tickets": "frt, art, fcr", "orders": "churn, retention, clv", "events": "conversion"}
    return 1 + 4 * len(have) // 3, f"from {', '.join(have) or 'no'} data: " + "; ".join(
        names[t] for t in have
    )


def _freshness(ws: Workspace) -> tuple[int, str] | None:
    b = ws.table("batches")
    last = b.ingested_at.max().to_pandas()
    if last is None or pd.isna(last):
        return None
    days = (now_utc() - pd.Timestamp(last)).days
    return 6 - _banded(days, (8, 31, 91, 366)), f"last data loaded {days} days ago"


def _owners(ws: Workspace) -> tuple[int, str] | None:
    t = ws.table("touchpoints").to_pandas()
    if t.empty:
        return None
    share = float(t.owner.notna().mean())
    return _banded(share, (0.25, 0.5, 0.75, 0.95)), f"{share:.0%} of touchpoints have an owner"


def _consent(ws: Workspace) -> tuple[int, str] | None:
    c = ws.table("customers")
    n = ws.count("customers")
    if not n:
        return None
    known = ws.count(c.filter(c.consent_marketing.notnull()))
    share = known / n
    return _banded(share, (0.25, 0.5, 0.75, 0.95)), f"consent recorded for {share:.0%} of customers"


QUESTIONS = (
    Question("S1", "strategy", "A written CX vision and strategy exists and is shared."),
    Question("S2", "strategy", "CX goals are tied to business targets (revenue, retention)."),
    Question("S3", "strategy", "Executives sponsor CX and review its results regularly."),
    Question("U1", "customer understanding", "We know our segments and personas.", _personas),
    Question("U2", "customer understanding", "Journeys are mapped from data.", _journey_coverage),
    Question(
        "U3",
        "customer understanding",
        "We listen to reviews, social media and comments.",
        _listening,
    ),
    Question("D1", "design", "Pain points are known and ranked.", _pain_points),
    Question("D2", "design", "Journeys are designed and tested with customers."),
    Question("D3", "design", "Unnecessary steps are removed regularly."),
    Question("M1", "measurement", "NPS, CSAT and CES are measured.", _satisfaction_metrics),
    Question(
        "M2",
        "measurement",
        "Operational metrics (response, resolution, churn) are measured.",
        _operational_metrics,
    ),
    Question("M3", "measurement", "The data behind the metrics is fresh.", _freshness),
    Question("G1", "governance", "Every touchpoint has an owner.", _owners),
    Question("G2", "governance", "Customer consent is recorded.", _consent),
    Question("G3", "governance", "A CX board prioritises and tracks actions."),
    Question("C1", "culture", "Employees see customer feedback in their daily work."),
    Question("C2", "culture", "Frontline staff are coached on CX results."),
    Question("C3", "culture", "Customer-centric behaviour is recognised and rewarded."),
)


def answer(ws: Workspace, question_id: str, score: int, note: str = "") -> None:
    """Store a person's answer (it overrides the evidence)."""
    if question_id not in {q.question_id for q in QUESTIONS}:
        raise ConfigError(f"no maturity question {question_id!r}")
    if not 1 <= int(score) <= 5:
        raise ConfigError("score: expected 1 (not at all) to 5 (fully)")
    row = {
        "question_id": question_id,
        "score": int(score),
        "source": "user",
        "note": note,
        "answered_at": now_utc(),
    }
    ws.upsert("maturity_answers", [row])


def assessment(ws: Workspace) -> pd.DataFrame:
    """Every question with its score, where it came from (evidence, user, open) and why."""
    stored = ws.table("maturity_answers").to_pandas().set_index("question_id")
    rows = []
    for q in QUESTIONS:
        score, source, note = None, "open", ""
        found = q.evidence(ws) if q.evidence else None
        if found is not None:
            (score, note), source = found, "evidence"
        if q.question_id in stored.index:
            mine = stored.loc[q.question_id]
            score, source, note = int(mine.score), "user", str(mine.note or "")
        rows.append(
            {
                "question_id": q.question_id,
                "discipline": q.discipline,
                "question": q.text,
                "score": score,
                "source": source,
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def maturity_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Per discipline: mean score of answered questions, answered count, gap to target.

    Sorted by gap, largest first; disciplines with no answer are listed last as open.
    """
    scored = answers.dropna(subset=["score"])
    per = scored.groupby("discipline").score.agg(["mean", "count"])
    out = pd.DataFrame({"discipline": list(DISCIPLINES)}).merge(
        per, left_on="discipline", right_index=True, how="left"
    )
    out = out.rename(columns={"mean": "score", "count": "answered"})
    out["answered"] = out.answered.fillna(0).astype(int)
    out["questions"] = out.discipline.map(answers.groupby("discipline").size())
    out["gap"] = (TARGET - out.score).clip(lower=0)
    return out.sort_values(["gap", "discipline"], ascending=[False, True], na_position="last")


def maturity_figure(scores: pd.DataFrame) -> go.Figure:
    """Draw a radar of the discipline scores (open disciplines at 0, marked as such)."""
    ordered = scores.set_index("discipline").reindex(list(DISCIPLINES))
    labels = [
        d if pd.notna(s) else f"{d} (open)"
        for d, s in zip(ordered.index, ordered.score, strict=True)
    ]
    fig = go.Figure()
    fig.add_scatterpolar(
        r=[TARGET] * len(labels) + [TARGET], theta=[*labels, labels[0]], name="target",
        line={"dash": "dot", "color": "#999"},
    )  # fmt: skip
    values = ordered.score.fillna(0).tolist()
    fig.add_scatterpolar(
        r=[*values, values[0]], theta=[*labels, labels[0]], fill="toself", name="today"
    )
    fig.update_layout(polar={"radialaxis": {"range": [0, 5]}}, title="CX maturity (1-5)")
    return fig


#: Words that tie a theme to an experience dimension.
DIMENSIONS = {
    "affective": ("love", "hate", "happy", "angry", "frustrat", "disappoint", "annoy", "pleas",
                  "stress", "upset", "delight", "worr"),
    "cognitive": ("easy", "confus", "clear", "understand", "simple", "complicat", "inform",
                  "find", "search", "compar", "checkout", "quick easy"),
    "physical": ("store", "queue", "wait", "parcel", "package", "deliver", "damag", "courier",
                 "pickup", "arriv", "shop"),
    "relational": ("staff", "agent", "support", "help", "friendly", "rude", "service",
                   "people", "chat", "call"),
    "sensorial": ("look", "design", "beautiful", "smell", "noise", "colour", "color",
                  "quality", "sound", "pretty"),
    "symbolic": ("brand", "trust", "value", "price", "cheap", "premium", "proud",
                 "reputation", "ethic", "expensive"),
}  # fmt: skip


def experience_dimensions(ws: Workspace) -> pd.DataFrame:
    """Score the six experience dimensions 1-5 from the sentiment of themes that speak to them.

    A theme speaks to a dimension when its label or keywords hold one of the dimension's
    words. Score = 3 + 2 x the text-weighted mean sentiment of those themes. A dimension no
    theme speaks to is marked ``evidence = False`` and left unscored.
    """
    rows = []
    themes = theme_summary(ws).to_pandas() if ws.has_rows("themes") else pd.DataFrame()
    for dim, words in DIMENSIONS.items():
        hits = pd.DataFrame()
        if not themes.empty:
            text = (themes.label + " " + themes.keywords.fillna("")).str.lower()
            hits = themes[text.apply(lambda s, w=words: any(x in s for x in w))]
        texts = int(hits.texts.sum()) if len(hits) else 0
        if texts:
            sentiment = float((hits.sentiment * hits.texts).sum() / texts)
            score = round(min(5.0, max(1.0, 3 + 2 * sentiment)), 1)
        else:
            sentiment, score = float("nan"), float("nan")
        rows.append(
            {
                "dimension": dim,
                "score": score,
                "evidence": bool(texts),
                "texts": texts,
                "sentiment": sentiment,
                "themes": ", ".join(hits.label) if len(hits) else "",
            }
        )
    return pd.DataFrame(rows)
