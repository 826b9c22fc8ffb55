"""Score the texts of a user's file: CSV, Parquet or plain text with one text per line."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from cxkit.errors import MissingColumn, UnreadableFile
from cxkit.voice._sentiment import SentimentModel, sentiment

__all__ = ["score_file"]


#: The delimiters a text file may use; anything else (a letter of the header) is not one.
DELIMITERS = ",;\t|"
#: A delimiter no text holds, to read a one-column file as one column.
_ONE_COLUMN = "\x1f"


def _delimiter(path: Path) -> str:
    """Guess the delimiter among real delimiters, from those the header line holds.

    A header with none of them is one column: its texts' commas are no delimiters.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        sample = fh.read(64 * 1024)
    header = sample.splitlines()[0] if sample else ""
    present = "".join(d for d in DELIMITERS if d in header)
    if not present:
        return _ONE_COLUMN
    try:
        return csv.Sniffer().sniff(sample, delimiters=present).delimiter
    except csv.Error:  # no clear choice: the most frequent in the header
        return max(present, key=header.count)


def _read(path: Path, column: str) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix in (".csv", ".tsv"):
            sep = _delimiter(path)
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
        else:
            lines = path.read_text(encoding="utf-8").splitlines()
            frame = pd.DataFrame({column: lines})
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file", file=str(path)) from None
    except (UnicodeDecodeError, ValueError, OSError) as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc})", file=str(path)) from None
    if column not in frame.columns:
        raise MissingColumn(
            f"{path}: no column {column!r}; columns: {', '.join(map(str, frame.columns))}",
            file=str(path),
            column=column,
        )
    return frame


def score_file(
    path: str | Path,
    column: str = "text",
    output: str | Path | None = None,
    model: SentimentModel | None = None,
) -> Path:
    """Write the file's rows with ``score`` and ``label`` beside the text column.

    Output goes to ``output`` or ``<name>.scored.csv`` (``.parquet`` for Parquet input).
    """
    path = Path(path)
    frame = _read(path, column)
    texts = [t if isinstance(t, str) else None for t in frame[column].tolist()]
    scored = sentiment(texts, model)
    at = list(frame.columns).index(column) + 1
    frame.insert(at, "score", scored.score.round(4).to_numpy())
    frame.insert(at + 1, "label", scored.label.to_numpy())
    parquet = path.suffix.lower() == ".parquet"
    out = (
        Path(output)
        if output
        else path.with_name(path.stem + (".scored.parquet" if parquet else ".scored.csv"))
    )
    if out.suffix.lower() == ".parquet":
        frame.to_parquet(out, index=False)
    else:
        frame.to_csv(out, index=False)
    return out
