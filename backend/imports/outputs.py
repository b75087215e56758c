"""The cleaned output of a completed job: the rows it loaded, as stored, with their row numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import IO, Any, cast

from django.db import connection
from django.db.models import Field
from django.db.models.expressions import RawSQL

from datasets.registry import Dataset
from imports.models import ImportJob
from imports.storage import FILES, file_open

STREAM_CHUNK = 256 * 1024


def value_text(value: Any) -> str:
    """A stored value as text: times in UTC ISO 8601, booleans true/false, NULL as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            return value.isoformat().replace("+00:00", "Z")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# Model fields whose values the csv module would not write as ``value_text`` does; the others
# (text, numbers, None) it writes the same, without a Python call per value.
_CONVERTED_FIELDS = {"DateTimeField", "DateField", "BooleanField"}


def _cleaned_rows(*, dataset: Dataset, job: ImportJob) -> Any:
    return dataset.model._default_manager.filter(
        workspace_id=job.workspace_id, source_job_id=job.pk, **dataset.rows_filter()
    ).order_by("source_row_number")


def _header_line(dataset: Dataset) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(
        ["row_number", *(column.name for column in dataset.columns)]
    )
    return buffer.getvalue()


def cleaned_csv_copy(*, dataset: Dataset, job: ImportJob, out: IO[bytes]) -> None:
    """The cleaned output written by PostgreSQL (``COPY … TO``) straight into ``out``: the same
    bytes as ``cleaned_csv_lines``, without a Python object per stored value, which made writing
    the output a quarter of a large import's time. Each value becomes text in SQL as
    ``value_text`` writes it."""
    meta = dataset.model._meta
    qn = connection.ops.quote_name
    table = qn(meta.db_table)

    def text_of(name: str) -> RawSQL:
        field = cast(Field[Any, Any], meta.get_field(name))
        column = f"{table}.{qn(field.column)}"
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            utc = f"({column} AT TIME ZONE 'UTC')"
            # isoformat(): microseconds only when there are some.
            text = (
                f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', {utc}) = {utc} "
                f"THEN '' ELSE to_char({utc}, '.US') END || 'Z'"
            )
        elif kind == "DateField":
            text = f"to_char({column}, 'YYYY-MM-DD')"
        elif kind == "BooleanField":
            text = f"CASE WHEN {column} THEN 'true' ELSE 'false' END"
        else:
            text = f"{column}::text"
        # Every field quoted, NULL as an empty text, as the csv module's QUOTE_ALL writes them.
        return RawSQL(f"COALESCE({text}, '')", ())

    names = ["source_row_number", *(column.model_field for column in dataset.columns)]
    texts = {f"_text_{i}": text_of(name) for i, name in enumerate(names)}
    query = _cleaned_rows(dataset=dataset, job=job).annotate(**texts).values_list(*texts)
    sql, params = query.query.sql_with_params()
    out.write(_header_line(dataset).encode())
    gathered = _Gathered(out)
    with connection.cursor() as cursor:
        select = cursor.cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)", gathered)
    gathered.flush()


class _Gathered:
    """Gathers the lines COPY hands over one by one (a million calls for a million rows) and
    writes them to ``out`` in chunks: a spooled file's own write costs several times more."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._parts: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        self._parts.append(data)
        self._size += len(data)
        if self._size >= STREAM_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._out.write(b"".join(self._parts))
            self._parts, self._size = [], 0


def cleaned_csv_lines(*, dataset: Dataset, job: ImportJob) -> Iterator[str]:
    """``row_number`` and the dataset's columns, every field quoted, rows in file order; yielded
    in chunks of whole lines (a job's output is written once per import, so it is worth the csv
    module's writerows over a row at a time). PostgreSQL writes it with ``cleaned_csv_copy``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    fields = [column.model_field for column in dataset.columns]
    meta = dataset.model._meta
    converted = [
        i + 1
        for i, name in enumerate(fields)
        if meta.get_field(name).get_internal_type() in _CONVERTED_FIELDS  # type: ignore[union-attr]
    ]

    def text() -> str:
        chunk = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return chunk

    yield _header_line(dataset)
    rows = _cleaned_rows(dataset=dataset, job=job).values_list("source_row_number", *fields).iterator(chunk_size=2000)
    batch: list[Any] = []
    for row in rows:
        if converted:
            cells = list(row)
            for i in converted:
                cells[i] = value_text(cells[i])
            batch.append(cells)
        else:
            batch.append(row)
        if len(batch) >= 2000:
            writer.writerows(batch)
            batch.clear()
            yield text()
    if batch:
        writer.writerows(batch)
        yield text()


def cleaned_lines_stream(*, job: ImportJob) -> Iterator[bytes]:
    """The stored cleaned output, streamed from the storage in chunks."""
    with file_open(area=FILES, key=job.cleaned_key) as stream:
        while chunk := stream.read(STREAM_CHUNK):
            yield chunk
