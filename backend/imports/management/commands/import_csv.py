from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import workspace_get_or_create
from config.errors import ApplicationError
from imports.models import ImportJob
from imports.origin import StartedBy
from imports.pipeline.progress import job_metrics
from imports.pipeline.results import BatchResult
from imports.services import import_job_create, import_job_process


class Command(BaseCommand):
    help = "Import a CSV file or an Excel workbook (.xlsx) through the same pipeline as the API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--workspace", required=True)
        parser.add_argument("--dataset", required=True)
        parser.add_argument("--on-conflict", choices=ImportJob.OnConflict.values, default="error")
        parser.add_argument("--delimiter")
        parser.add_argument("--encoding")
        parser.add_argument("--sheet", help="The worksheet of an .xlsx file (default: the first).")
        parser.add_argument("--timezone", help="IANA zone of date-times written without one.")
        parser.add_argument("--column-mapping", help='JSON object, e.g. \'{"author": "Writer"}\'')
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what the import would create, update, skip and reject, writing no row.",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Process the file here and print progress, instead of queueing it for a worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        workspace = workspace_get_or_create(slug=options["workspace"])
        try:
            with path.open("rb") as handle:
                job = import_job_create(
                    workspace=workspace,
                    file=UploadedFile(handle, name=path.name, size=path.stat().st_size),
                    dataset=options["dataset"],
                    column_mapping=options["column_mapping"],
                    delimiter=options["delimiter"],
                    encoding=options["encoding"],
                    on_conflict=options["on_conflict"],
                    started_by=StartedBy.command_line(),
                    sheet=options["sheet"],
                    timezone=options["timezone"],
                    dry_run=options["dry_run"],
                    enqueue=not options["wait"],
                )
        except ApplicationError as error:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
            raise CommandError(f"{error.message} ({details})" if details else error.message) from None
        self.stdout.write(f"Job {job.pk} created for {path.name}.")
        if not options["wait"]:
            self.stdout.write(f"Queued; a worker will process it. Follow it at /api/imports/{job.pk}/.")
            return

        started = time.monotonic()

        def report(result: BatchResult) -> None:
            current = ImportJob.objects.get(pk=job.pk)
            metrics = job_metrics(current)
            self.stdout.write(
                f"  {current.processed_rows}/{current.total_rows} rows "
                f"({metrics['progress_percent']:.1f} %), {current.failed_rows} failed"
            )

        job = import_job_process(job_id=job.pk, on_batch=report)
        self.stdout.write(
            f"{'Dry run' if job.dry_run else 'Job'} {job.pk} {job.outcome} in {time.monotonic() - started:.1f} s: "
            f"{job.total_rows} rows, {job.created_rows} created, {job.updated_rows} updated, "
            f"{job.unchanged_rows} unchanged, {job.skipped_rows} skipped, {job.failed_rows} failed."
        )
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(f"{job.failure_reason}: {job.error_message}")
