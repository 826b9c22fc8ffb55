"""Match a file's headers to a table's columns: one `ColumnGuess` per column, and a score.

A header matches a column by the same name, a usual name for it (`SYNONYMS`), a usual name
after the table's own entity prefix, or a close spelling. The table whose matches add up
best, less a penalty per required column not found, is the one suggested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from cxkit.ingest._suggest._names import _SYNONYMS, ENTITY_PREFIXES, KIND_WORDS, _norm
from cxkit.schema import TableSpec

#: Keys that may come from the row number when no column holds them: each row is its own
#: record (an order, an event...). A customer id or an order's id in a line is never made up.
DERIVABLE = {("orders", "order_id"), ("events", "event_id"), ("tickets", "ticket_id"),
             ("responses", "response_id"), ("feedback", "feedback_id"),
             ("order_items", "line")}  # fmt: skip
#: A table's score: the sum of its columns' match qualities, less this per required column
#: not found (a table the file cannot load into should lose to one it can).
MISSING_PENALTY = 1.5
FUZZY_CUTOFF = 0.82
#: The quality of a match by a usual name (`SYNONYMS`).
_SYNONYM = 0.8


def _match(table: str, target: str, header: str) -> tuple[float, str] | None:
    """Return how well ``header`` names column ``target`` of ``table`` (0..1) and why."""
    h, t, synonyms = _norm(header), _norm(target), _SYNONYMS.get(target, set())
    if header == target:
        return 1.0, "the same name"
    if header.strip().lower() == target:
        return 0.95, "the same name, case aside"
    if h == t:
        return 0.9, "the same name, spaces and punctuation aside"
    if h in synonyms:
        return _SYNONYM, "a usual name for it"
    for prefix in ENTITY_PREFIXES.get(table, ()):
        # "customer_id" is not an order's "id": a prefix before a bare id names another key.
        rest = h.removeprefix(prefix)
        if rest not in (h, "id") and (rest == t or rest in synonyms):
            return 0.75, f"a usual name for it after the prefix {prefix!r}"
    ratio, like = _closeness(h, {t} | synonyms)
    if len(h) >= 4 and ratio >= FUZZY_CUTOFF:
        return 0.7 * ratio, f"close in spelling to {like!r} ({ratio:.0%})"
    return None


def _closeness(h: str, names: set[str]) -> tuple[float, str]:
    """Return the best `SequenceMatcher` ratio of ``h`` to ``names``, and that name."""
    best, like = 0.0, ""
    for n in sorted(names):
        m = SequenceMatcher(None, h, n)
        if m.real_quick_ratio() > best and m.quick_ratio() > best and m.ratio() > best:
            best, like = m.ratio(), n
    return best, like


@dataclass
class ColumnGuess:
    """The rule suggested for one canonical column, and why."""

    target: str
    #: The mapping rule (a column name or a rule table); None when nothing was found.
    rule: str | dict[str, Any] | None = None
    source: str | None = None
    required: bool = False
    #: One line per reason: why this column, the time format, values, problems.
    notes: list[str] = field(default_factory=list)
    quality: float = 0.0
    #: The strptime format chosen (None: ISO 8601 or not a time column).
    format: str | None = None
    #: Sampled values of a vocabulary column that no alias maps.
    unmapped: list[str] = field(default_factory=list)
    #: For a required column not found: the headers closest to it.
    closest: list[str] = field(default_factory=list)


def _guess_columns(spec: TableSpec, header: list[str], stem: str) -> list[ColumnGuess]:
    """Match headers to the columns of ``spec``: strongest first, each header used once."""
    targets = list(spec.source_columns)
    pairs = sorted(
        (
            (m[0], i, j, m[1])
            for i, c in enumerate(targets)
            for j, h in enumerate(header)
            if (m := _cached_match(spec.name, c.name, h))
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    guesses = {c.name: ColumnGuess(c.name, required=c.is_required) for c in targets}
    taken: set[int] = set()
    for reuse in (False, True):
        # Second round: a required column may share a header another column took under a
        # usual name for it (customer_id from the e-mail address when nothing else
        # identifies the customer).
        for quality, i, j, how in pairs:
            g = guesses[targets[i].name]
            shared = reuse and g.required and quality == _SYNONYM
            if g.rule is not None or (j in taken and not shared):
                continue
            g.rule, g.source, g.quality = header[j], header[j], quality
            g.notes.append(f"{header[j]!r}: {how}")
            taken.add(j)
    for c in targets:
        g = guesses[c.name]
        if g.rule is None and (spec.name, c.name) in DERIVABLE:
            g.rule = {"template": "{_row}" if c.name == "line" else f"{stem}-{{_row}}"}
            g.notes.append(
                "no header holds it: each row gets its own, from "
                + ("its row number" if c.name == "line" else "the file name and its row number")
            )
    _kind_from_score(list(guesses.values()))
    return list(guesses.values())


_MATCHES: dict[tuple[str, str, str], tuple[float, str] | None] = {}


def _cached_match(table: str, target: str, header: str) -> tuple[float, str] | None:
    key = (table, target, header)
    if key not in _MATCHES:
        if len(_MATCHES) > 100_000:
            _MATCHES.clear()
        _MATCHES[key] = _match(table, target, header)
    return _MATCHES[key]


def _score(guesses: list[ColumnGuess]) -> float:
    missing = sum(1 for g in guesses if g.required and g.rule is None)
    return round(sum(g.quality for g in guesses) - MISSING_PENALTY * missing, 4)


def _kind_from_score(guesses: list[ColumnGuess]) -> None:
    """Take a survey's kind from its score column's name ("NPS", "Satisfaction") if no column."""
    by = {g.target: g for g in guesses}
    kind, score = by.get("kind"), by.get("score")
    if kind is None or score is None or kind.rule is not None or score.source is None:
        return
    said = re.findall(r"[a-z]+", score.source.lower())
    for value, starts in KIND_WORDS.items():
        if any(word.startswith(start) for word in said for start in starts):
            kind.rule = {"value": value}
            kind.notes = [f"the score column is named {score.source!r}"]
            return


def _missing(
    spec: TableSpec, g: ColumnGuess, header: list[str], vocabularies: dict[str, tuple[str, ...]]
) -> None:
    """Name the headers closest to a column no header matches (of those no rule takes)."""
    names = {_norm(g.target)} | _SYNONYMS.get(g.target, set())
    ranked = sorted(header, key=lambda h: -_closeness(_norm(h), names)[0])
    g.closest = ranked[:3]
    if g.required:
        shown = ", ".join(repr(h) for h in g.closest) or "none"
        g.notes.append(
            f"REQUIRED, and no header matches it; closest headers: {shown}. "
            f'Map one: {g.target} = "HEADER"'
        )
        vocabulary = spec.column(g.target).vocabulary
        if vocabulary:
            allowed = vocabularies[vocabulary]
            g.notes.append(
                f'or give every row one value: {g.target} = {{ value = "{allowed[0]}" }} '
                f"(one of {', '.join(allowed)})"
            )
    else:
        g.notes.append("not found (optional: stays empty)")
