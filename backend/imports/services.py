"""Writes of the imports app: create a job from an upload, run it, cancel it."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import uuid
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from rest_framework import status

from accounts.models import Workspace
from config.errors import ApplicationError
from datasets.registry import dataset_get, dataset_list
from imports.broker import broker_queued_job_ids
from imports.models import IdempotencyKey, ImportJob
from imports.origin import StartedBy
from imports.pipeline.errors import InputRefused
from imports.pipeline.mapping import columns_resolve
from imports.pipeline.progress import JobStopped
from imports.pipeline.reading import CANDIDATE_DELIMITERS, field_size_limit, format_detect, header_read
from imports.pipeline.results import BatchResult
from imports.pipeline.run import PipelineFailure, job_pipeline_run
from imports.selectors import import_job_same_file

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".csv",)


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
    delimiter: str | None = None,
    encoding: str | None = None,
    on_conflict: str | None = None,
    timezone: str | None = None,
    sha256: str | None = None,
    started_by: StartedBy | None = None,
    enqueue: bool = True,
) -> ImportJob:
    """Check an upload, store it and queue its job. On any refusal nothing is left behind.

    ``enqueue=False`` leaves the job pending for a caller that processes it in-process.
    """
    target = dataset_get(dataset)
    if target is None:
        known = ", ".join(d.name for d in dataset_list())
        raise _invalid("dataset", f"Unknown dataset {dataset!r}. Known datasets: {known}.", code="unknown_dataset")
    original_name = PurePath(file.name or "upload.csv").name
    if not original_name.lower().endswith(ALLOWED_EXTENSIONS):
        raise _invalid("file", f"Only .csv files can be imported; got {original_name!r}.", code="invalid_extension")
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
    if delimiter and (len(delimiter) != 1 or delimiter in '"\r\n'):
        names = {"\t": "tab"}
        shown = ", ".join(repr(names.get(d, d)) for d in CANDIDATE_DELIMITERS)
        raise _invalid("delimiter", f"Must be one character such as {shown}.")
    mapping = column_mapping_parse(column_mapping)

    job = ImportJob(
        workspace=workspace,
        dataset=target.name,
        original_filename=original_name[:500],
        file_size=file.size or 0,
        on_conflict=policy,
        column_mapping=mapping,
        timezone=zone,
        **(started_by.job_fields() if started_by else {}),
    )
    job.sha256 = sha256 or upload_sha256(file)
    job.duplicate_of = import_job_same_file(workspace=workspace, dataset=target.name, sha256=job.sha256)
    job.file.save(original_name, file, save=False)
    try:
        _inspect_stored_file(job=job, requested_encoding=encoding, requested_delimiter=delimiter)
        with transaction.atomic():
            job.save()
            if enqueue:
                transaction.on_commit(lambda: import_job_enqueue(job=job))
    except BaseException:
        job.file.delete(save=False)
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
            job.file.delete(save=False)
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
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _inspect_stored_file(*, job: ImportJob, requested_encoding: str | None, requested_delimiter: str | None) -> None:
    """Read the head of the stored file: encoding, delimiter, header, and the column resolution."""
    try:
        _inspect_head(job=job, requested_encoding=requested_encoding, requested_delimiter=requested_delimiter)
    except InputRefused as refused:
        raise ApplicationError(refused.message, code=refused.code, fields={refused.field: refused.details}) from None


def _inspect_head(*, job: ImportJob, requested_encoding: str | None, requested_delimiter: str | None) -> None:
    path = Path(job.file.path)
    dataset = dataset_get(job.dataset)
    assert dataset is not None
    fmt = format_detect(path=path, requested_encoding=requested_encoding, requested_delimiter=requested_delimiter)
    try:
        with field_size_limit(settings.IMPORT_MAX_FIELD_CHARS):
            header = header_read(path=path, fmt=fmt)
    except UnicodeError as exc:
        raise _invalid(
            "encoding", f"The file cannot be decoded as {fmt.encoding}: {exc}.", code="decode_error"
        ) from None
    except Exception as exc:  # csv.Error and friends: the header itself is not CSV
        raise _invalid("file", f"The header cannot be read as CSV: {exc}.", code="invalid_header") from None
    if header is None:
        raise _invalid("file", "The file holds no header row.", code="empty_file")
    undecodable = [name for name in header.names if not name.isascii() and _has_surrogates(name)]
    if undecodable:
        raise _invalid(
            "encoding",
            f"The header is not valid {fmt.encoding}. Pass the file's encoding, e.g. encoding=latin-1.",
            code="decode_error",
        )
    resolution = columns_resolve(dataset=dataset, headers=header.names, column_mapping=job.column_mapping)
    if resolution.missing:
        missing, found = ", ".join(resolution.missing), ", ".join(header.names) or "(none)"
        raise ApplicationError(
            f"Required columns are missing: {missing}. Headers found: {found}.",
            code="missing_columns",
            fields={"file": [f"Missing required columns: {missing}.", f"Headers found: {found}."]},
        )
    job.encoding = fmt.encoding
    job.delimiter = fmt.delimiter
    job.headers = header.names
    job.ignored_columns = resolution.ignored


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def import_job_enqueue(*, job: ImportJob) -> bool:
    """Hand the job to the broker; says whether it got there.

    A broker that is down leaves the job pending, not failed: the watchdog queues it again once
    the broker answers, so an upload accepted with 201 is imported all the same.
    """
    from imports.tasks import import_job_process_task

    try:
        import_job_process_task.delay(str(job.pk))
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
    return ended


def _notify_started(job_id: uuid.UUID | str) -> None:
    # Pages see "processing" when a worker takes the job, not only at its first batch (counting a
    # large file comes first). Never raises.
    from notifications.services import job_progress_notify

    job_progress_notify(job_id=job_id)


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


def _job_claim(*, job_id: uuid.UUID | str) -> bool:
    """Take the job for this run: a pending one, or a running one whose worker is gone.

    A running job whose heartbeat is fresh belongs to a live worker, so a duplicate or early
    re-delivery of its task leaves it alone. Each claim counts as an attempt.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    lost = Q(status=ImportJob.Status.PROCESSING) & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale))
    return (
        ImportJob.objects.filter(pk=job_id)
        .filter(Q(status=ImportJob.Status.PENDING) | lost)
        .update(
            status=ImportJob.Status.PROCESSING,
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
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PROCESSING).update(heartbeat_at=None)
    except DatabaseError:
        logger.warning("import job %s: not released; the watchdog takes it over when it is stale", job_id)


def import_job_process(*, job_id: uuid.UUID | str, on_batch: Callable[[BatchResult], None] | None = None) -> ImportJob:
    """Run a job to its end. Safe to call again for the same job: it resumes after its checkpoint."""
    claimed = _job_claim(job_id=job_id)
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        logger.info("import job %s is %s with a live worker or finished; nothing to do", job_id, job.status)
        return job
    _notify_started(job.pk)
    if job.attempts > settings.IMPORT_MAX_ATTEMPTS:
        import_job_fail(
            job_id=job.pk,
            reason="worker_lost",
            message=f"The job's worker was lost {job.attempts - 1} times; it was not started again.",
        )
        job.refresh_from_db()
        return job
    try:
        job_pipeline_run(job=job, on_batch=on_batch)
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

    - running, but the heartbeat is older than IMPORT_STALE_SECONDS: its worker is gone; queued
      again to resume from the checkpoint, or failed (worker_lost) after IMPORT_MAX_ATTEMPTS;
    - pending, never handed to the broker, or no longer in it: queued again.
    A job queued again is left alone for one more stale period, so a queue that is merely long
    does not fill up with copies.
    """
    report = WatchdogReport()
    now = timezone.now()
    stale = now - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    not_just_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=stale)
    lost = ImportJob.objects.filter(status=ImportJob.Status.PROCESSING).filter(
        (Q(heartbeat_at__isnull=True) & Q(updated_at__lt=stale)) | Q(heartbeat_at__lt=stale)
    )
    for job in lost.filter(not_just_queued).only("pk", "attempts"):
        if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            message = f"The job's worker was lost {job.attempts} times; it was not started again."
            if import_job_finish(job_id=job.pk, status=ImportJob.Status.FAILED, reason="worker_lost", message=message):
                report.failed.append(str(job.pk))
        elif import_job_enqueue(job=job):
            report.requeued.append(str(job.pk))

    waiting = now - timedelta(seconds=settings.IMPORT_PENDING_REQUEUE_SECONDS)
    pending = ImportJob.objects.filter(status=ImportJob.Status.PENDING, created_at__lt=waiting).only("pk", "queued_at")
    never_queued = list(pending.filter(queued_at__isnull=True))
    held = broker_queued_job_ids()
    lost_messages = [] if held is None else [j for j in pending.filter(queued_at__lt=waiting) if str(j.pk) not in held]
    for job in [*never_queued, *lost_messages]:
        if import_job_enqueue(job=job):
            report.requeued.append(str(job.pk))
    if report.requeued or report.failed:
        logger.warning("watchdog: queued again %s, failed %s", report.requeued, report.failed)
    return report
