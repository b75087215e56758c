"""Committing a batch: its rows, its row errors, the job's counters and the checkpoint, atomically.

If the worker dies mid-batch, nothing of that batch is stored and the checkpoint still points
at the previous batch, so a re-run starts exactly where the committed work ends.
"""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from imports.models import ImportJob, ImportRowError
from imports.pipeline.loading import COPY_CHUNK, Loader
from imports.pipeline.results import BatchResult, RejectedRow, RowOutcome


class JobStopped(Exception):
    """The job was cancelled, or another run of it moved the checkpoint: stop without writing."""


def batch_commit(
    *,
    job_id: uuid.UUID,
    expected_checkpoint: int,
    loader: Loader,
    prepared_rows: Any,
    raw_text: Callable[[int], str],
    result: BatchResult,
    max_stored_errors: int,
    after_load: Callable[[], None] | None = None,
) -> int:
    """Load one batch and record its outcome; returns the new checkpoint.

    ``after_load`` runs in the same transaction once the rows are in the table, so what a
    dataset derives from them commits, or rolls back, with the rows and the checkpoint.
    """
    started = time.monotonic()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A batch is atomic (rows, row errors, counters, checkpoint), so losing the last
            # few batches in a server crash loses them whole: the checkpoint goes back with
            # them and a re-run loads them again. Not waiting for the WAL flush of every batch
            # takes a disk sync off each commit. The job's final status is committed
            # synchronously, which flushes every batch before it.
            # No JIT: a batch's statements look rows up one index lookup at a time, but their
            # cost estimates (on statistics that lag behind a bulk load) pass jit_above_cost, and
            # compiling took 20-50 ms a statement, every batch: a card feed's million rows
            # imported in 31 s instead of 51 s without it.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF; SET LOCAL jit TO off")
        job = ImportJob.objects.select_for_update().only("status", "checkpoint_row", "stored_errors").get(pk=job_id)
        if job.status != ImportJob.Status.PROCESSING:
            raise JobStopped(f"job is {job.status}")
        if job.checkpoint_row != expected_checkpoint:
            # Another delivery of the same task got here first; loading again would double rows.
            raise JobStopped("another run of this job has moved its checkpoint")

        batch_load(loader=loader, prepared_rows=prepared_rows, raw_text=raw_text, result=result, after_load=after_load)

        room = max(max_stored_errors - job.stored_errors, 0)
        to_store = sorted(result.rejected, key=lambda r: r.row_number)[:room]
        row_errors_store(job_id=job_id, rows=to_store)
        increments = {name: F(name) + value for name, value in result.counter_increments().items()}
        ImportJob.objects.filter(pk=job_id).update(
            **increments,
            stored_errors=F("stored_errors") + len(to_store),
            checkpoint_row=result.last_row,
            heartbeat_at=timezone.now(),
            last_batch_seconds=time.monotonic() - started,
            updated_at=timezone.now(),
        )
    _notify_progress(job_id)
    return result.last_row


def _notify_progress(job_id: uuid.UUID) -> None:
    # Live updates and import.progress webhooks, once the batch is committed; never raises.
    from notifications.services import job_progress_notify

    job_progress_notify(job_id=job_id)


def batch_load(
    *,
    loader: Loader,
    prepared_rows: Any,
    raw_text: Callable[[int], str],
    result: BatchResult,
    after_load: Callable[[], None] | None = None,
) -> None:
    """Load a batch's valid rows, run the dataset's hook, and add what the table did to ``result``."""
    outcome = loader.load(prepared_rows)
    if after_load is not None:
        after_load()
    result.add(RowOutcome.CREATED, outcome.created)
    result.add(RowOutcome.UPDATED, outcome.updated)
    result.add(RowOutcome.UNCHANGED, outcome.unchanged)
    result.add(RowOutcome.SKIPPED, outcome.skipped)
    for row_number, errors in outcome.rejected.items():
        result.reject(RejectedRow(row_number=row_number, raw_data=raw_text(row_number), errors=errors))


def row_errors_store(*, job_id: uuid.UUID, rows: Sequence[RejectedRow]) -> None:
    """Store rejected rows; on PostgreSQL with one COPY, since error-heavy files have many."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        ImportRowError.objects.bulk_create(
            [
                ImportRowError(job_id=job_id, row_number=r.row_number, raw_data=r.raw_data, errors=r.errors)
                for r in rows
            ],
            batch_size=1000,
        )
        return
    meta = ImportRowError._meta
    qn = connection.ops.quote_name
    names = ("job", "row_number", "raw_data", "errors")
    fields: list[Any] = [meta.get_field(name) for name in names]
    columns = ", ".join(qn(f.column) for f in fields)
    buffer = io.StringIO()
    # Every text quoted, so an empty raw_data stays an empty text and never becomes NULL.
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    job = str(job_id)
    dumps = json.dumps
    writer.writerows((job, r.row_number, r.raw_data, dumps(r.errors)) for r in rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv)"
        cursor.copy_expert(sql, buffer, size=COPY_CHUNK)


def job_metrics(job: ImportJob, *, now: datetime | None = None) -> dict[str, float | None]:
    """Progress figures derived from the counters; never stored, so they cannot disagree."""
    now = now or timezone.now()
    total = job.total_rows
    if job.status == ImportJob.Status.COMPLETED:
        percent = 100.0
    elif total:
        percent = min(100.0, round(job.processed_rows * 100.0 / total, 2))
    else:
        percent = 0.0
    duration = None
    rate = None
    eta = None
    if job.started_at:
        end = job.finished_at or now
        duration = max((end - job.started_at).total_seconds(), 0.0)
        if duration > 0 and job.processed_rows:
            rate = round(job.processed_rows / duration, 1)
        if rate and total is not None and job.status == ImportJob.Status.PROCESSING:
            eta = round(max(total - job.processed_rows, 0) / rate, 1)
    return {
        "progress_percent": percent,
        "rows_per_second": rate,
        "eta_seconds": eta,
        "duration_seconds": round(duration, 3) if duration is not None else None,
    }
