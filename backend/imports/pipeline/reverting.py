"""Undoing a job's rows: those it created are deleted, those it updated get their before-images
back (imports.models.ImportRowBefore), and rows a later job has written since are left alone.

Runs in the caller's transaction, with the dataset's batch hook called for every row it deletes
or puts back, so derived state (the card status) commits with the rows. Rows are found by their
provenance (``source_job_id``): the tables carry no index on it (every COPY would pay for one),
so a revert reads the workspace's rows of the table once; it is rare, and the load stays fast.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from datasets.registry import BatchLoaded, Dataset
from imports.models import ImportJob, ImportRowBefore

# Rows changed since by a later job that a revert lists (all are counted).
CHANGED_SHOWN = 100


@dataclass
class ChangedRow:
    key: dict[str, Any]
    changed_by: uuid.UUID | None


@dataclass
class RevertResult:
    deleted: int = 0
    restored: int = 0
    # Rows the job created or updated that the revert left alone: changed since, or gone.
    kept: int = 0
    # Rows the job wrote that a later job changed since: counted, and the first listed.
    changed_since: int = 0
    changed: list[ChangedRow] = field(default_factory=list)


def _column(model_field: Any) -> str:
    return str(model_field.column)


def job_rows_revert(*, job: ImportJob, dataset: Dataset) -> RevertResult:
    """Delete the rows the job created and put back the rows it updated (not changed since)."""
    meta = dataset.model._meta
    restorable = [
        meta.get_field(name)
        for name in [
            *(c.model_field for c in dataset.columns),
            *dataset.constants,
            "source_job_id",
            "source_row_number",
            "updated_at",
        ]
    ]
    hook_fields = [meta.get_field(dataset.column(name).model_field) for name in dataset.hook_columns]
    hook = dataset.after_batch

    def touched(values: list[tuple[Any, ...]]) -> None:
        if hook is not None and values:
            hook(
                BatchLoaded(
                    dataset=dataset, workspace_id=job.workspace_id, job_id=job.pk, hook_values=values, removed=True
                )
            )

    updated = ImportRowBefore.objects.filter(job=job).values("record_id").distinct().count()
    if connection.vendor == "postgresql":
        result = _revert_postgres(
            job=job, dataset=dataset, restorable=restorable, hook_fields=hook_fields, hook=touched
        )
    else:
        result = _revert_orm(job=job, dataset=dataset, restorable=restorable, hook_fields=hook_fields, hook=touched)
    # Every row the job created or updated was deleted, put back, or left alone.
    result.kept = max(job.created_rows + updated - result.deleted - result.restored, 0)
    # The job's before-images are spent: a reverted job is reverted once, takes no rows again,
    # and no revert of an earlier job should see it as having changed that job's rows.
    ImportRowBefore.objects.filter(job=job).delete()
    _changed_since(job=job, dataset=dataset, result=result)
    return result


def _revert_postgres(
    *,
    job: ImportJob,
    dataset: Dataset,
    restorable: list[Any],
    hook_fields: list[Any],
    hook: Callable[[list[tuple[Any, ...]]], None],
) -> RevertResult:
    meta = dataset.model._meta
    qn = connection.ops.quote_name
    table, pk = qn(meta.db_table), qn(_column(meta.pk))
    before = qn(ImportRowBefore._meta.db_table)
    workspace = qn(_column(meta.get_field("workspace")))
    columns = [qn(_column(f)) for f in restorable]
    hooked = [qn(_column(f)) for f in hook_fields]
    params: dict[str, Any] = {"job": job.pk, "workspace": job.workspace_id}
    # A row the job updated twice (corrected rows sent again after a later job changed it) has
    # two images: the latest holds what the job replaced last.
    restore = (
        f"UPDATE {table} AS t SET ({', '.join(columns)}) = ROW({', '.join(f'r.{c}' for c in columns)}) "
        f"FROM (SELECT DISTINCT ON (record_id) record_id, data FROM {before} WHERE job_id = %(job)s "
        f"ORDER BY record_id, id DESC) b, jsonb_populate_record(NULL::{table}, b.data) r "
        f"WHERE t.{pk} = b.record_id AND t.source_job_id = %(job)s"
    )
    # After the restore, the rows still carrying the job's id are the ones it created.
    delete = f"DELETE FROM {table} t WHERE t.{workspace} = %(workspace)s AND t.source_job_id = %(job)s"
    result = RevertResult()
    with connection.cursor() as cursor:
        if not hooked:
            cursor.execute(restore, params)
            result.restored = cursor.rowcount
            cursor.execute(delete, params)
            result.deleted = cursor.rowcount
            return result
        # The hook's values of the rows touched go to a table, not to this process's memory.
        touched = qn(f"intake_revert_{job.pk.hex}")
        typed = ", ".join(f"{qn(_column(f))} {f.db_type(connection)}" for f in hook_fields)
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {touched} ({typed}) ON COMMIT DROP")
        returning = ", ".join(f"t.{c}" for c in hooked)
        listed = ", ".join(hooked)
        for sql, counter in ((restore, "restored"), (delete, "deleted")):
            cursor.execute(
                f"WITH changed AS ({sql} RETURNING {returning}), "
                f"kept AS (INSERT INTO {touched} ({listed}) SELECT DISTINCT {listed} FROM changed) "
                f"SELECT count(*) FROM changed",
                params,
            )
            setattr(result, counter, cursor.fetchone()[0])
    with connection.chunked_cursor() as rows:
        rows.execute(f"SELECT DISTINCT {listed} FROM {touched}")
        while chunk := rows.fetchmany(settings.IMPORT_BATCH_SIZE):
            hook([tuple(row) for row in chunk])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {touched}")
    return result


def _revert_orm(
    *,
    job: ImportJob,
    dataset: Dataset,
    restorable: list[Any],
    hook_fields: list[Any],
    hook: Callable[[list[tuple[Any, ...]]], None],
) -> RevertResult:
    model: Any = dataset.model
    chunk = settings.IMPORT_BATCH_SIZE
    result = RevertResult()
    pending: list[tuple[Any, ...]] = []
    # The hook runs for each row after its last change here, so chunks are as good as one call.
    # Latest image first: once a row is put back it is no longer the job's, so older images of a
    # row the job updated twice find nothing to restore.
    for image in ImportRowBefore.objects.filter(job=job).order_by("-pk").iterator(chunk_size=chunk):
        values = {f.attname: f.to_python(image.data[_column(f)]) for f in restorable if _column(f) in image.data}
        if model.objects.filter(pk=image.record_id, source_job_id=job.pk).update(**values):
            result.restored += 1
            pending.append(tuple(image.data[_column(f)] for f in hook_fields))
            if len(pending) >= chunk:
                hook(pending)
                pending = []
    hook(pending)
    created = model.objects.filter(workspace_id=job.workspace_id, source_job_id=job.pk).order_by("pk")
    names = [f.attname for f in hook_fields]
    while batch := list(created.values_list("pk", *names)[:chunk]):
        result.deleted += model.objects.filter(pk__in=[row[0] for row in batch]).delete()[0]
        hook(sorted({tuple(row[1:]) for row in batch}) if names else [])
    return result


def _changed_since(*, job: ImportJob, dataset: Dataset, result: RevertResult) -> None:
    """The rows the job wrote that a later job has updated since (their before-images name the job)."""
    model: Any = dataset.model
    keys = [dataset.key_field(k) for k in dataset.file_key_columns]
    later = ImportRowBefore.objects.filter(previous_job_id=job.pk).values("record_id")
    rows = model.objects.filter(workspace_id=job.workspace_id, pk__in=later, **dataset.rows_filter())
    result.changed_since = rows.count()
    names = {dataset.key_field(k): k for k in dataset.file_key_columns}
    for found in rows.order_by("pk").values(*keys, "source_job_id")[:CHANGED_SHOWN]:
        result.changed.append(ChangedRow(key={names[k]: found[k] for k in keys}, changed_by=found["source_job_id"]))
