"""Stage a file as ingest stages it, and draw the sample a suggestion is made from.

A CSV the engine cannot read strictly is read leniently, and a file it sees as one column
of blank-separated parts is read as whitespace columns; both are noted for the user.
"""

from __future__ import annotations

import math
import re
import uuid
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from cxkit.errors import UnreadableFile
from cxkit.ingest._readers import FORMATS, prepare, shorten
from cxkit.store import Workspace

SAMPLE_ROWS = 1_000


def _sample(
    ws: Workspace, path: Path, options: dict[str, Any], size: int
) -> tuple[ir.Table, list[str], int, dict[str, Any], list[str]]:
    """Stage ``path``; return a sample of its rows, its header, rows read, options and notes.

    A file the engine reads as one column whose name and values split alike on blanks
    (CDNOW's ``customer_id  date ...``) is read as whitespace-separated columns.
    """
    found: dict[str, Any] = {}
    try:
        staged, rejects, encoding = _stage(ws, path, options)
    except UnreadableFile:
        if "strict" in options or _format(path, options) != "csv":
            raise
        # A CSV that breaks the standard in places (a raw line break in a field) is read
        # leniently, as ingest does with strict = false: what cannot be parsed is quarantined.
        found = {"strict": False}
        staged, rejects, encoding = _stage(ws, path, {**options, **found})
    names = [c for c in staged.columns if c != "_row"]
    if len(names) == 1 and "format" not in options and _blank_separated(staged, names[0]):
        found = {"format": "whitespace"}
        staged, rejects, encoding = _stage(ws, path, {**options, **found})
    n = ws.count(staged)
    head = size // 2
    step = max(1, math.ceil((n - head) / max(1, size - head)))
    picked = staged.filter((staged._row <= head) | ((staged._row - head) % step == 0))
    sample = ws.materialize(picked.order_by("_row").limit(size), f"_sample_{uuid.uuid4().hex[:12]}")
    notes = []
    if "strict" in found:
        notes.append("the file breaks the CSV standard in places: read leniently (strict = false)")
    if "format" in found:
        notes.append("the engine saw one column: read as columns separated by runs of blanks")
    if encoding not in ("utf-8", "utf-8-sig"):
        notes.append(f"the text is {encoding}, not UTF-8 (detected again at load)")
    if rejects:
        notes.append(f"{rejects:,} malformed lines (they go to quarantine at load)")
    return sample, [c for c in staged.columns if c != "_row"], n + rejects, found, notes


def _stage(ws: Workspace, path: Path, options: dict[str, Any]) -> tuple[ir.Table, int, str]:
    """Read the whole file into a staging table, as ingest does; return it, rejects, encoding."""
    source = prepare(path, options)
    try:
        staged, rejects = ws.stage(source.read_path, source.fmt, source.options)
        return staged, len(rejects), source.encoding
    except UnreadableFile as exc:
        # The engine names its temporary copy and may quote a whole (huge) line.
        message = shorten(str(exc).replace(str(source.read_path), str(path)))
        raise UnreadableFile(message, file=str(path)) from None
    finally:
        source.cleanup()


def _format(path: Path, options: dict[str, Any]) -> str:
    """Return the format ``path`` is read as: the option, else by suffix (inside .gz too)."""
    suffixes = [x.lower() for x in path.suffixes if x.lower() not in (".gz", ".bz2", ".xz", ".zip")]
    return str(options.get("format") or FORMATS.get(suffixes[-1] if suffixes else "", "csv"))


def _blank_separated(staged: ir.Table, name: str) -> bool:
    """Whether a lone column's name and first values split alike, in 2+ parts, on blanks."""
    parts = len(name.split())
    values = staged.order_by("_row").limit(50)[name].to_pyarrow().to_pylist()
    texts = [name, *(v for v in values if v)]
    alike = all(len(v.split()) == parts for v in texts)
    # One space between two words is also a name ("Ann Lee"); a run of blanks, a leading
    # blank or three parts and more is a layout.
    layout = parts >= 3 or any(re.search(r"^\s|\S\s{2,}\S", v) for v in texts)
    return parts >= 2 and alike and layout
