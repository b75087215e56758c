"""Where records come from: one interface, a CSV and an Excel (XLSX) implementation.

A source tells its header (with its row number), iterates its records after a checkpoint with
their row numbers, and counts them. Row numbers are what a person sees: the CSV record's number
counting the header as 1, or the worksheet's own row. The upload checks and the inspect endpoint
read any source; the sanitize step turns a source into the final copy, a UTF-8 CSV file with the
same row numbers, which passes 1 and 2 read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.conf import settings

from imports.pipeline.counting import records_count
from imports.pipeline.reading import FileFormat, Header, Opener, RecordReadError, header_read, records_iter

Record = tuple[int, list[str] | RecordReadError]


class SourceError(Exception):
    """The file cannot be read as its format at all (not a workbook, no such sheet...)."""


class Source(Protocol):
    def header(self) -> Header | None:
        """The first non-blank record and its row number; None when there is none."""
        ...

    def records(self, *, header_row: int, after_row: int = 0) -> Iterator[Record]:
        """Every non-blank record after the header and after ``after_row``, with its row number."""
        ...

    def count(self) -> int:
        """How many records ``records`` yields from the start."""
        ...


@dataclass(frozen=True)
class CsvSource:
    opener: Opener
    fmt: FileFormat

    def header(self) -> Header | None:
        return header_read(opener=self.opener, fmt=self.fmt)

    def records(self, *, header_row: int, after_row: int = 0) -> Iterator[Record]:
        return records_iter(opener=self.opener, fmt=self.fmt, header_row=header_row, after_row=after_row)

    def count(self) -> int:
        return records_count(opener=self.opener, fmt=self.fmt)


# ---- Excel ------------------------------------------------------------------------------------

_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}[0-9]+)?)"')
_DECIMALS = re.compile(r"0\.(0+)")


def cell_text(cell: Any) -> str:
    """A cell's value as the text a person sees in the spreadsheet, as far as it matters to data.

    Numbers lose a spreadsheet's float noise (``1999`` not ``1999.0``; ``0.1`` not
    ``0.1000000000000000055``) and keep the decimals their format shows; percentages read as
    ``12.5%``. Dates read ``2024-03-01`` and date-times ``2024-03-01 14:30:00`` (ISO, which
    every dataset's date and time columns accept), whatever the workbook's locale display; a
    time alone reads ``14:30:00``. Booleans read TRUE and FALSE, as Excel shows them. A formula
    gives the value it had when the workbook was last saved.
    """
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and not _has_time_part(getattr(cell, "number_format", "")):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if not value.microsecond else "milliseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, int | float):
        return _number_text(value, getattr(cell, "number_format", "General") or "General")
    return str(value)


def _has_time_part(number_format: str) -> bool:
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]', "", number_format.lower())
    return "h" in plain or "s" in plain


def _number_text(value: float, number_format: str) -> str:
    percent = "%" in number_format
    number = decimal.Decimal(repr(value)) * (100 if percent else 1)
    decimals = _DECIMALS.search(number_format)
    if decimals and number_format != "General":
        text = f"{number:.{len(decimals.group(1))}f}"
    elif number == number.to_integral_value():
        text = f"{number.to_integral_value():f}"
    else:
        text = f"{number.normalize():f}"
    return text + ("%" if percent else "")


class XlsxSource:
    """A worksheet read with openpyxl's read-only mode: rows stream, the workbook is never loaded.

    ``fileobj`` must be seekable (a zip is read from its end): ``xlsx_local_copy`` gives one for
    a stored object. Trailing empty columns (formatting that reaches far right) are dropped;
    rows are padded to the header's width, so a row whose last cells are empty is not ragged. A
    merged range reads its top-left value in every cell it covers, as a person sees it.
    """

    def __init__(self, fileobj: IO[bytes], *, sheet: str = "") -> None:
        from openpyxl import load_workbook

        try:
            self._book = load_workbook(fileobj, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise SourceError(f"The file is not an Excel workbook (.xlsx): {exc}") from None
        self.sheets = list(self._book.sheetnames)
        name = sheet.strip() if sheet else self.sheets[0]
        if name not in self.sheets:
            raise SourceError(f"The workbook has no sheet {name!r}; its sheets are: {', '.join(self.sheets)}.")
        self.sheet = name
        self._sheet = self._book[name]
        self._sheet.reset_dimensions()
        self._merged = self._merged_ranges(fileobj)
        self._width: int | None = None

    def close(self) -> None:
        self._book.close()

    def _merged_ranges(self, fileobj: IO[bytes]) -> list[tuple[int, int, int, int]]:
        """(min_row, min_col, max_row, max_col) of every merged range, sorted by first row.

        The read-only worksheet does not parse them, and they come after all the rows in the
        sheet's XML: the XML is scanned for them as bytes, in chunks, which is far faster than
        parsing it (a large workbook is scanned in the web request that checks the upload).
        """
        from openpyxl.utils.cell import range_boundaries

        found: set[tuple[int, int, int, int]] = set()
        path = getattr(self._sheet, "_worksheet_path", None)
        if path is None:
            return []
        tail = b""
        with self._book._archive.open(path) as xml:  # type: ignore[attr-defined]
            while chunk := xml.read(1024 * 1024):
                text = tail + chunk
                for match in _MERGE_CELL.finditer(text):
                    min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode())
                    if min_col and min_row and max_col and max_row:
                        found.add((min_row, min_col, max_row, max_col))
                # A tag cut at the chunk's end is read whole with the next chunk.
                last = text.rfind(b"<")
                tail = text[last:] if last >= 0 and len(text) - last < 200 else b""
        return sorted(found)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Every row of the sheet, blank ones included, as texts with trailing empties dropped."""
        pending = list(self._merged)  # sorted by first row
        active: list[tuple[int, int, int, int]] = []
        values: dict[tuple[int, int, int, int], str] = {}
        for row_number, cells in enumerate(self._sheet.iter_rows(min_row=1), start=1):
            texts = [cell_text(cell) for cell in cells]
            while pending and pending[0][0] <= row_number:
                merge = pending.pop(0)
                active.append(merge)
                values[merge] = texts[merge[1] - 1] if len(texts) >= merge[1] else ""
            if active:
                active = [m for m in active if m[2] >= row_number]
                for merge in active:
                    _, min_col, _, max_col = merge
                    texts += [""] * (max_col - len(texts))
                    for column in range(min_col, max_col + 1):
                        texts[column - 1] = values[merge]
            while texts and not texts[-1].strip():
                texts.pop()
            yield row_number, texts

    def header(self) -> Header | None:
        for row_number, texts in self.rows():
            if texts:
                self._width = len(texts)
                return Header(row_number=row_number, names=[name.strip() for name in texts])
        return None

    def records(self, *, header_row: int, after_row: int = 0) -> Iterator[Record]:
        width = self._width
        if width is None:
            header = self.header()
            width = len(header.names) if header else 0
        start = max(header_row, after_row)
        limit = settings.IMPORT_MAX_FIELD_CHARS
        for row_number, texts in self.rows():
            if row_number <= start or not texts:
                continue
            if any(len(text) > limit for text in texts):
                yield row_number, RecordReadError(f"a field is longer than the limit of {limit} characters")
                continue
            yield row_number, texts + [""] * (width - len(texts))

    def count(self) -> int:
        header = self.header()
        if header is None:
            return 0
        return sum(1 for _ in self.records(header_row=header.row_number))


@contextlib.contextmanager
def xlsx_local_copy(opener: Opener) -> Iterator[IO[bytes]]:
    """A seekable local copy of a stored workbook (spooled: small ones stay in memory)."""
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, dir=settings.FILE_UPLOAD_TEMP_DIR) as copy:
        with opener() as stream:
            shutil.copyfileobj(stream, copy, 1024 * 1024)
        copy.seek(0)
        yield copy
