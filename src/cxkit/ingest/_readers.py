"""File formats: detection, encoding, and the options each reader takes.

Files are checked here for the problems that stop a whole load (missing, empty, binary,
undecodable) so the user gets one clear message naming the file. Compressed files (gzip,
bzip2, xz, a zip of one file) are unpacked to a temporary copy first; the format is then
that of the name inside (``orders.csv.gz`` is CSV).
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import logging
import lzma
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxkit.errors import UnreadableFile

__all__ = ["FORMATS", "SourceFile", "prepare", "shorten"]

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
#: Compressions by their first bytes; those without an opener are named, not read.
_COMPRESSED: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PK\x03\x04", "zip"),
    (b"(\xb5/\xfd", "zstd"),
)
_OPENERS: dict[str, Callable[..., Any]] = {"gzip": gzip.open, "bzip2": bz2.open, "xz": lzma.open}
_COMPRESSED_SUFFIXES = (".gz", ".gzip", ".bz2", ".xz", ".zip", ".zst")
#: Other binary files worth naming, by their first bytes.
_KNOWN_BINARY = (
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 (or other Office) file; save the sheet as CSV"),
    (b"%PDF", "a PDF document"),
)
#: C0 control bytes that text does not hold (tab, newlines, form feed and escape are text).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b")
#: Above this share of control bytes in the sample, a file is binary data, not text.
_BINARY_SHARE = 0.1
#: Characters of one line of an engine message kept (a malformed line is quoted whole).
_MESSAGE_LINE = 300
_QUOTED_LINE = re.compile(r"^(\s*Original Line: )(.{60}).+$", re.MULTILINE)


@dataclass
class SourceFile:
    """A file ready for the engine: its format, UTF-8 path and reader options."""

    path: Path
    fmt: str
    read_path: Path
    options: dict[str, Any] = field(default_factory=dict)
    encoding: str = "utf-8"
    #: Copies made on the way (unpacked, transcoded), removed by `cleanup`.
    temporary: list[Path] = field(default_factory=list)

    def cleanup(self) -> None:
        """Remove the unpacked and transcoded copies, if any were made."""
        for copy in self.temporary:
            copy.unlink(missing_ok=True)


def shorten(message: str) -> str:
    r"""Return an engine's error message on one line, quoting at most 60 characters of data.

    DuckDB quotes a line it cannot read whole: a 3 MB line made a 10 KB message.

    Examples
    --------
    >>> shorten("CSV Error on Line: 1\nOriginal Line: " + "y" * 3_000_000)[-30:]
    'yyyyyyyyyyyyyyyyyyyyyyyyyyyyy…'
    """
    message = _QUOTED_LINE.sub(lambda m: f"{m[1]}{m[2]}…", message)
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    return "; ".join(ln if len(ln) <= _MESSAGE_LINE else ln[:_MESSAGE_LINE] + "…" for ln in lines)


def _unpack(path: Path, head: bytes) -> tuple[Path, str] | None:
    """Unpack a compressed file to a temporary copy; return it and the name inside."""
    kind = next((k for magic, k in _COMPRESSED if head.startswith(magic)), None)
    if kind is None:
        return None
    inner = path.name
    if path.suffix.lower() in _COMPRESSED_SUFFIXES:
        inner = path.stem
    try:
        if kind == "zip":
            with zipfile.ZipFile(path) as archive:
                names = [
                    i.filename
                    for i in archive.infolist()
                    if not i.is_dir() and not i.filename.startswith("__MACOSX/")
                ]
                if any(n.startswith("xl/") for n in names):
                    raise UnreadableFile(
                        f"{path}: an Excel workbook (.xlsx), not a text file; save the sheet "
                        "as CSV",
                        file=str(path),
                    )
                if len(names) != 1:
                    shown = ", ".join(n[:60] for n in names[:5]) + (
                        ", ..." if len(names) > 5 else ""
                    )
                    raise UnreadableFile(
                        f"{path}: a zip archive of {len(names)} files ({shown}); "
                        "expected exactly one file in it",
                        file=str(path),
                    )
                inner = Path(names[0]).name
                return _copy(archive.open(names[0]), inner), inner
        if kind not in _OPENERS:
            raise UnreadableFile(
                f"{path}: {kind}-compressed data; decompress it first (or recompress with gzip)",
                file=str(path),
            )
        return _copy(_OPENERS[kind](path, "rb"), inner), inner
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError) as exc:
        raise UnreadableFile(
            f"{path}: damaged {kind}-compressed data ({exc})", file=str(path)
        ) from None


def _copy(source: Any, name: str) -> Path:
    """Write the stream ``source`` to a temporary file named like ``name``."""
    fd, tmp = tempfile.mkstemp(suffix=Path(name).suffix or ".txt", prefix="cx-unpacked-")
    out = Path(tmp)
    try:
        with source, open(fd, "wb") as dst:
            shutil.copyfileobj(source, dst, 1 << 22)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out


def _binary(path: Path, head: bytes, fmt: str) -> str | None:
    """Say why ``head`` is binary data rather than text, or return None.

    A NUL byte alone does not make binary: a text export may hold one in a cell (that row
    is quarantined). Binary files are full of control bytes, or are not UTF-8 at all.
    """
    for magic, what in _KNOWN_BINARY:
        if head.startswith(magic):
            return f"{path}: {what}, not a {fmt} text file"
    sample = head[: 1 << 16]
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    nul = b"\x00" in sample
    if controls > _BINARY_SHARE * len(sample) or (nul and not _is_utf8(sample)):
        kind = "NUL bytes" if nul else "control bytes"
        return f"{path}: binary data ({kind}), not a {fmt} text file"
    return None


def _surrogate_at(data: bytes, start: int | None = None) -> int | None:
    """Return where UTF-8 decoding of ``data`` fails on an encoded surrogate (``ED A0..BF``).

    ``start``: where decoding is known to fail; otherwise ``data`` is decoded to find it.
    """
    if start is None:
        try:
            data.decode("utf-8")
            return None
        except UnicodeDecodeError as exc:
            start = exc.start
    bad = data[start : start + 2]
    return start if len(bad) == 2 and bad[0] == 0xED and bad[1] >= 0xA0 else None


def _is_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sample: ignore only that.
        return exc.start >= len(sample) - 3
    return True


def _detect_encoding(head: bytes) -> str:
    """Pick UTF-8 when the sample decodes as UTF-8, else Windows-1252 (Excel's Western default).

    Statistical detectors guess wrong on short exports (Latin-1 read as Central European),
    so the rule is kept predictable; other encodings are named with ``--encoding``.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _is_utf8(head) or _surrogate_at(head) is not None:
        # UTF-8 but for an encoded lone surrogate: read as UTF-8, so the check names the
        # line, rather than as Windows-1252, which would garble every other accent.
        return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _check_utf8(path: Path, shown: Path) -> None:
    """Decode the whole file as UTF-8, naming (as ``shown``) the line of the first bad byte.

    Python's decoder, like DuckDB, refuses the bytes of a lone UTF-16 surrogate (``ED A0 80``
    for U+D800): such a file is named here rather than half stored.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line = lines + chunk.count(b"\n", 0, exc.start) + 1
                what = (
                    "a lone surrogate (half of a UTF-16 pair), which is not text"
                    if _surrogate_at(chunk, exc.start) is not None
                    else "pass the file's encoding, e.g. --encoding latin-1"
                )
                raise UnreadableFile(
                    f"{shown}: not valid UTF-8 at line {line} (byte {offset + exc.start}); {what}",
                    file=str(shown),
                ) from None
            offset += len(chunk)
            lines += chunk.count(b"\n")


def _transcode(path: Path, encoding: str, shown: Path) -> Path:
    """Write a UTF-8 copy of ``path`` so the engine reads one encoding (``shown`` in errors)."""
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
            f"{shown}: not valid {encoding} text ({exc}); pass the right --encoding",
            file=str(shown),
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
    head = _head(p)
    if not head.strip():
        raise UnreadableFile(f"{p}: the file is empty", file=str(p))
    temporary: list[Path] = []
    data, name = p, p.name
    unpacked = _unpack(p, head)
    if unpacked is not None:
        data, name = unpacked
        temporary.append(data)
        head = _head(data)
    try:
        source = _settle(p, data, name, head, opts)
    except BaseException:
        for copy in temporary:
            copy.unlink(missing_ok=True)
        raise
    source.temporary = temporary + source.temporary
    return source


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(_SNIFF_BYTES)


def _settle(p: Path, data: Path, name: str, head: bytes, opts: dict[str, Any]) -> SourceFile:
    """Settle format, encoding and options of ``data`` (``p`` itself, or its unpacked copy)."""
    if not head.strip():
        raise UnreadableFile(f"{p}: the file is empty", file=str(p))
    fmt = opts.pop("format", None) or FORMATS.get(Path(name).suffix.lower(), "csv")
    if head.startswith(_PARQUET_MAGIC) and fmt != "parquet":
        raise UnreadableFile(f"{p}: this is a Parquet file, not {fmt}", file=str(p))
    if fmt == "parquet":
        if not head.startswith(_PARQUET_MAGIC):
            raise UnreadableFile(f"{p}: not a Parquet file (no PAR1 header)", file=str(p))
        return SourceFile(p, fmt, data, opts)
    encoding = opts.pop("encoding", None)
    if encoding is None:
        if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            why = _binary(p, head, fmt)
            if why:
                raise UnreadableFile(why, file=str(p))
        encoding = _detect_encoding(head)
    if fmt == "whitespace" and not opts.get("names"):
        first = head.decode(encoding, errors="replace").lstrip("\ufeff").splitlines()[0]
        opts["names"] = first.split()
        opts["header"] = True
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8", "ascii"):
        _check_utf8(data, p)
        return SourceFile(p, fmt, data, opts, encoding)
    log.info("transcoding %s from %s to UTF-8", p, encoding)
    read_path = _transcode(data, encoding, p)
    return SourceFile(p, fmt, read_path, opts, encoding, [read_path])
