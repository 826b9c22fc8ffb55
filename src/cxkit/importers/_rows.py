"""The rows of a part: records flattened to text, the ``rows`` table, and its kept fields.

An importer turns each source record into text values named after the source's fields
(nested ones as dotted names, ``via.channel``), builds the part's ``rows`` table from
them with ``_row`` numbering each record in its file, and keeps as custom fields the
columns its mapping does not use.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Numbered", "Record", "as_text", "flatten", "kept_fields", "rows_table"]

#: A record as a part's rows hold it: source field -> text (None: no value).
Record = dict[str, str | None]
#: Records, each with its number in the file (from 1): what ``_row`` holds.
Numbered = list[tuple[int, Record]]


def as_text(value: Any) -> str | None:
    """Return a JSON value as text: None stays None, booleans lower case, lists JSON.

    Examples
    --------
    >>> as_text(True), as_text(2.5), as_text(["a", 1]), as_text(None)
    ('true', '2.5', '["a", 1]', None)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def flatten(
    record: Mapping[str, Any],
    prefix: str = "",
    *,
    drop: Collection[str] = (),
    drop_keys: Collection[str] = (),
    nulls: bool = True,
) -> Record:
    """Flatten nested objects into dotted names; values become text (`as_text`).

    ``drop`` names fields left out by their dotted name (an object with all it holds);
    ``drop_keys`` leaves out a key at any depth. Nulls stay as None, or with ``nulls``
    false are left out, so an object that is null in every record leaves no column.

    Examples
    --------
    >>> flatten({"id": 7, "via": {"channel": "web", "source": {}}, "tags": ["a"], "x": None})
    {'id': '7', 'via.channel': 'web', 'tags': '["a"]', 'x': None}
    >>> flatten({"a": {"b": 1, "links": {}}, "c": None, "d": 2}, drop={"d"}, drop_keys={"links"},
    ...         nulls=False)
    {'a.b': '1'}
    """
    out: Record = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if (value is None and not nulls) or name in drop or key in drop_keys:
            continue
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}.", drop=drop, drop_keys=drop_keys, nulls=nulls))
        else:
            out[name] = as_text(value)
    return out


def rows_table(
    records: Sequence[tuple[int, Mapping[str, str | None]]],
    columns: Iterable[str] = (),
    *,
    first: bool = False,
    only: bool = False,
) -> pa.Table:
    """Return numbered records as a part's rows: text columns, then ``_row`` (the numbers).

    The table has every name a record has, in the order they first come, and each of
    ``columns`` (empty where no record has it, for a rule that reads it) after them; with
    ``first``, ``columns`` come first; with ``only``, the table has just ``columns``.
    The order shows in a quarantined row's ``raw`` text.

    Examples
    --------
    >>> records = [(1, {"id": "a"}), (3, {"x": "1", "id": "b"})]
    >>> rows_table(records, ["id", "y"]).column_names
    ['id', 'x', 'y', '_row']
    >>> rows_table(records, ["y", "id"], first=True).to_pylist()[1]
    {'y': None, 'id': 'b', 'x': '1', '_row': 3}
    >>> rows_table(records, ["x"], only=True).column_names
    ['x', '_row']
    """
    names = dict.fromkeys(columns) if first or only else {}
    if not only:
        names.update(dict.fromkeys(k for _, r in records for k in r))
    names.update(dict.fromkeys(n for n in columns if n not in names))
    data = {n: pa.array([r.get(n) for _, r in records], pa.string()) for n in names}
    data["_row"] = pa.array([n for n, _ in records], pa.int64())
    return pa.table(data)


def kept_fields(
    rows: pa.Table,
    used: Collection[str],
    types: Mapping[str, str] | None = None,
    *,
    default: str | None = None,
    filled: bool = False,
) -> dict[str, Any]:
    """Return a part's custom fields: each column of ``rows`` no rule uses.

    This is ``fields = "rest"`` spelt out, with a type for a column in ``types`` (else
    ``default``; None: inferred from the values). With ``filled``, a column no row fills
    is left for a load that does, since its type would be a guess.
    """
    types = types or {}
    out: dict[str, Any] = {}
    for name in rows.column_names:
        if name in used or name == "_row":
            continue
        if filled and not pc.max(pc.utf8_length(pc.utf8_trim_whitespace(rows[name]))).as_py():
            continue
        kind = types.get(name, default)
        out[name] = {"column": name} if kind is None else {"column": name, "type": kind}
    return out
