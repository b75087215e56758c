"""Writes of the imports app: create a job from an upload, run it, cancel it."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from rest_framework import status

from accounts.models import Workspace
from config.errors import ApplicationError
from config.uploads import SHA256_ATTRIBUTE
from datasets.registry import Dataset, dataset_get
from imports.broker import broker_queued_job_ids
from imports.errors_csv import errors_csv_read, raw_fields
from imports.inspection import file_inspect, format_of
from imports.models import IdempotencyKey, ImportJob, ImportRowError, SavedMapping
from imports.origin import StartedBy
from imports.outputs import cleaned_csv_copy, cleaned_csv_lines
from imports.pipeline.errors import InputRefused, PipelineFailure
from imports.pipeline.heartbeat import JobHeartbeat
from imports.pipeline.loading import dry_run_claims_drop, dry_run_claims_left
from imports.pipeline.mapping import columns_resolve, header_normalise, header_set_key
from imports.pipeline.progress import JobStopped
from imports.pipeline.reading import field_size_limit
from imports.pipeline.results import BatchResult
from imports.pipeline.reverting import RevertResult, job_rows_revert
from imports.pipeline.run import job_pipeline_run, rows_load_again
from imports.pipeline.sanitizing import job_sanitize_run
from imports.selectors import dataset_require, import_job_same_file, saved_mapping_get
from imports.storage import FILES, QUARANTINE, Area, area_files, file_delete, file_exists, file_save, file_writer

logger = logging.getLogger(__name__)


def _invalid(field: str, message: str, *, code: str = "invalid", status_code: int = 400) -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]}, status_code=status_code)


def column_mapping_parse(raw: str | Mapping[str, Any] | None) -> dict[str, str]:
    if raw in (None, ""):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise _invalid("column_mapping", "Must be a JSON object of column -> header.") from None
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        raise _invalid("column_mapping", "Must be a JSON object of column -> header.")
    return {str(k): v for k, v in raw.items()}


def import_job_create(
    *,
    workspace: Workspace,
    file: UploadedFile,
    dataset: str,
    column_mapping: str | Mapping[str, Any] | None = None,
    mapping_id: str | uuid.UUID | None = None,
    remember_mapping: bool = True,
    delimiter: str | None = None,
    encoding: str | None = None,
    on_conflict: str | None = None,
    timezone: str | None = None,
    sheet: str | None = None,
    sha256: str | None = None,
    started_by: StartedBy | None = None,
    dry_run: bool = False,
    enqueue: bool = True,
) -> ImportJob:
    """Check an upload, put it in quarantine and queue its sanitize task. On any refusal nothing
    is left behind.

    ``enqueue=False`` leaves the job for a caller that processes it in-process
    (``import_job_process`` sanitizes it first).
    ``dry_run``: the job classifies every row as the import would and writes none
    (``import_job_start`` then imports the same file with the same options).
    An upload that maps columns (``column_mapping``, or ``mapping_id`` naming a saved mapping)
    saves the mapping it ends up with for the workspace, dataset and header set.
    """
    target = dataset_require(dataset)
    original_name = PurePath(file.name or "upload.csv").name
    kind = format_of(original_name)
    if file.size is not None and file.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise _invalid(
            "file",
            f"The file is {file.size} bytes; the limit is {settings.IMPORT_MAX_UPLOAD_BYTES} bytes.",
            code="file_too_large",
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if not file.size:
        raise _invalid("file", "The file is empty.", code="empty_file")
    policy = on_conflict or target.on_conflict_default
    if policy not in target.on_conflict_choices:
        raise _invalid(
            "on_conflict", f"Must be one of {', '.join(target.on_conflict_choices)} for {target.name}; got {policy!r}."
        )
    zone = timezone_validate(timezone)
    mapping = column_mapping_parse(column_mapping)
    saved: SavedMapping | None = None
    if mapping_id:
        if mapping:
            raise _invalid("mapping_id", "Give either mapping_id or column_mapping, not both.")
        saved = _saved_mapping_named(workspace=workspace, mapping_id=mapping_id, dataset=target.name)
        mapping = dict(saved.mapping)
    if kind != "xlsx" and (sheet or "").strip():
        raise _invalid("sheet", "Only an Excel workbook (.xlsx) has sheets.")
    try:
        inspection = file_inspect(
            file=file,
            filename=original_name,
            dataset=target,
            column_mapping=mapping,
            encoding=encoding,
            delimiter=delimiter,
            sheet=sheet,
            # One record is enough to tell a file that holds nothing to import.
            sample_rows=1,
        )
    except ApplicationError as refused:
        if saved is None or "column_mapping" not in refused.fields:
            raise
        # The mapping came from mapping_id: the caller sent no column_mapping to blame.
        refused.fields["mapping_id"] = refused.fields.pop("column_mapping")
        raise
    if not inspection.rows:
        raise _invalid("file", "The file holds a header but no data rows: there is nothing to import.", code="no_rows")
    resolution = inspection.resolution
    assert resolution is not None
    if resolution.missing:
        missing, found = ", ".join(resolution.missing), ", ".join(inspection.header.names) or "(none)"
        raise ApplicationError(
            f"Required columns are missing: {missing}. Headers found: {found}.",
            code="missing_columns",
            fields={"file": [f"Missing required columns: {missing}.", f"Headers found: {found}."]},
        )

    job = ImportJob(
        workspace=workspace,
        dataset=target.name,
        status=ImportJob.Status.SANITIZING,
        format=kind,
        sheet=inspection.sheet,
        original_filename=original_name[:500],
        file_size=file.size or 0,
        on_conflict=policy,
        column_mapping=mapping,
        timezone=zone,
        **(started_by.job_fields() if started_by else {}),
        encoding=inspection.encoding.name if inspection.encoding else "utf-8",
        delimiter=inspection.delimiter or ",",
        headers=inspection.header.names,
        ignored_columns=resolution.ignored,
        dry_run=dry_run,
    )
    job.sha256 = sha256 or upload_sha256(file)
    job.duplicate_of = import_job_same_file(workspace=workspace, dataset=target.name, sha256=job.sha256)
    file.seek(0)
    job.quarantine_key = file_save(
        area=QUARANTINE,
        key=f"quarantine/workspace-{workspace.pk}/{uuid.uuid4().hex}.{kind}",
        content=file,
    )
    try:
        with transaction.atomic():
            if saved is not None or (mapping and remember_mapping):
                job.saved_mapping, _ = saved_mapping_save(
                    workspace=workspace,
                    dataset=target.name,
                    headers=job.headers,
                    mapping=resolution.raw.mapping(dataset=target, headers=job.headers),
                    used=True,
                )
            job.save()
            if enqueue:
                transaction.on_commit(lambda: import_job_enqueue(job=job))
    except BaseException:
        file_delete(area=QUARANTINE, key=job.quarantine_key)
        raise
    return job


IDEMPOTENCY_KEY_HOURS = 24


def import_job_create_idempotent(
    *, workspace: Workspace, idempotency_key: str, file: UploadedFile, **options: Any
) -> tuple[ImportJob, bool]:
    """``import_job_create`` at most once per Idempotency-Key; says whether the job was there already.

    The semantics of Stripe's keys and the IETF draft: the same key with the same request (file
    bytes, name and options) gives the job it created, however often it is sent; the same key
    with another request is a 422; keys are forgotten after IDEMPOTENCY_KEY_HOURS. A request
    refused by the upload checks keeps no key, so it can be corrected and sent again.
    """
    key = idempotency_key.strip()
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise _invalid("Idempotency-Key", "Must be 1 to 255 printable characters.")
    sha256 = upload_sha256(file)
    fingerprint = hashlib.sha256(
        json.dumps({"file": sha256, "name": file.name, **options}, sort_keys=True, default=str).encode()
    ).hexdigest()
    expired = timezone.now() - timedelta(hours=IDEMPOTENCY_KEY_HOURS)
    IdempotencyKey.objects.filter(workspace=workspace, created_at__lt=expired).delete()
    earlier = _idempotent_job(workspace=workspace, key=key, fingerprint=fingerprint)
    if earlier is not None:
        return earlier, True
    job: ImportJob | None = None
    try:
        with transaction.atomic():
            job = import_job_create(workspace=workspace, file=file, sha256=sha256, **options)
            IdempotencyKey.objects.create(workspace=workspace, key=key, fingerprint=fingerprint, job=job)
    except IntegrityError:
        # A request with the same key committed first (they raced): its job is the answer.
        if job is not None:
            file_delete(area=QUARANTINE, key=job.quarantine_key)
        earlier = _idempotent_job(workspace=workspace, key=key, fingerprint=fingerprint)
        if earlier is None:
            raise
        return earlier, True
    return job, False


def _idempotent_job(*, workspace: Workspace, key: str, fingerprint: str) -> ImportJob | None:
    record = IdempotencyKey.objects.select_related("job").filter(workspace=workspace, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        message = "This Idempotency-Key was used for another request; use a new key for a new upload."
        raise ApplicationError(
            message, code="idempotency_key_reused", fields={"Idempotency-Key": [message]}, status_code=422
        )
    return record.job


def timezone_validate(name: str | None) -> str:
    """An IANA zone name as given, or "" for none; anything else is a 400 naming the field."""
    name = (name or "").strip()
    if not name:
        return ""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _invalid("timezone", f"Unknown time zone {name!r}; use an IANA name such as Asia/Dubai or UTC.") from None
    return name


def upload_sha256(file: UploadedFile) -> str:
    # An upload through the API was hashed while it arrived (config.uploads).
    hashed = getattr(file, SHA256_ATTRIBUTE, None)
    if isinstance(hashed, str):
        file.seek(0)
        return hashed
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _saved_mapping_named(*, workspace: Workspace, mapping_id: str | uuid.UUID, dataset: str) -> SavedMapping:
    try:
        saved = saved_mapping_get(workspace=workspace, mapping_id=mapping_id)
    except ApplicationError:
        raise _invalid("mapping_id", f"No saved mapping {mapping_id} in this workspace.") from None
    if saved.dataset != dataset:
        raise _invalid("mapping_id", f"The saved mapping {mapping_id} is for {saved.dataset}, not {dataset}.")
    return saved


def _saved_mapping_clean(*, dataset: Dataset, headers: list[str], mapping: Mapping[str, Any]) -> dict[str, str]:
    """A mapping of dataset columns to headers of ``headers`` (or "" for none), else a 400 naming it."""
    known = {header_normalise(name) for name in headers if name.strip()}
    columns = {c.name for c in dataset.columns}
    problems = []
    for column, header in mapping.items():
        if column not in columns:
            problems.append(f"{column!r} is not a column of {dataset.name} (columns: {', '.join(sorted(columns))}).")
        elif not isinstance(header, str):
            problems.append(f"{column!r} must be mapped to a header or to an empty text.")
        elif header.strip() and header_normalise(header) not in known:
            problems.append(f"{column!r} is mapped to {header!r}, which is not one of the headers.")
    if problems:
        raise ApplicationError(problems[0], code="invalid_column_mapping", fields={"mapping": problems})
    return {column: header.strip() for column, header in mapping.items()}


def saved_mapping_save(
    *,
    workspace: Workspace,
    dataset: str,
    headers: list[str],
    mapping: Mapping[str, Any],
    name: str | None = None,
    used: bool = False,
) -> tuple[SavedMapping, bool]:
    """Save the mapping of the workspace for this dataset and header set, replacing the one there
    was; says whether it is new. ``used``: an upload is using it now."""
    target = dataset_get(dataset)
    if target is None:
        raise _invalid("dataset", f"Unknown dataset {dataset!r}.", code="unknown_dataset")
    if not any(header.strip() for header in headers):
        raise _invalid("headers", "Give the file's headers.")
    values: dict[str, Any] = {
        "headers": list(headers),
        "mapping": _saved_mapping_clean(dataset=target, headers=headers, mapping=mapping),
    }
    if name is not None:
        values["name"] = name
    if used:
        values["last_used_at"] = timezone.now()
    # update_or_create locks the row it finds, and reads again when a concurrent create wins the race.
    return SavedMapping.objects.update_or_create(
        workspace=workspace, dataset=target.name, header_key=header_set_key(headers), defaults=values
    )


def saved_mapping_update(
    *, saved_mapping: SavedMapping, mapping: Mapping[str, Any] | None = None, name: str | None = None
) -> SavedMapping:
    """Change what a saved mapping maps (the whole mapping is replaced) or its name."""
    target = dataset_get(saved_mapping.dataset)
    if target is None:
        raise _invalid("dataset", f"The dataset {saved_mapping.dataset!r} no longer exists.", code="unknown_dataset")
    if mapping is not None:
        saved_mapping.mapping = _saved_mapping_clean(dataset=target, headers=saved_mapping.headers, mapping=mapping)
    if name is not None:
        saved_mapping.name = name
    saved_mapping.save(update_fields=["mapping", "name", "updated_at"])
    return saved_mapping


def saved_mapping_delete(*, saved_mapping: SavedMapping) -> None:
    """Forget a saved mapping; jobs that used it keep their own copy of the columns they read."""
    saved_mapping.delete()


def import_job_enqueue(*, job: ImportJob) -> bool:
    """Hand the job's next task to the broker (sanitize or process, by its status); says whether
    it got there.

    A broker that is down leaves the job where it is, not failed: the watchdog queues it again
    once the broker answers, so an upload accepted with 201 is imported all the same.
    """
    from imports.tasks import import_job_process_task, import_job_sanitize_task

    task = import_job_sanitize_task if job.status == ImportJob.Status.SANITIZING else import_job_process_task
    try:
        task.delay(str(job.pk))
    except Exception:
        logger.warning("could not queue import job %s; the watchdog will queue it again", job.pk, exc_info=True)
        return False
    ImportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now())
    return True


def import_job_finish(
    *, job_id: uuid.UUID | str, status: str, reason: str = "", message: str = "", from_statuses: Any = None
) -> bool:
    """Move a job to a terminal status: the one place every job ends, whatever ends it.

    Only a job that is not final yet moves (``from_statuses`` narrows that further), so a job
    ends once; returns whether this call ended it.
    """
    assert status in ImportJob.FINAL_STATUSES, status
    now = timezone.now()
    jobs = ImportJob.objects.filter(pk=job_id).exclude(status__in=ImportJob.FINAL_STATUSES)
    if from_statuses is not None:
        jobs = jobs.filter(status__in=from_statuses)
    fields: dict[str, Any] = {"status": status, "finished_at": now, "updated_at": now}
    if status == ImportJob.Status.FAILED:
        fields.update(failure_reason=reason, error_message=message[:5000])
    ended = jobs.update(**fields) == 1
    if ended:
        logger.info("import job %s %s%s", job_id, status, f" ({reason})" if reason else "")
        transaction.on_commit(functools.partial(_notify_finished, job_id), robust=True)
        if ImportJob.objects.filter(pk=job_id, dry_run=True).exists():
            # A batch still loading holds the job's row, which the update above waited for, so
            # no batch of this run touches the keys after this.
            try:
                dry_run_claims_drop(job_id=uuid.UUID(str(job_id)))
            except DatabaseError:
                logger.warning("dry run %s: its keys were not dropped; the watchdog will", job_id, exc_info=True)
    return ended


def _notify_started(job_id: uuid.UUID | str) -> None:
    # Pages see "processing" when a worker takes the job, not only at its first batch (counting a
    # large file comes first). Never raises.
    from notifications.services import job_progress_notify

    job_progress_notify(job_id=job_id)


def _notify_changed(job_id: uuid.UUID | str, event: str | None = None) -> None:
    # Open pages redraw a job that changed outside a batch (out of quarantine, corrected rows,
    # reverted), and with an event, webhooks that chose it are queued; after the commit, so
    # they read the new state. Never raises.
    from notifications.services import job_changed_notify

    job_changed_notify(job_id=job_id, event=event)


def _notify_finished(job_id: uuid.UUID | str) -> None:
    # E-mail, webhooks and live updates; after the commit, so they see the final status, and
    # they only queue work, so a mail server or a receiver never holds the job up.
    from notifications.services import job_finished_notify

    job_finished_notify(job_id=job_id)


def import_job_fail(*, job_id: uuid.UUID | str, reason: str, message: str) -> None:
    import_job_finish(job_id=job_id, status=ImportJob.Status.FAILED, reason=reason, message=message)


def import_job_cancel(*, job: ImportJob) -> ImportJob:
    """Stop a pending or running job; a running one stops after the batch it is loading."""
    if job.is_final:
        raise ApplicationError(
            f"The job is already {job.status}.", code="job_final", status_code=status.HTTP_409_CONFLICT
        )
    import_job_finish(job_id=job.pk, status=ImportJob.Status.CANCELLED)
    job.refresh_from_db()
    return job


def _job_claim(*, job_id: uuid.UUID | str, status: str = ImportJob.Status.PROCESSING) -> bool:
    """Take the job for this run: one waiting for this step, or one in it whose worker is gone.

    ``status`` is the step: sanitizing (waiting: never started) or processing (waiting:
    pending). A job whose heartbeat is fresh belongs to a live worker, so a duplicate or early
    re-delivery of its task leaves it alone. Each claim counts as an attempt.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    if status == ImportJob.Status.SANITIZING:
        takeable = Q(status=status) & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale))
    else:
        lost = Q(status=status) & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale))
        takeable = Q(status=ImportJob.Status.PENDING) | lost
    return (
        ImportJob.objects.filter(pk=job_id)
        .filter(takeable)
        .update(
            status=status,
            started_at=Coalesce(F("started_at"), now),
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        == 1
    )


def _job_release(*, job_id: uuid.UUID | str) -> None:
    """Let the next run take a job this run could not finish (its task retries at once)."""
    try:
        ImportJob.objects.filter(
            pk=job_id, status__in=[ImportJob.Status.SANITIZING, ImportJob.Status.PROCESSING]
        ).update(heartbeat_at=None)
    except DatabaseError:
        logger.warning("import job %s: not released; the watchdog takes it over when it is stale", job_id)


def _attempts_exhausted(job: ImportJob) -> bool:
    if job.attempts <= settings.IMPORT_MAX_ATTEMPTS:
        return False
    import_job_fail(
        job_id=job.pk,
        reason="worker_lost",
        message=f"The job's worker was lost {job.attempts - 1} times; it was not started again.",
    )
    job.refresh_from_db()
    return True


def import_job_sanitize(*, job_id: uuid.UUID | str, enqueue: bool = True) -> ImportJob:
    """Write the final copy of a quarantined upload, then hand the job to processing.

    The quarantined copy is deleted once the final one is stored; when the file cannot be
    sanitized the job fails with the reason and the quarantined copy stays for inspection
    (retention deletes it). Safe to run again: the final copy is simply written again.
    """
    claimed = _job_claim(job_id=job_id, status=ImportJob.Status.SANITIZING)
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        logger.info("import job %s is %s with a live worker or past sanitizing; nothing to do", job_id, job.status)
        return job
    _notify_started(job.pk)
    if _attempts_exhausted(job):
        return job
    try:
        with JobHeartbeat(job_id=job.pk, interval=settings.IMPORT_HEARTBEAT_SECONDS, status=job.status):
            sanitized = job_sanitize_run(job=job)
    except PipelineFailure as failure:
        import_job_fail(job_id=job.pk, reason=failure.reason, message=failure.message)
        job.refresh_from_db()
        return job
    except BaseException:
        _job_release(job_id=job.pk)
        raise
    now = timezone.now()
    with transaction.atomic():
        moved = (
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.SANITIZING).update(
                status=ImportJob.Status.PENDING,
                final_key=sanitized.key,
                final_size=sanitized.size,
                sanitize_report=sanitized.report.as_dict(),
                heartbeat_at=None,
                attempts=0,
                updated_at=now,
            )
            == 1
        )
        if moved:
            # Open pages see the job leave quarantine (it may wait in the queue for a while).
            transaction.on_commit(functools.partial(_notify_changed, job.pk), robust=True)
        if moved and enqueue:
            transaction.on_commit(lambda: import_job_enqueue(job=ImportJob.objects.get(pk=job.pk)))
    job.refresh_from_db()
    if moved:
        _delete_quietly(area=QUARANTINE, key=job.quarantine_key)
        logger.info("import job %s sanitized: %s", job.pk, sanitized.report.as_dict())
    return job


