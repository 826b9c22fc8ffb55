"""Survey exports: Typeform's responses download, and Delighted's (or any tool's) score CSV.

``typeform`` reads the CSV of Results > Responses > Download: ``#`` (the response token),
one column per question titled with the question, the hidden fields, then Typeform's own
``Response Type``, ``Start Date (UTC)``, ``Stage Date (UTC)``, ``Submit Date (UTC)``
(``2024-01-05 10:00:00``), ``Network ID``, ``Tags`` and ``Ending``. The file does not say
which question is the score, so it is found by rule (`SCORE_QUESTIONS`): the first question
whose answers are all whole numbers on a kind's scale and whose title has one of the kind's
words. The comment is the first other question that reads as long text (`is_long_text`);
a ``customer_id``/``user_id`` hidden field, else an ``email`` one (lower-cased), is the
customer. ts is the submit date: a partial response, never submitted, is quarantined.

``delighted`` reads Delighted's responses CSV, and any other CSV with one row per answer:
a score column (`SCORE_COLUMNS`), a date column (`DATE_COLUMNS`), optional comment and
customer columns. The kind is the score column's (``CSAT``, ``CES``) or a ``Survey type``
column's; otherwise NPS, unless no score is 0 or above 7 (then CSAT for scores all within
1-5, CES for 1-7).

Both keep every other column (questions, hidden fields, custom properties, tags, notes)
as custom fields of ``responses``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxkit.errors import UnreadableFile
from cxkit.importers._base import Importer, Part, register
from cxkit.importers._files import Row, csv_records, read_text
from cxkit.importers._rows import rows_table
from cxkit.importers._times import unix_to_iso
from cxkit.ingest import Mapping
from cxkit.schema import SCORE_SCALES

__all__ = ["DATE_COLUMNS", "SCORE_COLUMNS", "SCORE_QUESTIONS", "ScoreQuestion", "is_long_text"]


@dataclass(frozen=True)
class ScoreQuestion:
    """How a survey's score question is recognised by its title."""

    kind: str
    #: Words (lower case) of which the question's title holds one.
    words: tuple[str, ...]


#: Score questions by kind; the answers must be whole numbers on the kind's scale
#: (`cxkit.schema.SCORE_SCALES`: NPS 0-10, CSAT 1-5, CES 1-7).
SCORE_QUESTIONS: tuple[ScoreQuestion, ...] = (
    ScoreQuestion("nps", ("recommend",)),
    ScoreQuestion("csat", ("satisf",)),
    ScoreQuestion("ces", ("easy", "effort")),
)

#: Score columns of a score CSV by normalised name (lower-case words): their kind, or None
#: when the name does not say. Tried first by whole name, then as words in a longer title.
SCORE_COLUMNS: dict[str, str | None] = {
    "score": None,
    "rating": None,
    "nps": "nps",
    "nps score": "nps",
    "net promoter score": "nps",
    "csat": "csat",
    "csat score": "csat",
    "ces": "ces",
    "ces score": "ces",
}
_SCORE_WORDS = (("recommend", "nps"), ("how likely", "nps"), ("satisf", "csat"), ("effort", "ces"))

#: Date columns of a score CSV by normalised name, in order of preference; then any column
#: whose name holds ``timestamp`` or ``date``.
DATE_COLUMNS = (
    "response timestamp",
    "created at",
    "submitted at",
    "responded at",
    "response date",
    "submit date",
    "timestamp",
    "date",
    "created",
)
_COMMENT_COLUMNS = ("comment", "comments", "feedback", "reason", "verbatim", "why", "text")
_ID_COLUMNS = ("response id", "id")
_CUSTOMER_COLUMNS = ("customer id", "customerid", "customer", "user id", "userid", "external id")
_EMAIL_COLUMNS = ("email", "e mail", "email address", "e mail address")
_SURVEY_TYPES = {"nps": "nps", "enps": "nps", "csat": "csat", "ces": "ces"}
#: ``Delighted Source`` (how the survey reached the person) -> channel; others get none.
_DELIGHTED_CHANNELS = {"email": "email", "web": "web", "sms": "phone", "kiosk": "store"}
#: The respondent's name and phone are personal data with no place in ``responses``.
_PERSONAL = ("name", "phone", "phone number")

_TYPEFORM_META = (
    "#",
    "Response Type",
    "Start Date (UTC)",
    "Stage Date (UTC)",
    "Submit Date (UTC)",
    "Network ID",
    "Tags",
    "Ending",
)
_TYPEFORM_DATE = "%Y-%m-%d %H:%M:%S"
_COMMENT_WORDS = re.compile(
    r"\b(why|reason|comment|feedback|tell us|anything else|improve|suggest)", re.IGNORECASE
)
_INTEGER = re.compile(r"[+-]?\d+")
_EPOCH = re.compile(r"\d{9,10}")
#: Mean answer length from which a question reads as long text.
_LONG = 30


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", name.lower()).strip()


