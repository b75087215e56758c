"""The sanitize step: read the quarantined upload once and write its final copy.

The final copy is a CSV file in UTF-8 without a byte-order mark, with ``\\n`` line endings, no
NUL or other control characters, and trimmed header names; an Excel worksheet becomes the same.
Records keep their row numbers (blank lines stay blank lines), so a row error names the row a
person sees in the original file.

A line longer than IMPORT_MAX_FIELD_CHARS characters is cut there: the copy keeps its first
characters, one more than the limit, which the reader of pass 2 recognises as over the limit
and reports as a row error. So nothing, here or later, ever holds a longer line in memory.

Undecodable bytes (a byte that is not valid in the file's encoding) are kept as they were, so
pass 2 rejects their row naming the column, as it would in the original; they are counted.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import IO

from django.conf import settings

from imports.models import ImportJob
from imports.pipeline.errors import PipelineFailure
from imports.pipeline.reading import FileFormat, Opener, open_text
from imports.pipeline.sources import SourceError, XlsxSource, xlsx_local_copy
from imports.storage import FILES, QUARANTINE, file_exists, file_opener, file_writer

CHUNK_CHARS = 1024 * 1024
_SURROGATE = re.compile("[\udc80-\udcff]")
_BOM_ENCODINGS = {"utf-8-sig", "utf-16", "utf-32"}


def _control_pattern(delimiter: str) -> re.Pattern[str]:
    """C0 controls but tab, LF and CR; DEL; C1 controls. A control character chosen as the
    delimiter is kept, of course."""
    pattern = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
    if re.fullmatch(pattern, delimiter):
        pattern = f"(?!{re.escape(delimiter)}){pattern}"
    return re.compile(pattern)


@dataclass
class SanitizeReport:
    """What sanitizing changed; stored on the job as ``sanitize_report``."""

    source_encoding: str
    bom_removed: bool = False
    nul_removed: int = 0
    control_characters_removed: int = 0
    line_endings_normalised: int = 0
    header_names_trimmed: int = 0
    lines_cut: int = 0
    undecodable_bytes: int = 0
    bytes_read: int = 0
    bytes_written: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class _CleanText:
    """The decoded file, cleaned chunk by chunk: newlines normalised, control characters removed."""

    def __init__(self, text: io.TextIOBase, report: SanitizeReport, delimiter: str) -> None:
        self._text = text
        self._report = report
        self._control = _control_pattern(delimiter)
        self._buffer = ""
        self._cr_pending = False
        self._eof = False

    def _clean(self, chunk: str, *, last: bool) -> str:
        report = self._report
        if self._cr_pending:
            chunk, self._cr_pending = "\r" + chunk, False
        if chunk.endswith("\r") and not last:
            # A CR at the end may be the first half of CR LF.
            chunk, self._cr_pending = chunk[:-1], True
        if "\r" in chunk:
            report.line_endings_normalised += chunk.count("\r")
            chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
        if self._control.search(chunk):
            removed = len(self._control.findall(chunk))
            nul = chunk.count("\x00")
            report.nul_removed += nul
            report.control_characters_removed += removed - nul
            chunk = self._control.sub("", chunk)
        if not chunk.isascii():
            report.undecodable_bytes += len(_SURROGATE.findall(chunk))
        return chunk

    def _fill(self) -> bool:
        if self._eof:
            return False
        raw = self._text.read(CHUNK_CHARS)
        if not raw:
            self._eof = True
            if self._cr_pending:
                self._buffer += self._clean("", last=True)
            return bool(self._buffer)
        self._buffer += self._clean(raw, last=False)
        return True

    def readline(self, size: int) -> str:
        """One line of at most ``size`` characters, as ``TextIOBase.readline(size)``."""
        while True:
            end = self._buffer.find("\n", 0, size)
            if end != -1:
                line, self._buffer = self._buffer[: end + 1], self._buffer[end + 1 :]
                return line
            if len(self._buffer) >= size or not self._fill():
                line, self._buffer = self._buffer[:size], self._buffer[size:]
                return line

    def chunks(self) -> Iterator[str]:
        """The rest of the text in chunks."""
        while self._buffer or self._fill():
            chunk, self._buffer = self._buffer, ""
            if chunk:
                yield chunk


class _BoundedWriter:
    """Writes text as UTF-8, cutting every line at ``limit`` + 1 characters."""

    def __init__(self, out: IO[bytes], limit: int, report: SanitizeReport) -> None:
        self._out = out
        self._limit = limit
        self._report = report
        self._line = 0  # characters of the current line written so far
        self._cutting = False

    def _emit(self, text: str) -> None:
        data = text.encode("utf-8", "surrogateescape")
        self._report.bytes_written += len(data)
        self._out.write(data)

    def write(self, chunk: str) -> None:
        parts = chunk.split("\n")
        if not self._cutting and self._line + len(parts[0]) <= self._limit and max(map(len, parts)) <= self._limit:
            self._emit(chunk)
            self._line = len(parts[-1]) + (self._line if len(parts) == 1 else 0)
            return
        out: list[str] = []
        last = len(parts) - 1
        for i, part in enumerate(parts):
            if self._cutting:
                if i < last:  # the newline that ends the cut line
                    self._cutting = False
                    self._line = 0
                    out.append("\n")
                continue
            total = self._line + len(part)
            if total > self._limit:
                out.append(part[: self._limit + 1 - self._line])
                self._report.lines_cut += 1
                self._line = 0
                if i < last:
                    out.append("\n")
                else:
                    self._cutting = True
            else:
                out.append(part)
                if i < last:
                    out.append("\n")
                    self._line = 0
                else:
                    self._line = total
        self._emit("".join(out))

    def end(self) -> None:
        if self._line or self._cutting:
            self._emit("\n")
            self._line, self._cutting = 0, False


def csv_sanitize(*, opener: Opener, fmt: FileFormat, out: IO[bytes], limit: int) -> SanitizeReport:
    """Write the final copy of a CSV upload to ``out``; see the module's docstring."""
    report = SanitizeReport(source_encoding=fmt.encoding, bom_removed=fmt.encoding in _BOM_ENCODINGS)
    counted = _CountingOpener(opener)
    try:
        with open_text(counted, fmt.encoding) as text:
            clean = _CleanText(text, report, fmt.delimiter)
            writer = _BoundedWriter(out, limit, report)
            _header_write(clean, fmt, writer, report, limit)
            for chunk in clean.chunks():
                writer.write(chunk)
            writer.end()
    except UnicodeError as exc:
        raise PipelineFailure("decode_error", f"The file cannot be decoded as {fmt.encoding}: {exc}") from exc
    report.bytes_read = counted.bytes_read
    return report


