"""Pass 1 and pass 2 for one job: count, then validate and load batch by batch."""

from __future__ import annotations

import logging
import queue
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from datasets.registry import dataset_get
from imports.models import ImportJob
from imports.pipeline.counting import records_count
from imports.pipeline.loading import LoadTarget, ValidRow, loader_for
from imports.pipeline.mapping import columns_resolve
from imports.pipeline.progress import batch_commit
from imports.pipeline.reading import (
    FileFormat,
    RecordReadError,
    field_size_limit,
    header_read,
    record_to_text,
    records_iter,
)
from imports.pipeline.results import RECORD, BatchResult, RejectedRow
from imports.pipeline.validating import RowValidator

logger = logging.getLogger(__name__)


class PipelineFailure(Exception):
    """The file as a whole cannot be processed; the job fails with this reason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class _Batch:
    valid: list[ValidRow]
    fields_by_row: dict[int, list[str]]
    keys: dict[tuple[Any, ...], int]
    result: BatchResult

    @classmethod
    def empty(cls) -> _Batch:
        return cls(valid=[], fields_by_row={}, keys={}, result=BatchResult())

    @property
    def size(self) -> int:
        return len(self.valid) + len(self.result.rejected)


def job_pipeline_run(*, job: ImportJob, on_batch: Any = None) -> None:
    """Run both passes for a job that is ``processing``; resumes after its checkpoint."""
    dataset = dataset_get(job.dataset)
    if dataset is None:
        raise PipelineFailure("unknown_dataset", f"The dataset {job.dataset!r} no longer exists.")
    path = Path(job.file.path)
    if not path.is_file():
        raise PipelineFailure("file_missing", "The uploaded file is no longer in storage.")
    fmt = FileFormat(encoding=job.encoding, delimiter=job.delimiter)

    with field_size_limit(settings.IMPORT_MAX_FIELD_CHARS):
        try:
            header = header_read(path=path, fmt=fmt)
        except (UnicodeError, OSError) as exc:
            raise PipelineFailure("unreadable_file", f"The file cannot be read: {exc}") from exc
        if header is None:
            raise PipelineFailure("empty_file", "The file holds no header and no rows.")
        resolution = columns_resolve(dataset=dataset, headers=header.names, column_mapping=job.column_mapping)
        if resolution.missing:
            raise PipelineFailure(
                "missing_columns",
                f"Required columns are missing: {', '.join(resolution.missing)}. "
                f"Headers found: {', '.join(header.names)}.",
            )
        if job.total_rows is None:
            job.total_rows = records_count(path=path, fmt=fmt)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)

        validator = RowValidator(dataset=dataset, resolution=resolution, headers=header.names, encoding=fmt.encoding)
        loader = loader_for(
            LoadTarget(dataset=dataset, workspace_id=job.workspace_id, job_id=job.pk, on_conflict=job.on_conflict)
        )
        batch_size = settings.IMPORT_BATCH_SIZE
        validate = validator.validate
        key_of = validator.key_function()
        checkpoint = job.checkpoint_row
        delimiter = fmt.delimiter
        key_label = "/".join(dataset.key_columns)
        key_column = dataset.key_columns[0]

        def commit(batch: _Batch) -> int:
            new_checkpoint = batch_commit(
                job_id=job.pk,
                expected_checkpoint=checkpoint,
                loader=loader,
                valid_rows=batch.valid,
                raw_text=lambda row: record_to_text(batch.fields_by_row[row], delimiter),
                result=batch.result,
                max_stored_errors=settings.IMPORT_MAX_STORED_ERRORS,
            )
            if on_batch is not None:
                on_batch(batch.result)
            return new_checkpoint

        def batches() -> Iterator[_Batch]:
            """The file after the checkpoint, cut into batches of ``batch_size`` records."""
            batch = _Batch.empty()
            size = 0
            records = records_iter(path=path, fmt=fmt, header_row=header.row_number, after_row=checkpoint)
            for row_number, fields in records:
                batch.result.last_row = row_number
                size += 1
                if isinstance(fields, RecordReadError):
                    batch.result.reject(
                        RejectedRow(row_number=row_number, raw_data="", errors={RECORD: [fields.message]})
                    )
                else:
                    values, errors = validate(fields)
                    if values is not None:
                        key = key_of(values)
                        first = batch.keys.get(key)
                        if first is None:
                            batch.keys[key] = row_number
                            batch.valid.append((row_number, values))
                            # Kept so a row the table refuses can still be stored as it was written.
                            batch.fields_by_row[row_number] = fields
                        else:
                            errors = {key_column: [f"duplicate {key_label} in this file (first at row {first})"]}
                    if errors is not None:
                        raw = record_to_text(fields, delimiter)
                        batch.result.reject(RejectedRow(row_number=row_number, raw_data=raw, errors=errors))
                if size >= batch_size:
                    yield batch
                    batch = _Batch.empty()
                    size = 0
            if size or batch.result.last_row:
                yield batch

        # Reading and validating the next batch overlaps loading the current one: the database
        # driver releases the GIL while PostgreSQL works, so both cores are busy.
        for batch in prefetched(batches()):
            checkpoint = commit(batch)


_END = object()
PREFETCH_SWITCH_INTERVAL = 0.0005


@dataclass
class _Failed:
    error: BaseException


def prefetched(items: Iterator[_Batch], depth: int = 1) -> Iterator[_Batch]:
    """Yield ``items`` while a thread produces the next ones (at most ``depth`` ahead).

    Memory stays bounded: one batch being loaded, ``depth`` waiting, one being built. An error in
    the producer is raised here; stopping early (cancel, failure) stops and joins the producer.
    """
    handoff: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            put(_Failed(exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    producer = threading.Thread(target=produce, name="import-reader", daemon=True)
    # Each time a database call returns, this thread must win the GIL back from the busy
    # producer; by default that can take the whole 5 ms switch interval, several times a batch.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, PREFETCH_SWITCH_INTERVAL))
    producer.start()
    try:
        while True:
            item = handoff.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        producer.join()
        sys.setswitchinterval(switch_interval)