def _answers(rows: Sequence[tuple[int, Row]], column: str) -> list[str]:
    return [v for _, r in rows if (v := r[column].strip())]


def _whole_numbers(values: list[str]) -> list[int] | None:
    return (
        [int(v) for v in values] if values and all(_INTEGER.fullmatch(v) for v in values) else None
    )


def is_long_text(title: str, answers: Sequence[str]) -> bool:
    r"""Whether a question reads as a free-text comment: by its title or its answers.

    Its title asks why, for a reason, comment, feedback or suggestion; or an answer spans
    lines, or the answers average 30 characters or more. Numbers are never comments.

    Examples
    --------
    >>> is_long_text("What is the main reason for your score?", ["Fast delivery"])
    True
    >>> is_long_text("Which hotel did you stay at?", ["Harbour View", "Old Town"])
    False
    >>> is_long_text("Anything to add?", ["Lovely stay, the breakfast was\nexcellent"])
    True
    """
    if not answers or _whole_numbers(list(answers)) is not None:
        return False
    if _COMMENT_WORDS.search(title):
        return True
    return any("\n" in a for a in answers) or sum(map(len, answers)) / len(answers) >= _LONG


def _score_question(columns: list[str], rows: list[tuple[int, Row]]) -> tuple[str, str] | None:
    """Return the first score question and its kind, by `SCORE_QUESTIONS`."""
    for column in columns:
        numbers = _whole_numbers(_answers(rows, column))
        if numbers is None:
            continue
        for question in SCORE_QUESTIONS:
            scale = SCORE_SCALES[question.kind]
            on_scale = scale.low <= min(numbers) and max(numbers) <= scale.high
            if on_scale and any(w in column.lower() for w in question.words):
                return column, question.kind
    return None


def _first(columns: Sequence[str], names: Sequence[str]) -> str | None:
    """Return the first of ``columns`` whose normalised name is one of ``names``, by ``names``."""
    by_name: dict[str, str] = {}
    for c in columns:
        by_name.setdefault(_norm(c), c)
    return next((by_name[n] for n in names if n in by_name), None)


def _customer(columns: list[str], rows: list[tuple[int, Row]]) -> tuple[str | None, bool]:
    """Return the customer column and whether it holds e-mail addresses (lower-cased)."""
    found = _first(columns, _CUSTOMER_COLUMNS)
    if found:
        return found, False
    found = _first(columns, _EMAIL_COLUMNS)
    if found is None:  # an e-mail question ("What is your email?") will do
        found = next(
            (
                c
                for c in columns
                if "email" in _norm(c).replace(" ", "")
                and (answers := _answers(rows, c))
                and all("@" in a for a in answers)
            ),
            None,
        )
    return found, found is not None


def _lower(rows: list[tuple[int, Row]], column: str) -> None:
    for _, row in rows:
        row[column] = row[column].strip().lower()


def _read_typeform(paths: Sequence[Path]) -> list[Part]:
    parts = []
    for path in paths:
        header, rows = csv_records(read_text(path), path, by_line=True)
        if header[0] != "#" or "Submit Date (UTC)" not in header:
            raise UnreadableFile(
                f"{path}: not a Typeform responses download: expected '#' as the first "
                f"column and a 'Submit Date (UTC)' column; the file has: {_listed(header)}",
                file=str(path),
            )
        if not rows:
            continue  # no responses yet: nothing to load
        questions = [c for c in header if c not in _TYPEFORM_META]
        found = _score_question(questions, rows)
        if found is None:
            raise UnreadableFile(
                f"{path}: no score question found: expected one whose answers are all whole "
                "numbers, 0-10 with 'recommend' in its title (NPS), 1-5 with 'satisf' (CSAT) "
                f"or 1-7 with 'easy' or 'effort' (CES); the questions are: {_listed(questions)}",
                file=str(path),
            )
        score, kind = found
        customer, is_email = _customer([c for c in questions if c != score], rows)
        if customer and is_email:
            _lower(rows, customer)
        rest = [c for c in questions if c not in (score, customer)]
        comment = next((c for c in rest if is_long_text(c, _answers(rows, c))), None)
        columns: dict[str, Any] = {
            "response_id": "_response_id",
            "kind": {"value": kind},
            "score": score,
            "ts": {"column": "Submit Date (UTC)", "format": _TYPEFORM_DATE},
        }
        columns |= {"comment": comment} if comment else {}
        columns |= {"customer_id": customer} if customer else {}
        for _, row in rows:
            token = row.pop("#").strip()  # kept only as the response id
            row["_response_id"] = f"typeform-{token}" if token else ""
        mapping = Mapping(
            columns=columns,
            fields="rest",
            name="typeform-responses",
            text=f"typeform responses CSV v1: {kind} = {score!r}, comment = {comment!r}",
        )
        kept = ["_response_id", *(c for c in header if c != "#")]
        parts.append(Part("responses", rows_table(rows, kept, only=True), str(path), mapping))
    return parts


