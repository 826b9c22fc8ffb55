"""Themes in a workspace: discover and store them, rename and merge them, summarise them in Ibis."""

from __future__ import annotations

import json
from collections import Counter

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cxkit.errors import ConfigError
from cxkit.metrics import PERIODS
from cxkit.store import Workspace
from cxkit.voice._texts import TEXT_TABLES, texts
from cxkit.voice._themes import ThemeModel

__all__ = ["discover_themes", "merge_themes", "rename_theme", "theme_summary", "theme_trend"]

_NO_THEME = "T00"


def discover_themes(ws: Workspace, n_themes: int = 16, seed: int = 0) -> ThemeModel:
    """Discover themes across all texts, assign each text one, and store both.

    Texts with no theme word get ``T00`` ("no theme"). The user's renames and merges
    (``theme_edits``) are applied again, so they survive re-discovery: the same texts and
    seed give the same themes.
    """
    rows = texts(ws).select("text_table", "text_id", "text").order_by(["text_table", "text_id"])
    data = rows.to_pyarrow()
    corpus = data.column("text").to_pylist()
    model = ThemeModel(n_themes=n_themes, seed=seed).fit(corpus)
    assigned = model.predict(corpus)
    ids = [t.theme_id for t in model.themes_]
    theme_of = pa.array([ids[i] if i >= 0 else _NO_THEME for i in assigned.tolist()])
    sizes = Counter(theme_of.to_pylist())
    catalogue = [
        (t.theme_id, t.label, ", ".join(t.keywords), sizes.get(t.theme_id, 0), t.verbatims)
        for t in model.themes_
    ]
    if _NO_THEME in sizes:
        catalogue.append((_NO_THEME, "no theme", "", sizes[_NO_THEME], []))
    ws.replace(
        "themes",
        pa.table(
            {
                "theme_id": [c[0] for c in catalogue],
                "label": [c[1] for c in catalogue],
                "keywords": [c[2] for c in catalogue],
                "texts": [c[3] for c in catalogue],
                "verbatims": [json.dumps(c[4]) for c in catalogue],
            }
        ),
    )
    ws.replace(
        "text_themes",
        pa.table(
            {
                "text_table": data.column("text_table"),
                "text_id": data.column("text_id"),
                "theme_id": theme_of,
            }
        ),
    )
    _apply_edits(ws)
    return model


def _apply_edits(ws: Workspace) -> None:
    """Apply stored renames and merges to the current themes."""
    edits = ws.table("theme_edits").to_pyarrow().to_pylist()
    if not edits:
        return
    themes = {r["theme_id"]: r for r in ws.table("themes").to_pyarrow().to_pylist()}
    merged = {e["theme_id"]: e["merged_into"] for e in edits if e["merged_into"]}
    for e in edits:
        if e["label"] and e["theme_id"] in themes:
            themes[e["theme_id"]]["label"] = e["label"]

    def target(tid: str) -> str:
        seen = set()
        while tid in merged and tid not in seen:
            seen.add(tid)
            tid = merged[tid]
        return tid

    for tid in list(themes):
        into = target(tid)
        if into != tid and into in themes:
            themes[into]["texts"] += themes[tid]["texts"]
            del themes[tid]
    ws.replace("themes", pa.Table.from_pylist(list(themes.values())))
    if merged:
        tt = ws.table("text_themes")
        mapping = {k: target(k) for k in merged}
        theme = tt.theme_id.cases(*mapping.items(), else_=tt.theme_id)
        ws.replace("text_themes", tt.mutate(theme_id=theme).to_pyarrow())


def _edit(ws: Workspace, theme_id: str, **values: str | None) -> None:
    known = set(ws.table("themes").theme_id.to_pyarrow().to_pylist())
    if theme_id not in known:
        raise ConfigError(f"no theme {theme_id!r}; themes: {', '.join(sorted(known)) or 'none'}")
    current = {r["theme_id"]: r for r in ws.table("theme_edits").to_pyarrow().to_pylist()}
    row = current.get(theme_id, {"theme_id": theme_id, "label": None, "merged_into": None})
    row.update(values)
    current[theme_id] = row
    ws.replace("theme_edits", pa.Table.from_pylist(list(current.values())))
    _apply_edits(ws)


def rename_theme(ws: Workspace, theme_id: str, label: str) -> None:
    """Give a theme the user's label; kept across re-discovery."""
    _edit(ws, theme_id, label=label)


def merge_themes(ws: Workspace, theme_id: str, into: str) -> None:
    """Merge theme ``theme_id`` into theme ``into``; kept across re-discovery."""
    if theme_id == into:
        raise ConfigError("a theme cannot be merged into itself")
    _edit(ws, into)  # checks that the target exists
    _edit(ws, theme_id, merged_into=into)


def _themed_texts(ws: Workspace) -> ir.Table:
    """Every text with its theme and sentiment score."""
    t = texts(ws)
    scores = [
        ws.table(target).select(
            text_table=ibis.literal(name), text_id=ws.table(target)[id_col], score="score"
        )
        for name, (id_col, _, target) in TEXT_TABLES.items()
    ]
    s = scores[0].union(scores[1])
    tt = ws.table("text_themes")
    joined = t.join(tt, ["text_table", "text_id"]).left_join(s, ["text_table", "text_id"])
    return joined.select(*t.columns, "theme_id", "score")


def theme_summary(ws: Workspace) -> ir.Table:
    """Per theme: label, texts, share, mean sentiment, share negative, main touchpoint.

    ``touchpoint_share`` is the share of the theme's texts at its main touchpoint.
    """
    x = _themed_texts(ws)
    per = x.group_by("theme_id").aggregate(
        texts=x.count(),
        sentiment=x.score.mean(),
        negative_share=(x.score <= -0.1).mean(),
    )
    placed = x.filter(x.touchpoint.notnull())
    tp = placed.group_by(["theme_id", "touchpoint"]).aggregate(n=placed.count())
    tp = tp.mutate(
        rank=ibis.row_number().over(group_by=tp.theme_id, order_by=[tp.n.desc(), tp.touchpoint]),
        share=tp.n / tp.n.sum().over(group_by=tp.theme_id),
    )
    top = tp.filter(tp["rank"] == 0).select(
        "theme_id", touchpoint="touchpoint", touchpoint_share="share"
    )
    th = ws.table("themes").select("theme_id", "label", "keywords")
    out = per.join(th, "theme_id").left_join(top, "theme_id")
    return out.select(
        "theme_id",
        "label",
        "texts",
        share=out.texts / out.texts.sum().over(),
        sentiment=out.sentiment,
        negative_share=out.negative_share,
        touchpoint=out.touchpoint,
        touchpoint_share=out.touchpoint_share,
        keywords=out.keywords,
    ).order_by([ibis.desc("texts"), "theme_id"])


def theme_trend(ws: Workspace, period: str = "month") -> ir.Table:
    """Texts and mean sentiment per theme and period."""
    if period not in PERIODS:
        raise ConfigError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")
    x = _themed_texts(ws)
    x = x.mutate(period=x.ts.truncate(PERIODS[period]))
    return (
        x.group_by(["theme_id", "period"])
        .aggregate(texts=x.count(), sentiment=x.score.mean())
        .order_by(["theme_id", "period"])
    )