def _delete_quietly(*, area: Area, key: str) -> bool:
    """Delete a stored file; a storage that fails is logged, and retention tries again later."""
    try:
        file_delete(area=area, key=key)
    except Exception:
        logger.warning("could not delete %s from %s; retention will try again", key, area, exc_info=True)
        return False
    return True


def import_job_process(*, job_id: uuid.UUID | str, on_batch: Callable[[BatchResult], None] | None = None) -> ImportJob:
    """Run a job to its end. Safe to call again for the same job: it resumes after its checkpoint.

    A job still in quarantine is sanitized first, in this process (``import_csv --wait``,
    ``ingest_feeds``, the tests).
    """
    in_quarantine = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.SANITIZING).exists()
    if in_quarantine and import_job_sanitize(job_id=job_id, enqueue=False).status != ImportJob.Status.PENDING:
        return ImportJob.objects.get(pk=job_id)
    claimed = _job_claim(job_id=job_id)
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        logger.info("import job %s is %s with a live worker or finished; nothing to do", job_id, job.status)
        return job
    _notify_started(job.pk)
    if _attempts_exhausted(job):
        return job
    try:
        job_pipeline_run(job=job, on_batch=on_batch)
        job.refresh_from_db()
        # A dry run wrote no row: it has no cleaned output.
        if job.status == ImportJob.Status.PROCESSING and not job.dry_run:
            cleaned = job_cleaned_write(job=job)
            ImportJob.objects.filter(pk=job.pk).update(cleaned_key=cleaned)
    except JobStopped as stop:
        logger.info("import job %s stopped: %s", job_id, stop)
    except PipelineFailure as failure:
        import_job_fail(job_id=job.pk, reason=failure.reason, message=failure.message)
    except BaseException:
        _job_release(job_id=job.pk)
        raise
    else:
        import_job_finish(job_id=job.pk, status=ImportJob.Status.COMPLETED, from_statuses=[ImportJob.Status.PROCESSING])
    job.refresh_from_db()
    return job


