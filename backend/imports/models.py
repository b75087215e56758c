from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


def import_file_path(job: ImportJob, filename: str) -> str:
    # Named by the first migrations, from when the upload was a FileField; no field uses it now.
    return f"imports/workspace-{job.workspace_id}/{uuid.uuid4().hex}.csv"


class ImportJob(models.Model):
    """One uploaded file on its way into a dataset: the single source of truth for status and counts."""

    class Status(models.TextChoices):
        PENDING = "pending"
        # The upload is in quarantine; the sanitize task is writing its final copy.
        SANITIZING = "sanitizing"
        PROCESSING = "processing"
        COMPLETED = "completed"
        FAILED = "failed"
        CANCELLED = "cancelled"

    class OnConflict(models.TextChoices):
        ERROR = "error", "Reject the row"
        SKIP = "skip", "Keep the stored row"
        UPDATE = "update", "Overwrite the stored row"

    class StartedVia(models.TextChoices):
        USER = "user", "Signed-in user"
        API_KEY = "api_key", "API key"
        COMMAND_LINE = "command_line", "Command line"
        FEED = "feed", "Feed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel workbook"

    class Outcome(models.TextChoices):
        COMPLETED = "completed", "Every row was loaded, updated, unchanged or skipped"
        COMPLETED_WITH_ERRORS = "completed_with_errors", "Completed, but some rows were rejected"
        ALL_FAILED = "all_failed", "Completed, but every row was rejected"
        FAILED = "failed", "The file could not be processed"
        CANCELLED = "cancelled", "Stopped before the end"
        REVERTED = "reverted", "Undone: its rows were deleted or put back"

    FINAL_STATUSES = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)
    UNFINISHED_STATUSES = (Status.PENDING, Status.SANITIZING, Status.PROCESSING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="import_jobs")
    dataset = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)

    # The files, as keys of the storage areas (imports/storage.py), under generated names: the
    # name a file was uploaded with is only data. The upload lands in quarantine as received;
    # the sanitize task writes the final copy (UTF-8 CSV) that passes 1 and 2 read, and the
    # completed job its cleaned output. Keys stay recorded after their files are removed.
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.CSV)
    # The worksheet of a workbook that is imported (empty for CSV).
    sheet = models.CharField(max_length=100, blank=True, default="")
    original_filename = models.CharField(max_length=500)
    quarantine_key = models.CharField(max_length=500, blank=True, default="")
    final_key = models.CharField(max_length=500, blank=True, default="")
    cleaned_key = models.CharField(max_length=500, blank=True, default="")
    # Bytes as uploaded, and of the final copy.
    file_size = models.BigIntegerField(default=0)
    final_size = models.BigIntegerField(null=True, blank=True)
    # What sanitizing changed: counts of removed characters, normalised newlines, cut records...
    sanitize_report = models.JSONField(default=dict, blank=True)
    # When the job's files (and row errors) were removed, and why: "deleted" or "retention".
    files_removed_at = models.DateTimeField(null=True, blank=True)
    files_removed_reason = models.CharField(max_length=20, blank=True, default="")
    # An earlier job of the workspace that imported the same bytes into the same dataset.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    # Of the file as uploaded: tells a file already imported (feeds skip those).
    sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True)

    # How to read it, decided at upload: the encoding and delimiter of the file as uploaded
    # (the final copy is always UTF-8, with the same delimiter).
    encoding = models.CharField(max_length=50, default="utf-8")
    delimiter = models.CharField(max_length=1, default=",")
    on_conflict = models.CharField(max_length=10, choices=OnConflict.choices, default=OnConflict.ERROR)
    column_mapping = models.JSONField(default=dict, blank=True)
    # A dry run classifies every row as the import would, writing none; its counters and row
    # errors are what the import would give. A real job started from one names it.
    dry_run = models.BooleanField(default=False)
    dry_run_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="started_job"
    )
    # The workspace's remembered mapping for this file's header set, when the upload used a mapping.
    saved_mapping = models.ForeignKey(
        "imports.SavedMapping", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # IANA zone of date-times written without one; empty means the dataset's own.
    timezone = models.CharField(max_length=64, blank=True, default="")
    headers = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)

    # Counters. processed = created + updated + unchanged + skipped + failed; they move once per
    # batch. unchanged: stored rows given again with the same values (update policy), not written.
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    processed_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    unchanged_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    failed_rows = models.PositiveIntegerField(default=0)
    # Row errors stored and not resolved (at most IMPORT_MAX_STORED_ERRORS are stored).
    stored_errors = models.PositiveIntegerField(default=0)
    # The last spreadsheet row whose outcome is committed; a re-run resumes after it.
    checkpoint_row = models.PositiveIntegerField(default=0)

    # Crash recovery. A running job's worker touches heartbeat_at with every batch and on a
    # timer in between; a job whose heartbeat is older than IMPORT_STALE_SECONDS has lost its
    # worker, and is taken over (by a re-delivered task or the watchdog's re-queue) from its
    # checkpoint. attempts counts the runs that started it; past IMPORT_MAX_ATTEMPTS it fails.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # How long the last batch took to load and record (the metrics show it for running jobs).
    last_batch_seconds = models.FloatField(null=True, blank=True)
    # When the job was last handed to the broker; NULL while it never reached it.
    queued_at = models.DateTimeField(null=True, blank=True)

    # Who started it (imports/origin.py). The name is kept as text so History still reads right
    # after the user or the API key is deleted; "" for jobs from before it was recorded.
    started_via = models.CharField(max_length=20, choices=StartedVia.choices, blank=True, default="")
    started_by_name = models.CharField(max_length=200, blank=True, default="")
    started_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_key_prefix = models.CharField(max_length=16, blank=True, default="")

    # Undo (POST /api/imports/<id>/revert/): when, and what became of the rows the job wrote.
    reverted_at = models.DateTimeField(null=True, blank=True)
    reverted_deleted_rows = models.PositiveIntegerField(default=0)
    reverted_restored_rows = models.PositiveIntegerField(default=0)
    # Created or updated by the job, and changed since by a later job (or gone): left alone.
    reverted_kept_rows = models.PositiveIntegerField(default=0)

    error_message = models.TextField(blank=True, default="")
    failure_reason = models.CharField(max_length=50, blank=True, default="")

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="imports_job_ws_created_idx"),
            models.Index(fields=["workspace", "status"], name="imports_job_ws_status_idx"),
            # The watchdog's scan: only unfinished jobs.
            models.Index(
                fields=["status", "heartbeat_at"],
                name="imports_job_unfinished_idx",
                condition=models.Q(status__in=["pending", "sanitizing", "processing"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.original_filename} ({self.status})"

    @property
    def success_rows(self) -> int:
        return self.created_rows + self.updated_rows

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def files_removed(self) -> bool:
        return self.files_removed_at is not None

    @property
    def outcome(self) -> str | None:
        """How a finished job went, from its status and counters; None while it runs.

        Derived on every read and never stored, so it cannot disagree with the counters.
        """
        if self.reverted_at is not None:
            return self.Outcome.REVERTED
        if self.status == self.Status.FAILED:
            return self.Outcome.FAILED
        if self.status == self.Status.CANCELLED:
            return self.Outcome.CANCELLED
        if self.status != self.Status.COMPLETED:
            return None
        if not self.failed_rows:
            return self.Outcome.COMPLETED
        if self.failed_rows >= self.processed_rows:
            return self.Outcome.ALL_FAILED
        return self.Outcome.COMPLETED_WITH_ERRORS


class ImportRowError(models.Model):
    """A rejected record: where it was, what it said, and why it was refused."""

    # No database constraint, as on the datasets' workspace: PostgreSQL checked it for every
    # stored error at commit. Only the worker writes row errors, for its own job, and deleting
    # a job (or its workspace) goes through the ORM, whose CASCADE deletes them just the same.
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors", db_constraint=False)
    row_number = models.PositiveIntegerField()
    raw_data = models.TextField()
    # {column: [messages]}; problems with the whole record sit under "__all__".
    errors = models.JSONField()
    # When a corrected version of the row was given again and loaded (or skipped): the error is
    # kept for the record, and no longer counts as a failure of the job.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="imports_rowerror_job_row_uniq"),
        ]

    def __str__(self) -> str:
        return f"row {self.row_number} of {self.job_id}"


class ImportRowBefore(models.Model):
    """A stored row as it was before a job's batch updated it: what a revert of the job puts back.

    Written in the batch's own transaction, only for the rows the batch updates, so imports that
    only create rows pay nothing for it.
    """

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    # The primary key of the row in the dataset's table.
    record_id = models.BigIntegerField()
    # The job that had written the row before; tells a revert of that job its row was changed since.
    previous_job_id = models.UUIDField(null=True, blank=True)
    # The row's columns before the update, by column name.
    data = models.JSONField()

    class Meta:
        indexes = [
            models.Index(fields=["job", "record_id"], name="imports_rowbefore_job_idx"),
            models.Index(fields=["previous_job_id"], name="imports_rowbefore_prev_idx"),
        ]

    def __str__(self) -> str:
        return f"row {self.record_id} before {self.job_id}"


class DryRunClaim(models.Model):
    """A key a dry run's file would write, on databases without the per-job table of
    PostgreSQL (imports.pipeline.loading.OrmDryRunLoader). Deleted when the dry run ends."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    # The key's and the row's values as the database stores them, as JSON lists of text.
    key = models.TextField()
    row_number = models.PositiveIntegerField()
    values = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="imports_dryrunclaim_key_uniq")]

    def __str__(self) -> str:
        return f"{self.key} at row {self.row_number} of {self.job_id}"


class IdempotencyKey(models.Model):
    """An upload's Idempotency-Key: the same request sent again gets the same job, not a new one.

    Kept IDEMPOTENCY_KEY_HOURS (24) per workspace; the fingerprint tells the same request from
    another one reusing the key.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="imports_idempotency_key_uniq")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.job_id}"


class SavedMapping(models.Model):
    """A column mapping a workspace used for one dataset and one set of headers.

    Kept when an upload maps columns, proposed again for a file with the same header set (headers
    compared as the matching compares them: trimmed, case-folded, in any order), and named by
    later uploads with ``mapping_id``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    dataset = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True, default="")
    # sha256 of the header set (imports.pipeline.mapping.header_set): what "the same headers" means.
    header_key = models.CharField(max_length=64)
    # The headers as the file that saved the mapping wrote them, in its order.
    headers = models.JSONField(default=list)
    # Dataset column -> header it reads, or "" for a column left empty.
    mapping = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "dataset", "header_key"], name="imports_savedmapping_headers_uniq"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.dataset}: {', '.join(self.headers)}"
