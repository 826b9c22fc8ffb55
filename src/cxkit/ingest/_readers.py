"""File formats: detection, encoding, and the options each reader takes.

Files are checked here for the problems that stop a whole load (missing, empty, binary,
undecodable) so the user gets one clear message naming the file.
"""

from __future__ import annotations

import codecs
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxkit.errors import UnreadableFile

__all__ = ["FORMATS", "SourceFile", "prepare"]

log = logging.getLogger(__name__)

#: Formats by file suffix; ``whitespace`` is a column layout separated by runs of blanks.
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".json": "ndjson",
}

_SNIFF_BYTES = 1 << 20
_PARQUET_MAGIC = b"PAR1"


@dataclass
class SourceFile:
    """A file ready for the engine: its format, UTF-8 path and reader options."""

    path: Path
    fmt: str
    read_path: Path
    options: dict[str, Any] = field(default_factory=dict)
    encoding: str = "utf-8"

    def cleanup(self) -> None:
        """Remove the transcoded copy, if one was made."""
        if self.read_path != self.path:
            self.read_path.unlink(missing_ok=True)


def _detect_encoding(head: bytes) -> str:
    """Pick UTF-8 when the sample decodes as UTF-8, else Windows-1252 (Excel's Western default).

    Statistical detectors guess wrong on short exports (Latin-1 read as Central European),
    so the rule is kept predictable; other encodings are named with ``--encoding``.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sample: ignore only that.
        if exc.start >= len(head) - 3:
            return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _check_utf8(path: Path) -> None:
    """Decode the whole file as UTF-8, naming the line of the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line = lines + chunk.count(b"\n", 0, exc.start) + 1
                raise UnreadableFile(
                    f"{path}: not valid UTF-8 at line {line} (byte {offset + exc.start}); "
                    "pass the file's encoding, e.g. --encoding latin-1",
                    file=str(path),
                ) from None
            offset += len(chunk)
            lines += chunk.count(b"\n")


def _transcode(path: Path, encoding: str) -> Path:
    """Write a UTF-8 copy of ``path`` so the engine reads one encoding."""
    fd, name = tempfile.mkstemp(suffix=path.suffix or ".txt", prefix="cx-utf8-")
    out = Path(name)
    try:
        with (
            open(path, encoding=encoding, newline="") as src,
            open(fd, "w", encoding="utf-8", newline="") as dst,
        ):
            while chunk := src.read(1 << 22):
                dst.write(chunk)
    except (UnicodeDecodeError, LookupError) as exc:
        out.unlink(missing_ok=True)
        raise UnreadableFile(
            f"{path}: not valid {encoding} text ({exc}); pass the right --encoding",
            file=str(path),
        ) from None
    return out


def prepare(path: str | Path, options: dict[str, Any] | None = None) -> SourceFile:
    """Check a file and settle its format, encoding and reader options.

    Parameters
    ----------
    path
        The file to ingest.
    options
        Reader options: ``format`` (csv, parquet, ndjson, whitespace), ``encoding``,
        ``delimiter``, ``header``, ``quote``, ``names``, ``strict`` (False reads
        CSV that breaks the standard, sending the lines it cannot parse to quarantine).
    """
    opts = dict(options or {})
    p = Path(path)
    if not p.is_file():
        raise UnreadableFile(f"{p}: no such file", file=str(p))
    with open(p, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise UnreadableFile(f"{p}: the file is empty", file=str(p))
    fmt = opts.pop("format", None) or FORMATS.get(p.suffix.lower(), "csv")
    if head.startswith(_PARQUET_MAGIC) and fmt != "parquet":
        raise UnreadableFile(f"{p}: this is a Parquet file, not {fmt}", file=str(p))
    if fmt == "parquet":
        if not head.startswith(_PARQUET_MAGIC):
            raise UnreadableFile(f"{p}: not a Parquet file (no PAR1 header)", file=str(p))
        return SourceFile(p, fmt, p, opts)
    encoding = opts.pop("encoding", None)
    if encoding is None:
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise UnreadableFile(
                f"{p}: binary data (NUL bytes), not a {fmt} text file", file=str(p)
            )
        encoding = _detect_encoding(head)
    if fmt == "whitespace" and not opts.get("names"):
        first = head.decode(encoding, errors="replace").lstrip("\ufeff").splitlines()[0]
        opts["names"] = first.split()
        opts["header"] = True
    read_path = p
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8", "ascii"):
        _check_utf8(p)
    else:
        log.info("transcoding %s from %s to UTF-8", p, encoding)
        read_path = _transcode(p, encoding)
    return SourceFile(p, fmt, read_path, opts, encoding)