@dataclass
class WatchdogReport:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def import_jobs_watchdog() -> WatchdogReport:
    """Find the jobs nobody is working on and put them back in the queue, or fail them.

    - sanitizing or running, but the heartbeat is older than IMPORT_STALE_SECONDS: its worker is
      gone; queued again (to sanitize again, or to resume from the checkpoint), or failed
      (worker_lost) after IMPORT_MAX_ATTEMPTS;
    - waiting (pending, or sanitizing not started), never handed to the broker, or no longer in
      it: queued again.
    A job queued again is left alone for one more stale period, so a queue that is merely long
    does not fill up with copies.
    """
    report = WatchdogReport()
    now = timezone.now()
    stale = now - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    not_just_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=stale)
    lost = ImportJob.objects.filter(
        Q(status=ImportJob.Status.PROCESSING, heartbeat_at__isnull=True, updated_at__lt=stale)
        | Q(status__in=[ImportJob.Status.SANITIZING, ImportJob.Status.PROCESSING], heartbeat_at__lt=stale)
    )
    for job in lost.filter(not_just_queued).only("pk", "attempts", "status"):
        if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            message = f"The job's worker was lost {job.attempts} times; it was not started again."
            if import_job_finish(job_id=job.pk, status=ImportJob.Status.FAILED, reason="worker_lost", message=message):
                report.failed.append(str(job.pk))
        elif import_job_enqueue(job=job):
            report.requeued.append(str(job.pk))

    waiting_since = now - timedelta(seconds=settings.IMPORT_PENDING_REQUEUE_SECONDS)
    waiting = ImportJob.objects.filter(
        Q(status=ImportJob.Status.PENDING) | Q(status=ImportJob.Status.SANITIZING, heartbeat_at__isnull=True),
        created_at__lt=waiting_since,
    ).only("pk", "queued_at", "status")
    never_queued = list(waiting.filter(queued_at__isnull=True))
    held = broker_queued_job_ids()
    lost_messages = (
        [] if held is None else [j for j in waiting.filter(queued_at__lt=waiting_since) if str(j.pk) not in held]
    )
    for job in [*never_queued, *lost_messages]:
        if import_job_enqueue(job=job):
            report.requeued.append(str(job.pk))
    _dry_run_claims_sweep()
    if report.requeued or report.failed:
        logger.warning("watchdog: queued again %s, failed %s", report.requeued, report.failed)
    return report


