"""The rejected rows of a job as a CSV file a spreadsheet can open safely, and read back corrected."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO

from config.errors import ApplicationError
from imports.models import ImportJob, ImportRowError
from imports.pipeline.mapping import header_normalise
from imports.pipeline.reading import SAMPLE_BYTES, delimiter_sniff
from imports.pipeline.results import RECORD

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralise(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def cell_restore(value: str) -> str:
    """A cell as it was before ``cell_neutralise``: the quote put before a formula start goes."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value


def errors_text(errors: dict[str, list[str]]) -> str:
    parts = []
    for column, messages in errors.items():
        for message in messages:
            parts.append(message if column == RECORD else f"{column}: {message}")
    return "; ".join(parts)


def raw_fields(raw: str, delimiter: str) -> list[str]:
    """The fields of a stored raw row (written by the pipeline as one CSV record).

    Split here rather than by the csv module, whose field limit is a process-wide setting the
    import (and any other request of this process) relies on; newlines inside quoted fields, CR
    LF included, stay in their field, and text that is not well-formed CSV still comes back
    (a stray quote is kept as it stands), so no row is lost.
    """
    if not raw:
        return []
    fields: list[str] = []
    current: list[str] = []
    quoted = False
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and raw[i + 1] == '"':
                    current.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                current.append(ch)
        elif ch == '"' and not current:
            quoted = True
        elif ch == delimiter:
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    fields.append("".join(current))
    return fields


def errors_csv_rows(*, job: ImportJob, row_errors: Iterable[ImportRowError]) -> Iterator[str]:
    """Yield the CSV text line by line: the original columns, then row_number and errors."""
    buffer = io.StringIO()
    # Every field quoted, so a spreadsheet or a script reads back newlines and delimiters alike.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)

    def line(cells: list[str]) -> str:
        writer.writerow([cell_neutralise(c) for c in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line([*job.headers, "row_number", "errors"])
    width = len(job.headers)
    for row_error in row_errors:
        fields = raw_fields(row_error.raw_data, job.delimiter)
        # A ragged row keeps all its fields; a short one is padded so the two last columns line up.
        fields += [""] * (width - len(fields))
        yield line([*fields, str(row_error.row_number), errors_text(row_error.errors)])


def _refused(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_errors_file", fields={"file": [message]})


def errors_csv_read(*, handle: IO[bytes], headers: list[str], max_rows: int) -> list[tuple[int, list[str]]]:
    """The rows of a corrected errors file: (row_number, fields in the job's header layout).

    Columns are found by name (the job's headers, then row_number), so a spreadsheet may move or
    drop the other columns; the delimiter is sniffed, as spreadsheets of some locales save with
    ";". The caller sets the csv field limit (IMPORT_MAX_FIELD_CHARS).
    """
    head = handle.read(SAMPLE_BYTES)
    handle.seek(0)
    try:
        sample = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        raise _refused("The errors file must be UTF-8, as it was downloaded.") from None
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=delimiter_sniff(sample))
    try:
        columns = [header_normalise(name) for name in next(reader, [])]
        positions: dict[str, list[int]] = {}
        for index, name in enumerate(columns):
            positions.setdefault(name, []).append(index)
        if "row_number" not in positions:
            raise _refused("The errors file has no row_number column.")
        wanted: list[int] = []
        seen: dict[str, int] = {}
        for name in map(header_normalise, headers):
            occurrence = seen.get(name, 0)
            seen[name] = occurrence + 1
            found = positions.get(name, [])
            if occurrence >= len(found):
                shown = ", ".join([*headers, "row_number"])
                raise _refused(f"The errors file has no {name!r} column; it needs the columns {shown}.")
            wanted.append(found[occurrence])
        number_at = positions["row_number"][0]
        rows: list[tuple[int, list[str]]] = []
        for line, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            raw_number = record[number_at].strip() if number_at < len(record) else ""
            if not raw_number.isdigit():
                raise _refused(f"Line {line} of the errors file has no row_number.")
            if len(rows) >= max_rows:
                raise _refused(f"The errors file holds more than {max_rows} rows; send them in parts.")
            fields = [cell_restore(record[i]) if i < len(record) else "" for i in wanted]
            rows.append((int(raw_number), fields))
    except UnicodeDecodeError:
        raise _refused("The errors file must be UTF-8, as it was downloaded.") from None
    except csv.Error as exc:
        raise _refused(f"The errors file cannot be read as CSV: {exc}.") from None
    finally:
        text.detach()
    return rows
