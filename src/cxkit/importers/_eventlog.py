"""Event-log importer: a process log, as XES (IEEE 1849) or CSV, -> events.

A process log is cases made of timed activities: a support ticket's steps, an order's
fulfilment, a patient's visits. Each event becomes one ``events`` row:

* ``customer_id``: the case id (XES: the trace's ``concept:name``; CSV: its case column).
* ``touchpoint``: the activity (XES: the event's ``concept:name``).
* ``ts``: the event's time (XES: ``time:timestamp``; offsets are converted to UTC).
* ``event_id``: ``<case>#<n>``, the event's number ``n`` within its case in file order (from
  1; a case split over two traces, or over CSV rows far apart, keeps counting).
* Every other attribute is a custom field: event attributes by their key
  (``org:resource`` -> ``org_resource``, ``lifecycle:transition``, ``cost:total``...), trace
  attributes prefixed ``case:`` as pm4py names them (``case:creator`` -> ``case_creator``).
  In XES an attribute's element gives its type (``<int>``, ``<float>``, ``<date>``,
  ``<boolean>``); lists and containers are kept as JSON text; nested attributes as
  ``key.child``. In a CSV the types are inferred from the values.

``_row`` is the event's number in the file (XES: the n-th ``<event>``; CSV: the data row),
so events of one case at the same time keep the order the file gives them.

XES is read with ``xml.etree.ElementTree.iterparse``: the XML tree holds one trace at a time.
A CSV names its columns in one of the common ways (case: ``case:concept:name``, ``case``,
``case_id``, ``CaseID``...; activity: ``concept:name``, ``activity``, ``event``...;
time: ``time:timestamp``, ``timestamp``, ``complete timestamp``, ``start_time``...).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from cxkit.errors import UnreadableFile
from cxkit.importers._base import Importer, Part, register
from cxkit.importers._files import BinaryFile, csv_records, open_bytes, read_text
from cxkit.importers._rows import Numbered, Record, kept_fields, rows_table
from cxkit.ingest import Mapping

__all__: list[str] = []

#: XES attribute elements and the custom-field type each gives.
_XES_TYPES = {
    "string": "string",
    "id": "string",
    "date": "timestamp",
    "int": "int64",
    "float": "float64",
    "boolean": "boolean",
    "list": "string",
    "container": "string",
}
#: CSV header names, normalised (lower case, letters and digits only), in order of preference.
_CASE = ("caseconceptname", "case", "caseid", "casenumber", "traceid", "tracename")
_ACTIVITY = ("conceptname", "activity", "activityname", "event", "eventname", "task", "action")
#: The completion time first: XES's ``time:timestamp`` is the time an event completed.
_TIME = (
    *("timetimestamp", "timestamp", "completetimestamp", "complete", "endtimestamp", "endtime"),
    *("end", "time", "datetime", "date", "starttimestamp", "starttime", "start"),
)
_DELIMITERS = ",;\t|"
#: The events columns a file's own column of the same name fills (no rule maps them).
_BY_NAME = ("channel", "session_id", "properties")


def _tag(element: ET.Element) -> str:
    """Return an element's tag without its namespace (XES files often declare one)."""
    return element.tag.rpartition("}")[2]


def _attributes(element: ET.Element, prefix: str, out: Record, types: dict[str, set[str]]) -> None:
    """Add an event's or trace's attribute children to ``out`` (key -> text)."""
    for child in element:
        kind = _tag(child)
        if kind not in _XES_TYPES or child.get("key") is None:
            continue
        name = f"{prefix}{child.get('key')}"
        if kind in ("list", "container"):
            out[name] = json.dumps(_nested(child), ensure_ascii=False)
        else:
            out[name] = child.get("value")
            _attributes(child, f"{name}.", out, types)  # meta-attributes of this one
        types.setdefault(name, set()).add(_XES_TYPES[kind])


def _nested(element: ET.Element) -> Any:
    """Return a list's or container's values as JSON-ready data.

    XES 2.0 wraps a list's values in ``<values>``; XES 1.0 lists hold them directly.
    """
    children = [c for c in element if _tag(c) in _XES_TYPES]
    for holder in (c for c in element if _tag(c) == "values"):
        children += [c for c in holder if _tag(c) in _XES_TYPES]
    values = [_nested(c) if _tag(c) in ("list", "container") else c.get("value") for c in children]
    if _tag(element) == "list":
        return values  # a list's keys repeat ("tag", "tag"): its values are what counts
    return {str(c.get("key")): v for c, v in zip(children, values, strict=True)}


