"""The rejected rows of a job as a CSV file a spreadsheet can open safely."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from imports.models import ImportJob, ImportRowError
from imports.pipeline.results import RECORD

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralise(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


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
