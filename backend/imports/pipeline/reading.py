"""Reading a CSV file: its encoding, its dialect, its header, and its records in order.

Files are always streamed, from an opener (a callable returning a fresh binary stream: a
stored object, an upload), never from a path. Text is decoded with ``surrogateescape`` so one undecodable byte
spoils only its own record (the validator turns it into a row error) instead of the whole file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

from imports.pipeline.errors import InputRefused

CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
READ_BUFFER = 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# Opens the file again from its start, as a binary stream.
Opener = Callable[[], IO[bytes]]


@dataclass(frozen=True)
class FileFormat:
    encoding: str
    delimiter: str

    @property
    def dialect(self) -> dict[str, object]:
        return {"delimiter": self.delimiter, "quotechar": '"', "doublequote": True, "strict": False}


@dataclass(frozen=True)
class Header:
    row_number: int
    names: list[str]


@dataclass(frozen=True)
class EncodingGuess:
    name: str
    # bom: a byte-order mark; declared: given with the upload; detected: from the bytes;
    # default: nothing to go by (an empty sample), UTF-8.
    source: str
    # How sure the detection is, 0 to 1; None when the encoding was not guessed.
    confidence: float | None = None


def encoding_resolve(*, requested: str | None, head: bytes) -> str:
    """The codec to read with: a byte-order mark wins, then the requested encoding, then detection."""
    return encoding_guess(requested=requested, head=head).name


def encoding_guess(*, requested: str | None, head: bytes) -> EncodingGuess:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return EncodingGuess(name=name, source="bom", confidence=1.0)
    if requested and requested.strip():
        return EncodingGuess(name=_codec_check(requested.strip()), source="declared")
    return _encoding_detect(head)


def _encoding_detect(head: bytes) -> EncodingGuess:
    """UTF-8 when the sample is UTF-8 (most files), else charset-normalizer's best guess."""
    if not head:
        return EncodingGuess(name="utf-8", source="default")
    try:
        # Not final: the sample may end inside a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return EncodingGuess(name="utf-8", source="detected", confidence=1.0)
    from charset_normalizer import from_bytes

    matches = list(from_bytes(head))
    if not matches:
        return EncodingGuess(name="utf-8", source="detected", confidence=0.0)
    least = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= least + 0.01]
    # Single-byte encodings often decode a sample equally well (é is é in cp1250 and cp1252);
    # then the most common one for spreadsheet exports wins, and the guess says it is unsure.
    best = min(tied, key=lambda m: _PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else len(_PREFERRED))
    confidence = max(0.0, 1.0 - best.chaos) * (1.0 if len(tied) == 1 else 0.5)
    return EncodingGuess(name=_codec_check(best.encoding), source="detected", confidence=round(confidence, 2))


# charset-normalizer's names, most likely first for a CSV file that is not UTF-8.
_PREFERRED = ["cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251", "iso8859_2", "mac_roman", "utf_16", "shift_jis"]


def _codec_check(name: str) -> str:
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise InputRefused(f"Unknown encoding {name!r}.", code="invalid_encoding", field="encoding") from None
    if not isinstance(codec.incrementaldecoder, type) or codec.name in {"rot-13", "hex", "base64", "zlib", "bz2"}:
        raise InputRefused(
            f"{name!r} is not a text encoding.",
            code="invalid_encoding",
            field="encoding",
            details=["Not a text encoding."],
        )
    return codec.name


def open_text(opener: Opener, encoding: str) -> io.TextIOWrapper:
    stream = opener()
    raw: Any = getattr(stream, "file", stream)  # a Django File wraps the real stream
    buffered = io.BufferedReader(raw, buffer_size=READ_BUFFER)
    return io.TextIOWrapper(buffered, encoding=encoding, errors="surrogateescape", newline="")


def head_read(opener: Opener, size: int = SAMPLE_BYTES) -> bytes:
    """The first ``size`` bytes (fewer for a shorter file)."""
    with opener() as stream:
        parts, left = [], size
        while left > 0:
            part = stream.read(left)
            if not part:
                break
            parts.append(part)
            left -= len(part)
    return b"".join(parts)


