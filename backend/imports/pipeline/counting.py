"""Pass 1: count the data records, so progress and time left mean something from the start."""

from __future__ import annotations

import csv

from imports.pipeline.reading import FileFormat, Opener, open_text, records_lines


def records_count(*, opener: Opener, fmt: FileFormat) -> int:
    """Data records in the file: non-blank records after the header, unreadable ones included.

    It must agree exactly with what ``records_iter`` yields, or progress would not reach 100 %.
    """
    count = 0
    with open_text(opener, fmt.encoding) as f:
        reader = csv.reader(records_lines(f), **fmt.dialect)  # type: ignore[arg-type]
        while True:
            try:
                for row in reader:
                    if row:
                        count += 1
                break
            except csv.Error:
                count += 1
    return max(count - 1, 0)