def _score_column(columns: list[str]) -> tuple[str, str | None] | None:
    """Return the score column of a score CSV and the kind its name gives (`SCORE_COLUMNS`)."""
    found = _first(columns, list(SCORE_COLUMNS))
    if found:
        return found, SCORE_COLUMNS[_norm(found)]
    for column in columns:
        for word, kind in _SCORE_WORDS:
            if word in _norm(column):
                return column, kind
    return None


def _kind_by_scores(values: list[str]) -> str:
    """Return the kind the scores point to: NPS unless none is 0 or above 7.

    Examples
    --------
    >>> _kind_by_scores(["10", "3", "8"]), _kind_by_scores(["4", "5", "2"])
    ('nps', 'csat')
    >>> _kind_by_scores(["6", "7", "5"]), _kind_by_scores(["5", "oops"])
    ('ces', 'csat')
    """
    numbers = [int(v) for v in values if _INTEGER.fullmatch(v)]
    if not numbers or min(numbers) < 1 or max(numbers) > SCORE_SCALES["ces"].high:
        return "nps"
    return "csat" if max(numbers) <= SCORE_SCALES["csat"].high else "ces"


def _date_column(columns: list[str]) -> str | None:
    return _first(columns, DATE_COLUMNS) or next(
        (c for c in columns if "timestamp" in _norm(c) or "date" in _norm(c).split()), None
    )


def _iso(text: str) -> str:
    """Return Unix seconds (as Delighted's API gives them) as ISO text; other text as is."""
    return (unix_to_iso(int(text)) or text) if _EPOCH.fullmatch(text.strip()) else text


def _read_scores(paths: Sequence[Path]) -> list[Part]:
    parts = []
    for path in paths:
        header, rows = csv_records(read_text(path), path, by_line=True)
        found = _score_column(header)
        date = _date_column(header)
        if found is None or date is None:
            what = "score column (Score, NPS, Rating, CSAT, CES" if found is None else "date"
            expected = (
                "or a title asking how likely one is to recommend)"
                if found is None
                else f"column (one of: {', '.join(DATE_COLUMNS)})"
            )
            raise UnreadableFile(
                f"{path}: not a survey score export: no {what} {expected}; "
                f"the file has: {_listed(header)}",
                file=str(path),
            )
        if not rows:
            continue  # no responses: nothing to load
        score, kind = found
        survey_type = _first(header, ["survey type"])
        file_kind = kind or _kind_by_scores(_answers(rows, score))
        response_id = _first(header, _ID_COLUMNS)
        source = _first(header, ["delighted source"])
        customer, is_email = _customer([c for c in header if c != score], rows)
        if customer and is_email:
            _lower(rows, customer)
        for n, row in rows:
            given = row.get(survey_type, "").strip().lower() if survey_type else ""
            row["_kind"] = _SURVEY_TYPES.get(given, given) if given else file_kind
            token = row.pop(response_id).strip() if response_id else f"{path.stem}-{n}"
            row["_response_id"] = f"delighted-{token}" if response_id and token else token
            if source:
                row["_channel"] = _DELIGHTED_CHANNELS.get(row[source].strip().lower(), "")
            row[date] = _iso(row[date])
        columns: dict[str, Any] = {
            "response_id": "_response_id",
            "kind": "_kind",
            "score": score,
            "ts": date,
        }
        comment = _first([c for c in header if c != score], _COMMENT_COLUMNS) or next(
            (c for c in header if "comment" in _norm(c)), None
        )
        columns |= {"comment": comment} if comment else {}
        columns |= {"customer_id": customer} if customer else {}
        columns |= {"channel": "_channel"} if source else {}
        dropped = {response_id, *(c for c in header if _norm(c) in _PERSONAL and c != customer)}
        derived = ["_response_id", "_kind", *(["_channel"] if source else [])]
        kept = [*derived, *(c for c in header if c not in dropped)]
        mapping = Mapping(
            columns=columns,
            fields="rest",
            name="delighted-responses",
            text=f"score CSV v1: score = {score!r}, kind = {kind or survey_type or 'by scores'}",
        )
        parts.append(Part("responses", rows_table(rows, kept, only=True), str(path), mapping))
    return parts


def _listed(names: Sequence[str], most: int = 30) -> str:
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(repr(n) for n in names[:most]) + more


register(
    Importer(
        name="typeform",
        title="Typeform responses download (CSV): responses of its NPS, CSAT or CES question",
        read=_read_typeform,
        reference="Typeform Help Center, 'Download your results as a file' (CSV)",
    )
)
register(
    Importer(
        name="delighted",
        title="Delighted responses export, or any CSV of survey scores: responses",
        read=_read_scores,
        reference="Delighted Help Center, exporting responses (CSV); API: survey responses",
    )
)
