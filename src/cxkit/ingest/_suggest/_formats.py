"""Tell a time column's format from its sampled values: ISO 8601 or one of `TIME_FORMATS`.

Each format is tried with the parser validation uses, on every distinct sampled value, and
kept only if the time it reads is plausible; day-first and month-first formats are told
apart by a sampled day above 12, or the column is flagged as ambiguous.
"""

from __future__ import annotations

import ibis.expr.types as ir

from cxkit.ingest._suggest._matching import ColumnGuess
from cxkit.ingest._suggest._values import _examples, _values
from cxkit.ingest._validate import _plausible, _typed
from cxkit.schema import Column
from cxkit.store import Workspace

#: strptime formats tried, in order, on times that are not ISO 8601. Formats that differ
#: only by the order of day and month are told apart by a sampled day above 12.
TIME_FORMATS = (
    "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d/%m/%Y",
    "%m/%d/%Y", "%d/%m/%y %H:%M", "%m/%d/%y %H:%M", "%d/%m/%y", "%m/%d/%y",
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
    "%d.%m.%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y", "%m-%d-%Y", "%Y%m%d", "%Y%m%d%H%M%S",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y",
    "%d-%b-%Y", "%a %b %d %H:%M:%S %z %Y", "%a, %d %b %Y %H:%M:%S %z",
)  # fmt: skip


def _time_format(ws: Workspace, g: ColumnGuess, sample: ir.Table, c: Column) -> None:
    """Pick ISO 8601 or the first format of `TIME_FORMATS` that reads every sampled time."""
    values = _values(sample, str(g.source))
    earliest, latest, _ = _plausible(ws.config.ingest)
    tries: list[str | None] = [None, *TIME_FORMATS]

    def read(fmt: str | None) -> ir.BooleanValue:
        t = _typed(c, values.v, fmt)
        return (t.notnull() & (t >= earliest) & (t <= latest)).fill_null(False)

    counts = values.aggregate(
        n=values.count(), **{f"f{i}": read(f).sum() for i, f in enumerate(tries)}
    ).to_pyarrow().to_pylist()[0]  # fmt: skip
    n = counts["n"]
    if not n:
        g.notes.append("no value in the sample to tell its time format by")
        return
    best = max(range(len(tries)), key=lambda i: (counts[f"f{i}"], -i))
    fmt, fits = tries[best], counts[f"f{best}"]
    if fits * 2 < n:
        g.notes.append(
            f"no time format reads its sampled values (e.g. {_examples(values, None)}); "
            'set one: { column = "...", format = "%d/%m/%Y" }'
        )
        return
    if fmt is not None:
        g.rule, g.format = {"column": g.source, "format": fmt}, fmt
    said = "ISO 8601 (read as is)" if fmt is None else f"format {fmt}"
    g.notes.append(f"{said}: reads {fits:,} of {n:,} distinct sampled values")
    if fits < n:
        bad = _examples(values.filter(~read(fmt)), None)
        g.notes.append(f"the others (e.g. {bad}) do not read: their rows will be quarantined")
    if fmt and "%d" in fmt and "%m" in fmt:
        swapped = fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
        other = tries.index(swapped) if swapped in tries else None
        if other is not None and counts[f"f{other}"] == fits:
            g.notes.append(
                f"AMBIGUOUS: every sampled value also reads as {swapped} (no day above 12); "
                "check which the export uses"
            )
        elif other is not None:
            day = _typed(c, values.v, fmt).day()
            g.notes.append(f"day first or month first: {_examples(values.filter(day > 12), 1)} "
                           "has a day above 12")  # fmt: skip