# ---- Outputs and files ---------------------------------------------------------------------


def _final_copy_shared(*, job: ImportJob) -> bool:
    """A dry run and the import started from it read one final copy: it stays while either keeps files."""
    if not job.final_key:
        return False
    sibling = Q(dry_run_of=job.pk) | Q(pk=job.dry_run_of_id) if job.dry_run_of_id else Q(dry_run_of=job.pk)
    return ImportJob.objects.filter(sibling, final_key=job.final_key, files_removed_at__isnull=True).exists()


def _job_files_delete(*, job: ImportJob, reason: str) -> bool:
    """Delete a finished job's files and row errors and mark it; False when the storage failed
    (nothing is marked then, so the next try deletes what is left)."""
    removed = all(
        [
            _delete_quietly(area=QUARANTINE, key=job.quarantine_key),
            _final_copy_shared(job=job) or _delete_quietly(area=FILES, key=job.final_key),
            _delete_quietly(area=FILES, key=job.cleaned_key),
        ]
    )
    if not removed:
        return False
    with transaction.atomic():
        ImportRowError.objects.filter(job=job).delete()
        now = timezone.now()
        ImportJob.objects.filter(pk=job.pk).update(
            files_removed_at=Coalesce(F("files_removed_at"), now), files_removed_reason=reason, updated_at=now
        )
    logger.info("import job %s: files and row errors removed (%s)", job.pk, reason)
    return True


