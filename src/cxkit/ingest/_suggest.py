"""Suggest a mapping for an unknown export: its table, column rules, time formats, vocabularies.

The file is staged as ingest stages it (the engine reads it; nothing goes through pandas),
then only a sample is looked at: at most 1,000 rows, half from the top and half spread
evenly over the rest, so that a date such as 1/13/2011 late in a file whose first rows
are all 12/1/2010 settles whether the day or the month comes first. Formats and values
are tried with the parsers validation uses: what reads the sample here reads it at load.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import uuid
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from cxkit.errors import MappingError, MissingColumn, UnreadableFile
from cxkit.ingest._mapping import Mapping
from cxkit.ingest._readers import FORMATS, prepare, shorten
from cxkit.ingest._validate import _blank_to_null, _plausible, _typed
from cxkit.schema import TABLES, Column, TableSpec, table_spec
from cxkit.store import Workspace

__all__ = ["ColumnGuess", "Suggestion", "suggest_mapping"]

#: Other names exports give a canonical column; compared without case, spaces or punctuation.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer", "customer number", "customer no", "cust id", "client id", "client",
                    "user id", "user", "account id", "member id", "contact id", "buyer id", "id",
                    "email", "customer email", "case concept name", "customer unique id",
                    "unique id", "uid", "uuid"),
    "ts": ("date", "timestamp", "time", "datetime", "date time", "created", "created at",
           "invoice date", "order date", "purchase date", "order purchase timestamp",
           "transaction date", "event time", "event timestamp", "time timestamp", "occurred at",
           "submitted at", "submit date", "response date", "review date", "posted at"),
    "amount": ("total", "price", "revenue", "sales", "value", "order value", "order total",
               "total amount", "grand total", "subtotal", "amount paid", "payment value",
               "dollar value", "total price", "net amount", "gross amount", "spend"),
    "order_id": ("order", "order number", "order no", "invoice", "invoice no", "invoice number",
                 "transaction id", "receipt id", "purchase id", "id"),
    "event_id": ("event", "hit id", "event uuid", "id"),
    "touchpoint": ("activity", "concept name", "page", "page name", "event name", "action", "step",
                   "screen", "event type"),
    "session_id": ("session", "visit id", "ga session id"),
    "properties": ("params", "event params", "metadata"),
    "channel": ("medium", "via", "via channel", "sales channel", "contact channel", "platform"),
    "status": ("order status", "state", "financial status", "fulfillment status"),
    "created_at": ("created", "created date", "creation date", "opened", "opened at", "date opened",
                   "signup date", "sign up date", "registered", "registration date", "join date",
                   "date", "timestamp", "submitted at"),
    "name": ("full name", "customer name", "client name", "contact name", "display name"),
    "email": ("e-mail", "email address", "mail", "customer email", "contact email"),
    "phone": ("phone number", "telephone", "mobile", "tel", "contact number"),
    "country": ("country code", "country name", "billing country", "shipping country", "market"),
    "segment": ("tier", "plan", "customer segment", "contract", "customer type"),
    "consent_marketing": ("marketing consent", "accepts marketing", "opt in", "newsletter",
                          "subscribed", "email opt in", "marketing opt in"),
    "consent_analytics": ("analytics consent", "tracking consent", "cookie consent"),
    "line": ("line number", "line no", "line item", "position", "item number", "order item id"),
    "product_id": ("product", "sku", "item id", "item", "stock code", "article", "variant id",
                   "lineitem sku"),
    "category": ("product category", "category name", "department", "product type",
                 "product category name"),
    "quantity": ("qty", "units", "number of items", "lineitem quantity"),
    "price": ("unit price", "item price", "lineitem price", "sale price"),
    "ticket_id": ("ticket", "ticket number", "case id", "case number", "incident id", "id"),
    "agent_id": ("agent", "assignee", "assignee id", "handled by", "org resource", "resource"),
    "topic": ("subject", "ticket type", "issue type", "reason", "tags"),
    "first_response_at": ("first response", "first response time", "first reply", "first reply at",
                          "first reply time", "responded at"),
    "resolved_at": ("resolved", "resolution time", "resolution date", "time to resolution",
                    "solved at", "closed at", "closed", "date closed"),
    "contacts": ("replies", "number of contacts", "touches", "interactions"),
    "csat": ("satisfaction", "satisfaction rating", "satisfaction score", "customer satisfaction",
             "customer satisfaction rating", "csat score", "rating"),
    "response_id": ("response", "answer id", "submission id", "token", "response token", "id"),
    "survey_id": ("survey", "form id", "survey name"),
    "kind": ("score type", "survey type", "metric", "question type"),
    "score": ("nps", "nps score", "rating", "likelihood to recommend", "answer", "ces"),
    "comment": ("comments", "feedback", "verbatim", "reason", "why", "remarks"),
    "feedback_id": ("review id", "post id", "tweet id", "mention id", "id"),
    "source": ("platform", "site", "network", "origin"),
    "text": ("review", "body", "content", "message", "review text", "comment", "tweet"),
    "rating": ("stars", "star rating", "score", "review rating"),
    "author": ("user", "username", "user name", "reviewer", "screen name", "author id", "handle"),
    "likes": ("like count", "favorites", "favorite count", "upvotes", "reactions"),
    "shares": ("retweets", "retweet count", "share count", "reposts"),
    "comments": ("replies", "reply count", "comment count"),
    "stage": ("journey stage", "funnel stage", "phase", "lifecycle stage"),
    "owner": ("team", "department", "responsible"),
}  # fmt: skip

#: Words an export puts before a column's name, per table ("Ticket Channel", "case:channel"):
#: only the table's own entity ("Order Date" is not when a customer was created).
ENTITY_PREFIXES: dict[str, tuple[str, ...]] = {
    "customers": ("customer", "client", "user", "contact", "account"),
    "touchpoints": ("touchpoint",),
    "events": ("event", "case", "hit"),
    "orders": ("order", "invoice", "purchase", "transaction"),
    "order_items": ("item", "lineitem", "line", "product", "order"),
    "tickets": ("ticket", "case", "issue"),
    "responses": ("response", "survey", "answer"),
    "feedback": ("feedback", "review", "post", "mention"),
}

#: Sampled values -> a vocabulary's value, compared without case, spaces or punctuation.
VALUE_ALIASES: dict[str, tuple[str, ...]] = {
    "web": ("website", "online", "internet", "web site", "www", "desktop", "browser", "webshop",
            "online store", "e-commerce", "portal", "web form"),
    "app": ("mobile app", "mobile", "ios", "android", "in-app", "application"),
    "email": ("e-mail", "mail", "newsletter"),
    "phone": ("telephone", "call", "phone call", "call center", "call centre", "voice", "hotline"),
    "chat": ("live chat", "livechat", "web chat", "messenger", "chatbot"),
    "store": ("in-store", "in store", "shop", "pos", "point of sale", "retail", "branch",
              "offline", "desk", "counter"),
    "social": ("social media", "twitter", "facebook", "instagram", "linkedin", "tiktok"),
    "review": ("reviews", "trustpilot", "app store", "google reviews", "yelp"),
    "forum": ("community", "discussion"),
    "survey": ("questionnaire", "poll"),
    "completed": ("complete", "delivered", "paid", "fulfilled", "closed", "done"),
    "pending": ("processing", "open", "created", "approved", "invoiced", "shipped", "on hold"),
    "cancelled": ("canceled", "void", "voided"),
    "returned": ("refunded", "return", "refund"),
    "nps": ("net promoter", "net promoter score"),
    "csat": ("satisfaction", "customer satisfaction"),
    "ces": ("effort", "customer effort", "customer effort score"),
}  # fmt: skip

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

#: Keys that may come from the row number when no column holds them: each row is its own
#: record (an order, an event...). A customer id or an order's id in a line is never made up.
DERIVABLE = {("orders", "order_id"), ("events", "event_id"), ("tickets", "ticket_id"),
             ("responses", "response_id"), ("feedback", "feedback_id"),
             ("order_items", "line")}  # fmt: skip
#: Starts of words in a score column's name that tell the survey kind, when no column does.
KIND_WORDS = {"nps": ("nps", "recommend"), "csat": ("csat", "satisf"), "ces": ("ces", "effort")}
#: A table's score: the sum of its columns' match qualities, less this per required column
#: not found (a table the file cannot load into should lose to one it can).
MISSING_PENALTY = 1.5
FUZZY_CUTOFF = 0.82
SAMPLE_ROWS = 1_000


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.lower())


_SYNONYMS = {t: {_norm(s) for s in words} for t, words in SYNONYMS.items()}
_ALIASES = {_norm(a): value for value, aliases in VALUE_ALIASES.items() for a in aliases}
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


@dataclass
class Suggestion:
    """A mapping proposed for a file: `to_toml` writes it, `mapping` applies it."""

    file: str
    table: str
    #: Each table considered and its score, best first (only the named table, if given).
    scores: dict[str, float]
    columns: list[ColumnGuess]
    #: Source columns no rule takes: kept as custom fields.
    fields: list[str]
    source: dict[str, Any]
    rows: int
    sample_rows: int
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """The chosen table's score."""
        return self.scores[self.table]

    @property
    def missing(self) -> list[ColumnGuess]:
        """The required columns no header matches."""
        return [g for g in self.columns if g.required and g.rule is None]

    def rules(self) -> dict[str, Any]:
        """Return the ``[columns]`` rules: target column -> rule."""
        return {g.target: g.rule for g in self.columns if g.rule is not None}

    def problems(self) -> list[str]:
        """Say, per required column not found, which it is and the closest headers."""
        return [
            f"{self.file}: required column {g.target!r} of table {self.table!r}: no header "
            f"matches it; closest headers: {', '.join(repr(c) for c in g.closest) or 'none'}; "
            f'map one with {g.target} = "HEADER" under [columns]'
            for g in self.missing
        ]

    def check(self) -> None:
        """Raise `MissingColumn` naming every required column not found."""
        if self.missing:
            raise MissingColumn(
                "; ".join(self.problems()), file=self.file, column=self.missing[0].target
            )

    def mapping(self) -> Mapping:
        """Return the suggested mapping, read back from `to_toml` as `Mapping.load` reads it."""
        text = self.to_toml()
        data = tomllib.loads(text)
        return Mapping(
            columns=dict(data.get("columns", {})),
            source=dict(data.get("source", {})),
            table=data.get("table"),
            fields=data.get("fields", []),
            name=f"the mapping suggested for {self.file}",
            text=text,
        )

    def to_toml(self) -> str:
        """Write the mapping as TOML, each guess explained in a comment."""
        spread = ": the first half from the top, the rest spread over the file"
        others = ", ".join(f"{t} {s:.2f}" for t, s in list(self.scores.items())[1:4])
        lines = [
            f"# Mapping suggested by `cx ingest --suggest` for {self.file},",
            f"# from {self.sample_rows:,} of its {self.rows:,} rows"
            + (spread if self.sample_rows < self.rows else ""),
            f"# Check each guess, then load with: cx ingest {self.table} FILE --mapping THIS_FILE",
            f"# table: {self.table}, score {self.score:.2f} (its column matches added up, less "
            f"{MISSING_PENALTY:g} per required column not found)"
            + (f"; next: {others}" if others else ""),
            *(f"# note: {n}" for n in self.notes),
            f"table = {_toml(self.table)}",
        ]
        if self.fields:
            lines.append("# source columns no rule takes, kept as custom fields of the table:")
            lines.append("fields = [" + "".join(f"\n    {_toml(f)}," for f in self.fields) + "\n]")
        if self.source:
            lines += ["", "[source]"] + [f"{_key(k)} = {_toml(v)}" for k, v in self.source.items()]
        lines += ["", "[columns]"]
        for g in self.columns:
            lines += [f"# {g.target}: {n}" for n in g.notes]
            if g.rule is not None:
                lines.append(f"{_key(g.target)} = {_toml(g.rule)}")
        # A comment ends at a line break and takes no control characters (a path may hold
        # them); values are written escaped.
        return "\n".join(_CONTROL.sub(" ", ln) if ln.startswith("#") else ln for ln in lines) + "\n"


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _toml(value: Any) -> str:
    """Write a TOML value: a string, number, boolean, list or one-line inline table."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    # JSON's string escapes are TOML's, but for DEL, which TOML wants escaped too.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml(name)


def suggest_mapping(
    workspace: Workspace,
    path: str | Path,
    table: str | None = None,
    *,
    options: dict[str, Any] | None = None,
    sample_rows: int = SAMPLE_ROWS,
) -> Suggestion:
    r"""Propose a mapping for ``path`` from its header and a sample of its rows.

    Picks the table (unless ``table`` names it) whose columns the header matches best,
    one rule per column (exact, case-insensitive, usual and close names), strptime formats
    that read every sampled time, vocabulary values for sampled ones, and keeps the other
    source columns as custom fields. Nothing is written to the workspace.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "x.csv").write_text("Order No,Customer ID,Date,Total\nA1,C1,13/01/2024,9.5")
    >>> with Workspace(folder / "ws", create=True) as ws:
    ...     s = suggest_mapping(ws, folder / "x.csv")
    >>> s.table, s.rules()["customer_id"], s.rules()["ts"]
    ('orders', 'Customer ID', {'column': 'Date', 'format': '%d/%m/%Y'})
    """
    path = Path(path)
    sample, header, rows, source, notes = _sample(workspace, path, dict(options or {}), sample_rows)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.name.split(".")[0]) or "file"
    specs = [table_spec(table)] if table else list(TABLES.values())
    guesses = {s.name: _guess_columns(s, header, stem) for s in specs}
    scores = {name: _score(g) for name, g in guesses.items()}
    scores = dict(sorted(scores.items(), key=lambda kv: -kv[1]))
    best = next(iter(scores))
    if table is None and not any(g.source for g in guesses[best]):
        raise MappingError(
            f"{path}: no header matches a column of any table (the file has: "
            f"{', '.join(header[:20])}); name the table: cx ingest TABLE FILE --suggest",
            file=str(path),
        )
    spec, columns = table_spec(best), guesses[best]
    notes += _describe(workspace, spec, columns, sample, header)
    used = {g.source for g in columns if g.source}
    return Suggestion(
        file=str(path),
        table=best,
        scores=scores,
        columns=columns,
        fields=[h for h in header if h not in used],
        source=source,
        rows=rows,
        sample_rows=workspace.count(sample),
        notes=notes,
    )


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


def _describe(
    ws: Workspace,
    spec: TableSpec,
    guesses: list[ColumnGuess],
    sample: ir.Table,
    header: list[str],
) -> list[str]:
    """Fill in formats, value maps and checks from the sample; return notes on the whole."""
    vocabularies = ws.vocabulary()
    used = {g.source for g in guesses}
    free = [h for h in header if h not in used] or header
    for g in guesses:
        c = spec.column(g.target)
        if g.source is None:
            if g.rule is None:  # not a derived key or a constant either
                _missing(spec, g, free, vocabularies)
        elif c.dtype == "timestamp":
            _time_format(ws, g, sample, c)
        elif c.vocabulary:
            _vocabulary(g, sample, vocabularies[c.vocabulary])
        elif c.dtype != "string":
            _conversions(g, sample, c)
    return _key_repeats(ws, spec, guesses, sample)


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


def _values(sample: ir.Table, source: str) -> ir.Table:
    """Return the distinct non-blank stripped values of ``source`` in the sample as ``v``."""
    v = _blank_to_null(sample[source].cast("string")).strip()
    return sample.select(v=v).filter(lambda t: t.v.notnull()).distinct()


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
