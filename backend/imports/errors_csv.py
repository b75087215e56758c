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


def errors_csv_rows(*, job: ImportJob, row_errors: Iterable[ImportRowError]) -> Iterator[str]:
    """Yield the CSV text line by line: the original columns, then row_number and errors."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: list[str]) -> str:
        writer.writerow([cell_neutralise(c) for c in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line([*job.headers, "row_number", "errors"])
    width = len(job.headers)
    for row_error in row_errors:
        fields = next(csv.reader([row_error.raw_data], delimiter=job.delimiter), []) if row_error.raw_data else []
        # A ragged row keeps all its fields; a short one is padded so the two last columns line up.
        fields += [""] * (width - len(fields))
        yield line([*fields, str(row_error.row_number), errors_text(row_error.errors)])
