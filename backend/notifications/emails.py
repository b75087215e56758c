"""The e-mail about a finished job: subject, plain text and HTML from one set of facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from imports.models import ImportJob
from imports.pipeline.progress import job_metrics
from imports.selectors import import_row_error_list

# Enough to see what went wrong without turning the mail into the error report (errors.csv is linked).
REJECTED_ROWS_SHOWN = 5
RAW_ROW_CHARS = 200

STATUS_WORDS = {
    ImportJob.Status.COMPLETED: "completed",
    ImportJob.Status.FAILED: "failed",
    ImportJob.Status.CANCELLED: "was cancelled",
}


@dataclass(frozen=True)
class RejectedRowLine:
    row_number: int
    problems: str
    raw: str


def job_url(job: ImportJob) -> str:
    return f"{settings.SITE_URL}/imports/{job.pk}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {rest} s"


def _rejected_rows(job: ImportJob) -> list[RejectedRowLine]:
    if not job.stored_errors:
        return []
    lines = []
    for error in import_row_error_list(job=job)[:REJECTED_ROWS_SHOWN]:
        problems = "; ".join(
            f"{'row' if column == '__all__' else column}: {' '.join(messages)}"
            for column, messages in error.errors.items()
        )
        raw = error.raw_data if len(error.raw_data) <= RAW_ROW_CHARS else error.raw_data[:RAW_ROW_CHARS] + "…"
        lines.append(RejectedRowLine(row_number=error.row_number, problems=problems, raw=raw))
    return lines


def job_email_context(job: ImportJob) -> dict[str, Any]:
    metrics = job_metrics(job)
    return {
        "job": job,
        "status_words": STATUS_WORDS.get(ImportJob.Status(job.status), job.status),
        "duration": _duration(metrics["duration_seconds"]),
        "counters": [
            ("Rows in the file", job.total_rows if job.total_rows is not None else "—"),
            ("Processed", job.processed_rows),
            ("Created", job.created_rows),
            ("Updated", job.updated_rows),
            ("Unchanged", job.unchanged_rows),
            ("Skipped", job.skipped_rows),
            ("Rejected", job.failed_rows),
        ],
        "rejected_rows": _rejected_rows(job),
        "more_rejected": max(job.failed_rows - REJECTED_ROWS_SHOWN, 0),
        "job_url": job_url(job),
        "settings_url": f"{settings.SITE_URL}/settings",
    }


def job_email_subject(job: ImportJob) -> str:
    words = STATUS_WORDS.get(ImportJob.Status(job.status), job.status)
    tail = ""
    if job.status == ImportJob.Status.COMPLETED:
        tail = f": {job.created_rows + job.updated_rows} rows stored, {job.failed_rows} rejected"
    elif job.status == ImportJob.Status.FAILED and job.failure_reason:
        tail = f" ({job.failure_reason})"
    # Header injection: the file name is the client's; no line breaks may reach the Subject.
    name = " ".join(job.original_filename.split())
    return f"[Intake] {name} into {job.dataset} {words}{tail}"


def job_email_message(*, job: ImportJob, recipients: list[str]) -> EmailMultiAlternatives:
    context = job_email_context(job)
    message = EmailMultiAlternatives(
        subject=job_email_subject(job),
        body=render_to_string("notifications/job_finished.txt", context),
        to=recipients,
        headers={"X-Intake-Job": str(job.pk)},
    )
    message.attach_alternative(render_to_string("notifications/job_finished.html", context), "text/html")
    return message