def import_job_files_remove(*, job: ImportJob, reason: str) -> ImportJob:
    """Delete a finished job's files (quarantined upload, final copy, cleaned output) and its
    row errors; the rows it loaded stay. The job remembers when, and why."""
    if not job.is_final:
        raise ApplicationError(
            f"The job is {job.status}; cancel it first or wait for it to finish.",
            code="job_not_final",
            status_code=status.HTTP_409_CONFLICT,
        )
    if not _job_files_delete(job=job, reason=reason):
        raise ApplicationError(
            "The file storage did not answer; nothing was marked removed. Try again.",
            code="storage_unavailable",
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    job.refresh_from_db()
    return job


def import_job_delete(*, job: ImportJob) -> ImportJob:
    """DELETE /api/imports/<id>/: a finished job's files and row errors go; the job's record stays."""
    return import_job_files_remove(job=job, reason="deleted")


# Quarantined objects no job accounts for (an upload whose request died between storing and
# saving its job) are deleted once they are this old, so an upload in flight is never touched.
ORPHAN_AGE = timedelta(hours=1)


@dataclass
class RetentionReport:
    jobs: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)


def import_files_retention(*, now: datetime | None = None) -> RetentionReport:
    """Delete the files of jobs finished more than IMPORT_FILE_RETENTION_DAYS ago, and orphaned
    quarantine objects. Run by Celery beat; 0 days keeps files forever (orphans still go)."""
    now = now or timezone.now()
    report = RetentionReport()
    days = settings.IMPORT_FILE_RETENTION_DAYS
    if days:
        expired = ImportJob.objects.filter(
            status__in=ImportJob.FINAL_STATUSES,
            finished_at__lt=now - timedelta(days=days),
            files_removed_at__isnull=True,
        ).order_by("finished_at")
        for job in expired.iterator(chunk_size=200):
            # A storage that fails leaves the job unmarked: the next run tries again.
            if _job_files_delete(job=job, reason="retention"):
                report.jobs.append(str(job.pk))
    # Objects a job still needs: those of jobs in quarantine, and of jobs that failed there
    # (kept for inspection until their own retention).
    needed = set(
        ImportJob.objects.filter(files_removed_at__isnull=True)
        .filter(Q(status=ImportJob.Status.SANITIZING) | Q(status__in=ImportJob.FINAL_STATUSES, final_key=""))
        .exclude(quarantine_key="")
        .values_list("quarantine_key", flat=True)
    )
    for stored in area_files(area=QUARANTINE, prefix="quarantine"):
        if stored.key in needed or stored.modified_at > now - ORPHAN_AGE:
            continue
        if _delete_quietly(area=QUARANTINE, key=stored.key):
            report.orphans.append(stored.key)
    if report.jobs or report.orphans:
        logger.info("retention: files of %s jobs removed, %s orphaned uploads", len(report.jobs), len(report.orphans))
    return report


