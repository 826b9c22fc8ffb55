"""Check a sample's values: vocabulary values mapped, values not of their type, repeated keys.

Each check fills in the `ColumnGuess` of its column (a value map, notes on what will be
quarantined at load) or returns notes on the whole file.
"""

from __future__ import annotations

import ibis.expr.types as ir

from cxkit.ingest._suggest._matching import ColumnGuess, _closeness
from cxkit.ingest._suggest._names import _ALIASES, _norm
from cxkit.ingest._validate import _blank_to_null, _typed
from cxkit.schema import Column, TableSpec
from cxkit.store import Workspace


def _values(sample: ir.Table, source: str) -> ir.Table:
    """Return the distinct non-blank stripped values of ``source`` in the sample as ``v``."""
    v = _blank_to_null(sample[source].cast("string")).strip()
    return sample.select(v=v).filter(lambda t: t.v.notnull()).distinct()


def _examples(values: ir.Table, most: int | None) -> str:
    shown = [r["v"] for r in values.order_by("v").limit(most or 3).to_pyarrow().to_pylist()]
    return ", ".join(repr(v[:40]) for v in shown)


def _vocabulary(g: ColumnGuess, sample: ir.Table, allowed: tuple[str, ...]) -> None:
    """Map sampled values to ``allowed`` through `VALUE_ALIASES` and close spellings."""
    values = _values(sample, str(g.source)).order_by("v").limit(200).to_pyarrow()
    known = {_norm(a): a for a in allowed}
    as_is, mapped = [], {}
    for v in values.column("v").to_pylist():
        if v.lower() in allowed:
            as_is.append(v)
        elif (hit := known.get(_norm(v)) or _ALIASES.get(_norm(v))) and hit in allowed:
            mapped[v] = hit
        elif (close := _closeness(_norm(v), set(known)))[0] >= 0.85:
            mapped[v] = known[close[1]]
        else:
            g.unmapped.append(v)
    if mapped:
        g.rule = {"column": g.source, "map": mapped}
        g.notes.append("sampled values mapped to the vocabulary: " + ", ".join(
            f"{k!r} -> {v}" for k, v in mapped.items()))  # fmt: skip
    if as_is:
        g.notes.append("values already allowed (case aside): " + ", ".join(map(repr, as_is)))
    if g.unmapped:
        g.notes.append(
            f"NOT MAPPED (not one of {', '.join(allowed)}; their rows will be quarantined): "
            + ", ".join(map(repr, g.unmapped))
            + "; add them to the map, or to the vocabulary in cx.toml"
        )


def _conversions(g: ColumnGuess, sample: ir.Table, c: Column) -> None:
    """Say how many sampled values are not of the column's type."""
    values = _values(sample, str(g.source))
    bad = values.filter(_typed(c, values.v, None).isnull())
    n, wrong = values.count().to_pyarrow().as_py(), bad.count().to_pyarrow().as_py()
    if wrong:
        g.notes.append(
            f"{wrong:,} of {n:,} distinct sampled values are not {c.dtype} "
            f"(e.g. {_examples(bad, None)}): their rows will be quarantined"
        )


def _key_repeats(
    ws: Workspace, spec: TableSpec, guesses: list[ColumnGuess], sample: ir.Table
) -> list[str]:
    """Warn when the key the rules make repeats among the sampled rows."""
    rules = {g.target: g for g in guesses}
    sources = [rules[k].source for k in spec.key]
    if not all(isinstance(rules[k].rule, str) for k in spec.key):
        return []
    keys = sample.select(*[sample[s] for s in sources if s]).distinct()
    n, distinct = ws.count(sample), ws.count(keys)
    if distinct == n:
        return []
    hint = "; a file of one row per line item loads into order_items" * (spec.name == "orders")
    return [
        f"the key ({', '.join(spec.key)}) repeats: {n - distinct:,} of {n:,} sampled rows share "
        "one with another row; only the last row of a key is stored, the others are "
        "quarantined as duplicates" + hint
    ]
