from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workspace
from config.errors import ApplicationError
from datasets.registry import dataset_get, dataset_list
from feeds.models import FeedSource
from feeds.services import FeedRefresh, feed_folder_import, feed_folder_resolve
from imports.models import ImportJob
from imports.services import import_job_process


class Command(BaseCommand):
    help = (
        "Import the new files of a workspace's feeds and print a summary per feed. Without --folder, "
        "reads each configured feed source; with --folder DIR, reads DIR/<feed>/ for every feed that "
        "has such a folder (e.g. DIR/card_pickup/). Files already imported (same sha256) are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("--folder", type=Path, help="A folder holding one sub-folder per feed.")
        parser.add_argument("--feed", action="append", help="Only this feed (dataset); may be repeated.")
        parser.add_argument(
            "--queue", action="store_true", help="Queue the jobs for a worker instead of processing them here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']!r}.")
        wanted = options["feed"] or []
        unknown = [name for name in wanted if dataset_get(name) is None]
        if unknown:
            raise CommandError(
                f"Unknown feed(s): {', '.join(unknown)}. Feeds: {', '.join(d.name for d in dataset_list())}."
            )
        folders = self._folders(workspace=workspace, root=options["folder"], wanted=wanted)
        if not folders:
            raise CommandError(
                "No feed to read: configure feed sources, or give --folder with one sub-folder per feed."
            )
        failed = False
        for feed, folder in folders:
            refresh = feed_folder_import(workspace=workspace, dataset=feed, folder=folder, enqueue=options["queue"])
            if not options["queue"]:
                refresh.jobs = [import_job_process(job_id=job.pk) for job in refresh.jobs]
            failed |= self._report(refresh, queued=options["queue"])
        if failed:
            raise CommandError("Some files were refused or failed; see above.")

    def _folders(self, *, workspace: Workspace, root: Path | None, wanted: list[str]) -> list[tuple[str, Path]]:
        if root is not None:
            if not root.is_dir():
                raise CommandError(f"No folder at {root}.")
            names = wanted or [d.name for d in dataset_list()]
            return [(name, root / name) for name in names if (root / name).is_dir()]
        sources = FeedSource.objects.filter(workspace=workspace).order_by("dataset")
        if wanted:
            sources = sources.filter(dataset__in=wanted)
        try:
            return [(source.dataset, feed_folder_resolve(source.folder)) for source in sources]
        except ApplicationError as error:
            raise CommandError(error.message) from None

    def _report(self, refresh: FeedRefresh, *, queued: bool) -> bool:
        jobs = refresh.jobs
        self.stdout.write(
            f"{refresh.dataset}: {len(jobs)} file(s) {'queued' if queued else 'imported'}, "
            f"{len(refresh.skipped)} already imported, {len(refresh.refused)} refused"
        )
        for job in jobs:
            self.stdout.write(
                f"  {job.original_filename}: {job.status}, {job.total_rows} rows, {job.created_rows} created, "
                f"{job.skipped_rows} skipped, {job.failed_rows} failed (job {job.pk})"
                + (f" - {job.failure_reason}: {job.error_message}" if job.status == ImportJob.Status.FAILED else "")
            )
        for skipped in refresh.skipped:
            self.stdout.write(f"  {skipped.filename}: skipped, {skipped.reason}")
        for refused in refresh.refused:
            self.stdout.write(f"  {refused.filename}: refused, {refused.message}")
        return bool(refresh.refused) or any(job.status == ImportJob.Status.FAILED for job in jobs)
