"""The final copy read as raw bytes, in blocks of whole records, for the columnar fast path.

A block ends at a newline where the count of quotes since the block's start is even, which is a
record's end as the csv module sees it only when every quote of the block is where CSV puts
one: opening a field, closing it, or doubled inside it. A block is *regular* when that holds
and nothing else in it could make the csv module read it differently from pyarrow: no CR, no
NUL, no blank line, no byte that is not UTF-8, no record longer than the field limit. Regular
blocks are handed whole (``Block``); everything else, and the file's start up to its header, is
read by the csv module as ``records_iter`` reads it, record by record (``Records``), from the
byte where the last regular block ended until a record ends past the irregular stretch. So the
row numbers, the records and their errors are exactly those of the csv path, whichever way a
stretch of the file is read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from imports.pipeline.reading import (
    _CUT_PLACEHOLDER,
    FileFormat,
    RecordReadError,
    _csv_error_message,
    _too_long_message,
)

BLOCK_BYTES = 1 << 20
# A block that finds no record end in this many bytes (a runaway quote) is read by the csv module.
MAX_BLOCK_BYTES = 8 << 20
_READ = 1 << 20

_QUOTE, _LF, _CR, _NUL = ord('"'), ord("\n"), ord("\r"), 0
# A line as a text file opened with newline="" reads it: up to \r\n, \r or \n, or the end.
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)?")


@dataclass(slots=True)
class Block:
    """Whole records that pyarrow reads exactly as the csv module would."""

    first_row: int  # the row number of its first record
    data: bytes
    # Per record: the offset of its first byte, and of the byte after its last (its newline
    # excluded). Records follow each other: a record starts one byte after the previous ends.
    starts: np.ndarray
    ends: np.ndarray

    @property
    def count(self) -> int:
        return len(self.starts)

    def record_text(self, i: int) -> str:
        return self.data[int(self.starts[i]) : int(self.ends[i])].decode("utf-8")


@dataclass(slots=True)
class Records:
    """Records read by the csv module, as ``records_iter`` yields them."""

    items: list[tuple[int, list[str] | RecordReadError]]


class _Bytes:
    """The file's bytes from a position on, read ahead as needed."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.buf = b""
        self.eof = False

    def fill(self, size: int) -> None:
        parts = [self.buf]
        have = len(self.buf)
        while have < size and not self.eof:
            chunk = self.stream.read(max(size - have, _READ))
            if not chunk:
                self.eof = True
                break
            parts.append(chunk)
            have += len(chunk)
        if len(parts) > 1:
            self.buf = b"".join(parts)

    def consume(self, size: int) -> None:
        self.buf = self.buf[size:]


class _CsvStretch:
    """Reads records with the csv module from the current position, line by line, so the
    position after each record is known."""

    def __init__(self, source: _Bytes, fmt: FileFormat, limit: int) -> None:
        self.source = source
        self.fmt = fmt
        self.limit = limit
        self.consumed = 0  # bytes of the lines handed to the csv reader
        self.cut = False

    def lines(self) -> Iterator[str]:
        source, limit = self.source, self.limit
        # One line of the final copy is at most the limit plus one characters (sanitizing cuts
        # it), four bytes each at most; the read-ahead is bounded by that whatever the file.
        window = 4 * (limit + 2) + 8
        while True:
            source.fill(self.consumed + window)
            buf = source.buf
            if self.consumed >= len(buf):
                return
            match = _LINE.match(buf, self.consumed)
            assert match is not None
            end = match.end()
            if end == len(buf) and not source.eof and buf[end - 1 : end] == b"\r":
                source.fill(end + 1)  # a CR at the end of the read-ahead may be the start of CR LF
                buf = source.buf
                match = _LINE.match(buf, self.consumed)
                assert match is not None
                end = match.end()
            line = buf[self.consumed : end].decode("utf-8", "surrogateescape")
            self.consumed = end
            content = line.rstrip("\r\n") if line.endswith(("\n", "\r")) else line
            if len(content) > limit:
                self.cut = True
                line = _CUT_PLACEHOLDER
            yield line

    def read(
        self, *, row: int, start: int, min_row: int, until: int
    ) -> tuple[list[tuple[int, list[str] | RecordReadError]], int]:
        """Records after ``row`` until one ends at or past byte ``until`` of the read-ahead and
        the row number reaches ``min_row`` (or the file ends); those after ``start`` are kept."""
        items: list[tuple[int, list[str] | RecordReadError]] = []
        reader: Any = csv.reader(self.lines(), **self.fmt.dialect)  # type: ignore[arg-type]
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                row += 1
                if row > start:
                    items.append((row, RecordReadError(_csv_error_message(exc))))
            else:
                row += 1
                if self.cut:
                    self.cut = False
                    if row > start:
                        items.append((row, RecordReadError(_too_long_message(self.limit))))
                elif fields and row > start:
                    items.append((row, fields))
            if self.consumed >= until and row >= min_row:
                break
        self.source.consume(self.consumed)
        return items, row