def cleaned_key_for(*, job: ImportJob) -> str:
    return f"outputs/workspace-{job.workspace_id}/{job.pk}-cleaned.csv"


def job_cleaned_write(*, job: ImportJob) -> str:
    """Store the cleaned output: the rows this job created or updated, as stored (normalised), in
    row order, with their row numbers. Written once when the job completes, so it keeps what
    this import loaded even after later imports change the rows."""
    dataset = dataset_get(job.dataset)
    assert dataset is not None
    key = cleaned_key_for(job=job)
    with file_writer(area=FILES, key=key) as out:
        if connection.vendor == "postgresql":
            cleaned_csv_copy(dataset=dataset, job=job, out=out)
        else:
            for line in cleaned_csv_lines(dataset=dataset, job=job):
                out.write(line.encode("utf-8"))
    return key


def _dry_run_claims_sweep() -> None:
    """Drop the keys of dry runs that ended without dropping them (a job deleted, a drop that failed)."""
    left = dry_run_claims_left()
    if not left:
        return
    running = set(
        ImportJob.objects.filter(pk__in=left).exclude(status__in=ImportJob.FINAL_STATUSES).values_list("pk", flat=True)
    )
    for job_id in left:
        if job_id not in running:
            dry_run_claims_drop(job_id=job_id)