def sample_text(head: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    return decoder.decode(head, final=False)


@dataclass(frozen=True)
class DelimiterGuess:
    delimiter: str
    # declared: given with the upload; detected: from the sample; default: nothing split the
    # header (one column, or an empty sample), a comma.
    source: str
    # detected: the share of the sampled records that have the header's field count.
    confidence: float | None = None


def delimiter_guess(sample: str) -> DelimiterGuess:
    """Pick the candidate that splits the header into the most columns, consistently over the sample.

    csv.Sniffer guesses from character frequencies and is easily fooled by punctuation in
    titles; comparing field counts row by row is steadier on real files.
    """
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a cut sample may be partial
    text = "".join(lines[:200])
    best, best_score = ",", (-1.0, 0)
    for delimiter in CANDIDATE_DELIMITERS:
        try:
            rows = [r for r in islice(csv.reader(io.StringIO(text), delimiter=delimiter), 100) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:]
        consistency = sum(1 for r in body if len(r) == width) / len(body) if body else 1.0
        score = (consistency, width)
        if score > best_score:
            best, best_score = delimiter, score
    if best_score[1] == 0:
        return DelimiterGuess(delimiter=",", source="default")
    return DelimiterGuess(delimiter=best, source="detected", confidence=round(best_score[0], 3))


def delimiter_sniff(sample: str) -> str:
    return delimiter_guess(sample).delimiter


def format_detect(*, head: bytes, requested_encoding: str | None, requested_delimiter: str | None) -> FileFormat:
    encoding = encoding_resolve(requested=requested_encoding, head=head)
    delimiter = requested_delimiter or delimiter_sniff(sample_text(head, encoding))
    return FileFormat(encoding=encoding, delimiter=delimiter)


@contextlib.contextmanager
def field_size_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


class _BoundedLines:
    """The lines of a text file, none longer than ``limit`` characters in memory.

    csv reads whole lines, so one line of a gigabyte (a file without newlines, a runaway quote)
    would be held whole, in the web process inspecting an upload as in the worker. A longer line
    is read past in chunks and stands as a one-field placeholder record, and ``cut`` says so,
    so the reader turns it into a row error for that record.
    """

    def __init__(self, handle: io.TextIOWrapper, limit: int) -> None:
        self.readline = handle.readline
        self.limit = limit
        self.cut = False

    def __iter__(self) -> Iterator[str]:
        readline, limit = self.readline, self.limit
        while True:
            line = readline(limit + 1)
            if not line:
                return
            if len(line) > limit and not line.endswith(("\n", "\r")):
                while True:
                    rest = readline(READ_BUFFER)
                    if not rest or rest.endswith(("\n", "\r")):
                        break
                self.cut = True
                line = _CUT_PLACEHOLDER
            yield line


_CUT_PLACEHOLDER = "-\n"


def record_limit() -> int:
    """Characters one record may take: the csv field limit in force (IMPORT_MAX_FIELD_CHARS)."""
    return csv.field_size_limit()


def header_read(*, opener: Opener, fmt: FileFormat) -> Header | None:
    """The first non-blank record, with its row number; None for a file with no records."""
    with open_text(opener, fmt.encoding) as f:
        lines = _BoundedLines(f, record_limit())
        reader = csv.reader(lines, **fmt.dialect)  # type: ignore[arg-type]
        for row_number, row in enumerate(reader, start=1):
            if lines.cut:
                raise csv.Error(f"the header is longer than the limit of {lines.limit} characters")
            if row:
                return Header(row_number=row_number, names=[name.strip() for name in row])
    return None


@dataclass(slots=True)
class RecordReadError:
    """A record the csv module could not read (for example a field over the size limit)."""

    message: str


def records_iter(
    *, opener: Opener, fmt: FileFormat, header_row: int, after_row: int = 0
) -> Iterator[tuple[int, list[str] | RecordReadError]]:
    """Yield (row_number, fields) for every data record after ``after_row``.

    Row numbers count every record the way a spreadsheet shows rows, the header included;
    blank lines take a row number but are not records.
    """
    start = max(header_row, after_row)
    with open_text(opener, fmt.encoding) as f:
        lines = _BoundedLines(f, record_limit())
        reader = csv.reader(lines, **fmt.dialect)  # type: ignore[arg-type]
        row_number = 0
        while True:
            try:
                for row in reader:
                    row_number += 1
                    if lines.cut:
                        lines.cut = False
                        if row_number > start:
                            yield row_number, RecordReadError(_too_long_message(lines.limit))
                    elif row and row_number > start:
                        yield row_number, row
                return
            except csv.Error as exc:
                row_number += 1
                if row_number > start:
                    yield row_number, RecordReadError(_csv_error_message(exc))


def _too_long_message(limit: int) -> str:
    return f"the record is longer than the limit of {limit} characters; it was not read"


def records_lines(handle: io.TextIOWrapper) -> Iterator[str]:
    """The file's lines as the reader sees them (long ones replaced), for counting."""
    return iter(_BoundedLines(handle, record_limit()))


def _csv_error_message(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a field is longer than the limit of {csv.field_size_limit()} characters"
    return f"the record could not be read as CSV: {text}"


def record_to_text(fields: list[str], delimiter: str) -> str:
    """The record as one line of CSV text, as it is stored on a row error."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(fields)
    return text_clean(buffer.getvalue())


def text_clean(text: str) -> str:
    """Text safe to store: undecodable bytes and NUL become U+FFFD."""
    if not text.isascii():
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text.replace("\x00", "\ufffd")