# After an irregular record, the csv module reads on this far before blocks are tried again,
# so a file with many irregular records costs one scan of a block per stretch, not per record.
STRETCH_BYTES = 64 << 10


def _record_bounds(view: np.ndarray, at_eof: bool) -> tuple[np.ndarray, np.ndarray]:
    """Record bounds by quote parity: right up to the first irregularity, which the caller finds."""
    quotes = np.flatnonzero(view == _QUOTE)
    newlines = np.flatnonzero(view == _LF)
    # A newline ends a record when an even number of quotes comes before it.
    ends = newlines[(np.searchsorted(quotes, newlines) & 1) == 0] if len(quotes) else newlines
    size = len(view)
    if at_eof and size and view[-1] != _LF and len(quotes) % 2 == 0:
        ends = np.append(ends, size)  # the last record has no newline
    starts = np.empty_like(ends)
    if len(ends):
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
    return starts, ends


def _first_irregularity(
    view: np.ndarray, data: bytes, starts: np.ndarray, ends: np.ndarray, delimiter: int, limit: int
) -> int:
    """The offset of the first byte that pyarrow might read otherwise than the csv module, or the
    length of the stretch when there is none."""
    cut = int(ends[-1]) + 1 if len(ends) else 0
    block = view[:cut]
    found = [cut]
    odd = (block == _CR) | (block == _NUL)
    if odd.any():
        found.append(int(np.argmax(odd)))
    lengths = ends - starts
    bad = (lengths == 0) | (lengths > limit)  # a blank line; a record that may hold a field over the limit
    if bad.any():
        found.append(int(starts[np.argmax(bad)]))
    if cut and block.max() >= 0x80:
        try:
            data[:cut].decode("utf-8")
        except UnicodeDecodeError as exc:
            found.append(exc.start)
    positions = np.flatnonzero(block == _QUOTE)
    if len(positions):
        # Quotes alternate opening and closing. An opening quote starts a field (or doubles the
        # closing quote just before it); a closing quote ends the field (or is doubled).
        openers, closers = positions[0::2], positions[1::2]
        before = np.where(openers > 0, block[np.maximum(openers - 1, 0)], _LF)
        wrong = ~np.isin(before, (delimiter, _LF, _QUOTE))
        if wrong.any():
            found.append(int(openers[np.argmax(wrong)]))
        after = np.where(closers + 1 < cut, block[np.minimum(closers + 1, max(cut - 1, 0))], _LF)
        wrong = ~np.isin(after, (delimiter, _LF, _QUOTE))
        if wrong.any():
            found.append(int(closers[np.argmax(wrong)]))
    return min(found)


def blocks_iter(
    *, stream: IO[bytes], fmt: FileFormat, header_row: int, after_row: int, limit: int, block_bytes: int = BLOCK_BYTES
) -> Iterator[Block | Records]:
    """The records after ``max(header_row, after_row)``, as regular blocks and csv-read stretches.

    ``fmt.delimiter`` must be one ASCII character other than a quote, CR or LF.
    """
    source = _Bytes(stream)
    stretch = _CsvStretch(source, fmt, limit)
    start = max(header_row, after_row)
    delimiter = ord(fmt.delimiter)
    # Up to the header, the csv module: it may be preceded by blank lines.
    items, row = stretch.read(row=0, start=start, min_row=header_row, until=0)
    if items:
        yield Records(items)
    size = block_bytes
    while True:
        stretch.consumed = 0
        source.fill(size)
        if not source.buf:
            return
        window = source.buf[:size]
        at_eof = source.eof and len(window) == len(source.buf)
        view = np.frombuffer(window, dtype=np.uint8)
        starts, ends = _record_bounds(view, at_eof)
        if not len(ends) and not at_eof and size < MAX_BLOCK_BYTES:
            size *= 2  # no record ends in the window: a long quoted field, look further
            continue
        size = block_bytes
        first_bad = _first_irregularity(view, window, starts, ends, delimiter, limit) if len(ends) else 0
        keep = int(np.searchsorted(ends, first_bad, side="left"))  # records ending before it
        if keep == 0:
            items, row = stretch.read(row=row, start=start, min_row=0, until=first_bad + STRETCH_BYTES)
            if items:
                yield Records(items)
            continue
        starts, ends = starts[:keep], ends[:keep]
        cut = min(int(ends[-1]) + 1, len(window))
        if row + keep <= start:
            source.consume(cut)
            row += keep
            continue
        if row < start:
            source.consume(int(starts[start - row]))
            row = start
            continue
        source.consume(cut)
        yield Block(first_row=row + 1, data=window[:cut], starts=starts, ends=ends)
        row += keep


def records_count_blocks(*, stream: IO[bytes], fmt: FileFormat, limit: int, block_bytes: int = BLOCK_BYTES) -> int:
    """What ``counting.records_count`` counts (the non-blank records after the first), on raw
    bytes: a regular block's records are its quote-aware newlines."""
    count = 0
    for part in blocks_iter(stream=stream, fmt=fmt, header_row=0, after_row=0, limit=limit, block_bytes=block_bytes):
        count += part.count if isinstance(part, Block) else len(part.items)
    return max(count - 1, 0)