def import_job_start(*, job: ImportJob, started_by: StartedBy | None = None) -> ImportJob:
    """The import of a completed dry run: a new job on the same final copy, with the same options.

    The final copy is shared, not copied; it is deleted with the last of the two jobs that still
    keep files (``_job_files_delete``). A dry run starts one import; asking again is a 409 naming it.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.dry_run:
            raise _conflict("not_dry_run", "Only a dry run can be started; this job is an import.")
        if job.status != ImportJob.Status.COMPLETED:
            raise _conflict("dry_run_not_completed", f"The dry run is {job.status}; only a completed one can start.")
        started = ImportJob.objects.filter(dry_run_of=job).first()
        if started is not None:
            raise _conflict("already_started", f"This dry run was already started as job {started.pk}.")
        if job.files_removed or not job.final_key or not file_exists(area=FILES, key=job.final_key):
            raise _conflict("file_missing", "The dry run's file is no longer stored; upload it again.")
        real = ImportJob(
            workspace_id=job.workspace_id,
            dataset=job.dataset,
            # Sanitized already: the job waits for a worker to process it.
            status=ImportJob.Status.PENDING,
            format=job.format,
            sheet=job.sheet,
            original_filename=job.original_filename,
            final_key=job.final_key,
            file_size=job.file_size,
            final_size=job.final_size,
            sanitize_report=job.sanitize_report,
            sha256=job.sha256,
            encoding=job.encoding,
            delimiter=job.delimiter,
            on_conflict=job.on_conflict,
            column_mapping=job.column_mapping,
            timezone=job.timezone,
            headers=job.headers,
            ignored_columns=job.ignored_columns,
            saved_mapping_id=job.saved_mapping_id,
            # The same file read the same way: pass 1 need not count it again.
            total_rows=job.total_rows,
            dry_run_of=job,
            **(started_by.job_fields() if started_by else {}),
        )
        real.duplicate_of = import_job_same_file(workspace=job.workspace, dataset=job.dataset, sha256=job.sha256)
        real.save()
        transaction.on_commit(lambda: import_job_enqueue(job=real))
    return real


def _conflict(code: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=code, status_code=status.HTTP_409_CONFLICT)


@dataclass
class ResubmitReport:
    job: ImportJob
    # Rows now loaded, updated, unchanged or skipped: their errors are resolved.
    resolved: list[int]
    # Rows still rejected, with their new messages.
    still_failing: list[ImportRowError]


def import_job_rows_resubmit(*, job: ImportJob, rows: Sequence[tuple[int, Mapping[str, str]]]) -> ResubmitReport:
    """Rejected rows of a completed job, corrected, loaded into the same job.

    ``rows``: (row_number, {dataset column: text}); the other cells stay as the file wrote them.
    The rows go through the job's validation and conflict policy, as one batch of the job:
    the counters move (failed down, created, updated, unchanged or skipped up), the errors of rows now
    loaded are resolved, and rows still refused keep their error with the new messages.
    """
    numbers = [number for number, _ in rows]
    with transaction.atomic():
        job, stored = _resubmit_lock(job=job, numbers=numbers)
        dataset = dataset_get(job.dataset)
        if dataset is None:
            raise _conflict("unknown_dataset", f"The dataset {job.dataset!r} no longer exists.")
        try:
            indexes = columns_resolve(dataset=dataset, headers=job.headers, column_mapping=job.column_mapping).indexes
        except InputRefused as refused:
            raise _conflict(refused.code, refused.message) from None
        width = len(job.headers)
        records = []
        problems = []
        for number, values in rows:
            # A ragged row is cut or padded to the header's width: the cells are what is given now.
            fields = (raw_fields(stored[number].raw_data, job.delimiter) + [""] * width)[:width]
            for column, text in values.items():
                if column not in indexes:
                    known = ", ".join(c.name for c in dataset.columns if c.name in indexes)
                    problems.append(f"Row {number}: {column!r} is not a column read from this file ({known}).")
                else:
                    fields[indexes[column]] = text
            records.append((number, fields))
        if problems:
            raise ApplicationError(problems[0], code="invalid_rows", fields={"rows": problems[:20]})
        return _resubmit(job=job, stored=stored, records=records)


def import_job_errors_csv_resubmit(*, job: ImportJob, file: UploadedFile) -> ResubmitReport:
    """``import_job_rows_resubmit`` with the job's errors file, corrected in a spreadsheet: every
    row in it is given again whole (the job's columns, found by name, and row_number)."""
    with field_size_limit(settings.IMPORT_MAX_FIELD_CHARS):
        records = errors_csv_read(handle=file, headers=job.headers, max_rows=settings.IMPORT_RESUBMIT_MAX_ROWS)
    if not records:
        raise _invalid("file", "The errors file holds no row.", code="invalid_errors_file")
    with transaction.atomic():
        job, stored = _resubmit_lock(job=job, numbers=[number for number, _ in records], field="file")
        return _resubmit(job=job, stored=stored, records=records)


def _resubmit_lock(
    *, job: ImportJob, numbers: list[int], field: str = "rows"
) -> tuple[ImportJob, dict[int, ImportRowError]]:
    """The job and its open errors for these rows, locked: one resubmission (or revert) at a time."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.dry_run:
        raise _conflict("dry_run", "A dry run loads nothing; correct the file and run it again.")
    if job.reverted_at is not None:
        raise _conflict("job_reverted", "The job was reverted; import the file again instead.")
    if job.status != ImportJob.Status.COMPLETED:
        raise _conflict("job_not_completed", f"The job is {job.status}; rows can be sent again once it completed.")
    limit = settings.IMPORT_RESUBMIT_MAX_ROWS
    if not numbers:
        raise _invalid(field, "Give at least one row.")
    if len(numbers) > limit:
        raise _invalid(field, f"{len(numbers)} rows; at most {limit} can be sent at once.")
    repeated = sorted(n for n, times in Counter(numbers).items() if times > 1)
    if repeated:
        raise _invalid(field, f"Rows given twice: {', '.join(map(str, repeated[:20]))}.")
    stored = {
        error.row_number: error
        for error in ImportRowError.objects.select_for_update().filter(
            job=job, row_number__in=numbers, resolved_at__isnull=True
        )
    }
    unknown = [n for n in numbers if n not in stored]
    if unknown:
        shown = ", ".join(map(str, unknown[:20]))
        raise _invalid(field, f"Not rejected rows of this job, or resolved already: {shown}.", code="unknown_rows")
    return job, stored


def _resubmit(
    *, job: ImportJob, stored: dict[int, ImportRowError], records: list[tuple[int, list[str]]]
) -> ResubmitReport:
    records.sort(key=lambda record: record[0])
    try:
        result = rows_load_again(job=job, records=records)
    except PipelineFailure as failure:
        raise _conflict(failure.reason, failure.message) from None
    now = timezone.now()
    failing = {row.row_number: row for row in result.rejected}
    resolved = [number for number, _ in records if number not in failing]
    ImportRowError.objects.filter(job=job, row_number__in=resolved).update(resolved_at=now)
    still = []
    for number, row in sorted(failing.items()):
        error = stored[number]
        error.raw_data, error.errors = row.raw_data, row.errors
        still.append(error)
    ImportRowError.objects.bulk_update(still, ["raw_data", "errors"], batch_size=1000)
    increments = result.counter_increments(recounted_failed=len(records))
    ImportJob.objects.filter(pk=job.pk).update(
        **{name: F(name) + value for name, value in increments.items() if value},
        stored_errors=F("stored_errors") - len(resolved),
        updated_at=now,
    )
    transaction.on_commit(functools.partial(_notify_changed, job.pk, "import.resubmitted"), robust=True)
    job.refresh_from_db()
    logger.info("import job %s: %s rows given again, %s resolved", job.pk, len(records), len(resolved))
    return ResubmitReport(job=job, resolved=resolved, still_failing=still)


@dataclass
class RevertReport:
    job: ImportJob
    result: RevertResult


def import_job_revert(*, job: ImportJob) -> RevertReport:
    """Undo a finished job: the rows it created are deleted, the rows it updated get their
    previous values back; rows a later job has changed since are left alone and reported.

    One transaction, holding the job's row; the dataset's batch hook runs for the rows touched.
    A job is reverted once, and takes no corrected rows afterwards.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.dry_run:
            raise _conflict("dry_run", "A dry run wrote no row; there is nothing to revert.")
        if not job.is_final:
            raise _conflict("job_not_final", f"The job is {job.status}; cancel it or wait for its end first.")
        if job.reverted_at is not None:
            raise _conflict("already_reverted", "The job was reverted already.")
        dataset = dataset_get(job.dataset)
        if dataset is None:
            raise _conflict("unknown_dataset", f"The dataset {job.dataset!r} no longer exists.")
        result = job_rows_revert(job=job, dataset=dataset)
        now = timezone.now()
        ImportJob.objects.filter(pk=job.pk).update(
            reverted_at=now,
            reverted_deleted_rows=result.deleted,
            reverted_restored_rows=result.restored,
            reverted_kept_rows=result.kept,
            updated_at=now,
        )
        transaction.on_commit(functools.partial(_notify_changed, job.pk, "import.reverted"), robust=True)
    job.refresh_from_db()
    logger.info(
        "import job %s reverted: %s deleted, %s restored, %s left alone",
        job.pk,
        job.reverted_deleted_rows,
        job.reverted_restored_rows,
        job.reverted_kept_rows,
    )
    return RevertReport(job=job, result=result)