def _xes_events(path: Path, fh: BinaryFile, types: dict[str, set[str]]) -> Iterator[Record]:
    """Yield the events of a XES log, each with its trace's attributes, in file order."""
    stack: list[str] = []
    trace: list[Record] = []
    root: ET.Element | None = None
    try:
        for kind, element in ET.iterparse(fh, events=("start", "end")):
            tag = _tag(element)
            if kind == "start":
                if root is None:
                    root = element
                    if tag != "log":
                        raise UnreadableFile(
                            f"{path}: not a XES log (its root element is <{tag}>, not <log>)",
                            file=str(path),
                        )
                stack.append(tag)
                continue
            stack.pop()
            if tag == "event" and stack[-1:] in (["trace"], ["log"]):
                record: Record = {}
                _attributes(element, "", record, types)
                if stack[-1] == "trace":
                    trace.append(record)
                else:
                    yield record  # an event outside any trace: no case, so quarantined
                element.clear()
            elif tag == "trace" and stack == ["log"]:
                case: Record = {}
                _attributes(element, "case:", case, types)
                for record in trace:
                    yield {**case, **record}
                trace = []
                assert root is not None
                root.clear()  # drop the finished trace: memory stays one trace
    except ET.ParseError as exc:
        line, column = exc.position
        raise UnreadableFile(
            f"{path}: not well-formed XML at line {line}, column {column} ({exc.msg})",
            file=str(path),
        ) from None


#: What a reader returns: the records, each numbered in the file, the custom-field types
#: it knows (the others are inferred), and its case, activity and time columns.
Log = tuple[Numbered, dict[str, str], tuple[str, str, str]]


def _read_xes(path: Path, fh: BinaryFile) -> Log:
    types: dict[str, set[str]] = {}
    records = list(enumerate(_xes_events(path, fh, types), 1))
    # A key typed differently in two events (int here, string there) is kept as text.
    kinds = {k: v.pop() if len(v) == 1 else "string" for k, v in types.items()}
    return records, kinds, ("case:concept:name", "concept:name", "time:timestamp")


def _find(header: Sequence[str], names: Sequence[str]) -> str | None:
    """Return the header column whose normalised name comes first in ``names``."""
    normal = {re.sub(r"[^0-9a-z]", "", h.lower()): h for h in reversed(header)}
    return next((normal[n] for n in names if n in normal), None)


def _read_csv(path: Path, text: str) -> Log:
    first = text.split("\n", 1)[0]
    header, rows = csv_records(text, path, delimiter=max(_DELIMITERS, key=first.count))
    found = {n: _find(header, names) for n, names in (("case", _CASE), ("activity", _ACTIVITY))}
    found["time"] = _find(header, _TIME)
    missing = [n for n, c in found.items() if c is None]
    if missing:
        raise UnreadableFile(
            f"{path}: not an event log: no {' or '.join(missing)} column among "
            f"{', '.join(header[:20])} (expected e.g. case:concept:name or case_id, "
            "concept:name or activity, time:timestamp or timestamp)",
            file=str(path),
        )
    records: Numbered = [(n, dict(row)) for n, row in rows]
    case, activity, time = (str(found[n]) for n in ("case", "activity", "time"))
    return records, {}, (case, activity, time)


def _read_file(path: Path) -> Part:
    with open_bytes(path) as fh:
        xml = fh.peek(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"
        if xml:
            records, types, (case, activity, time) = _read_xes(path, fh)
    if not xml:
        records, types, (case, activity, time) = _read_csv(path, read_text(path))
    seen: Counter[str] = Counter()
    for _, record in records:
        key = (record.get(case) or "").strip()
        seen[key] += 1
        record["event_id"] = f"{key}#{seen[key]}" if key else None
    rows = rows_table(records, ("event_id", case, activity, time), first=True)
    # A column named as a canonical column without a rule (channel, session_id) fills it.
    by_name = [n for n in rows.column_names if n.strip().lower() in _BY_NAME]
    used = {"event_id", case, activity, time, *by_name}
    mapping = Mapping(
        columns={"customer_id": case, "touchpoint": activity, "ts": time},
        fields=kept_fields(rows, used, types),
        name="eventlog-events",
        text=f"cxkit importer: process event log ({'XES' if xml else 'CSV'}), v1",
    )
    return Part("events", rows, str(path), mapping)


def _read(paths: Sequence[Path]) -> list[Part]:
    return [_read_file(path) for path in paths]


register(
    Importer(
        "eventlog",
        "Process event log (XES, or CSV with case/activity/timestamp columns) -> events",
        _read,
        "IEEE 1849-2016 XES standard, https://www.xes-standard.org/",
    )
)