def _header_write(
    clean: _CleanText, fmt: FileFormat, writer: _BoundedWriter, report: SanitizeReport, limit: int
) -> None:
    """Copy the blank lines before the header, then the header with its names trimmed."""

    def lines() -> Iterator[str]:
        while line := clean.readline(limit + 1):
            if len(line) > limit and not line.endswith("\n"):
                raise PipelineFailure("invalid_header", f"The header is longer than the limit of {limit} characters.")
            yield line

    for row in csv.reader(lines(), **fmt.dialect):  # type: ignore[arg-type]
        if not row:
            writer.write("\n")
            continue
        names = [name.strip() for name in row]
        report.header_names_trimmed = sum(1 for name, raw in zip(names, row, strict=True) if name != raw)
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=fmt.delimiter, lineterminator="\n").writerow(names)
        writer.write(buffer.getvalue())
        return
    raise PipelineFailure("empty_file", "The file holds no header row.")


def xlsx_sanitize(*, source: XlsxSource, out: IO[bytes], limit: int, bytes_read: int) -> SanitizeReport:
    """Write a worksheet as the final CSV copy: one line per sheet row, blank rows kept blank."""
    report = SanitizeReport(source_encoding="xlsx", bytes_read=bytes_read)
    writer = _BoundedWriter(out, limit, report)
    header = source.header()
    if header is None:
        raise PipelineFailure("empty_file", f"The sheet {source.sheet!r} holds no header row.")
    width = len(header.names)
    buffer = io.StringIO()
    csv_out = csv.writer(buffer, lineterminator="\n")
    for row_number, texts in source.rows():
        if row_number == header.row_number:
            report.header_names_trimmed = sum(1 for n, raw in zip(header.names, texts, strict=False) if n != raw)
            texts = header.names
        elif not texts:
            writer.write("\n")
            continue
        elif row_number > header.row_number:
            texts = texts + [""] * (width - len(texts))
        csv_out.writerow(texts)
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if "\n" in line[:-1] and any(len(text) > limit for text in texts):
            # A cell over the limit with newlines in it: one cut line, as the reader expects.
            line = line[:-1].replace("\n", " ")[: limit + 1] + "\n"
        writer.write(line)
    writer.end()
    return report


class _CountingOpener:
    """Counts the bytes read through the stream it opens."""

    def __init__(self, opener: Opener) -> None:
        self._opener = opener
        self.bytes_read = 0

    def __call__(self) -> IO[bytes]:
        return _CountingStream(self._opener(), self)  # type: ignore[return-value]


class _CountingStream(io.RawIOBase):
    def __init__(self, stream: IO[bytes], owner: _CountingOpener) -> None:
        self._stream = getattr(stream, "file", stream)
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        self._owner.bytes_read += len(data)
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


@dataclass(frozen=True)
class SanitizedFile:
    key: str
    size: int
    report: SanitizeReport


def final_key_for(*, workspace_id: int, job_id: object) -> str:
    return f"final/workspace-{workspace_id}/{job_id}.csv"


def job_sanitize_run(*, job: ImportJob) -> SanitizedFile:
    """Read the job's quarantined upload once and store its final copy; returns what was stored."""
    if not job.quarantine_key or not file_exists(area=QUARANTINE, key=job.quarantine_key):
        raise PipelineFailure("file_missing", "The uploaded file is no longer in quarantine.")
    opener = file_opener(area=QUARANTINE, key=job.quarantine_key)
    limit = settings.IMPORT_MAX_FIELD_CHARS
    key = final_key_for(workspace_id=job.workspace_id, job_id=job.pk)
    try:
        with file_writer(area=FILES, key=key) as out:
            if job.format == ImportJob.Format.XLSX:
                with xlsx_local_copy(opener) as local:
                    try:
                        source = XlsxSource(local, sheet=job.sheet)
                    except SourceError as exc:
                        raise PipelineFailure("unreadable_file", str(exc)) from exc
                    try:
                        report = xlsx_sanitize(source=source, out=out, limit=limit, bytes_read=job.file_size)
                    finally:
                        source.close()
            else:
                fmt = FileFormat(encoding=job.encoding, delimiter=job.delimiter)
                report = csv_sanitize(opener=opener, fmt=fmt, out=out, limit=limit)
    except PipelineFailure:
        raise
    except (zipfile.BadZipFile, ValueError, KeyError) as exc:
        # A broken workbook part, a cell openpyxl cannot read: the file, not the machine.
        raise PipelineFailure("unreadable_file", f"The file cannot be read: {exc}") from exc
    return SanitizedFile(key=key, size=report.bytes_written, report=report)
