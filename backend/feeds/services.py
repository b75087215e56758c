"""Writes of the feeds app: configure where a feed's files are, and import the new ones.

A file is new for a feed when no import of the same bytes (sha256) into that dataset, in that
workspace, is pending, running or completed; a failed or cancelled one may be tried again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from rest_framework import status

from accounts.models import Workspace
from config.errors import ApplicationError
from datasets.registry import dataset_get, dataset_list
from feeds.models import FeedSource
from imports.inspection import ALLOWED_EXTENSIONS
from imports.models import ImportJob
from imports.origin import StartedBy
from imports.selectors import import_job_same_file
from imports.services import import_job_create, upload_sha256

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SkippedFile:
    filename: str
    sha256: str
    job_id: str
    reason: str


@dataclass(frozen=True)
class RefusedFile:
    filename: str
    message: str


@dataclass
class FeedRefresh:
    dataset: str
    folder: str
    jobs: list[ImportJob] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    # Files the upload checks refused (no header, missing columns...): named, not fatal.
    refused: list[RefusedFile] = field(default_factory=list)


def _invalid(name: str, message: str, *, code: str = "invalid", status_code: int = 400) -> ApplicationError:
    return ApplicationError(message, code=code, fields={name: [message]}, status_code=status_code)


def feed_dataset_check(name: str) -> str:
    if dataset_get(name) is None:
        known = ", ".join(d.name for d in dataset_list())
        raise _invalid(
            "feed", f"Unknown feed {name!r}. Feeds are datasets: {known}.", code="not_found", status_code=404
        )
    return name


def feed_folder_resolve(folder: str) -> Path:
    """The folder under FEEDS_ROOT; anything that would leave the root (``..``, an absolute path
    elsewhere, a link pointing out) is refused."""
    root = Path(settings.FEEDS_ROOT).resolve()
    text = (folder or "").strip()
    if not text or "\x00" in text:
        raise _invalid("folder", "Give a folder under the feeds root.")
    candidate = Path(text)
    resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if resolved != root and root not in resolved.parents:
        raise _invalid("folder", f"The folder must be under the feeds root ({root}).")
    if not resolved.is_dir():
        raise _invalid("folder", f"No folder {text!r} under the feeds root.")
    return resolved


def feed_folder_relative(folder: str) -> str:
    """The folder as stored: relative to FEEDS_ROOT, so the root can move."""
    resolved = feed_folder_resolve(folder)
    return str(resolved.relative_to(Path(settings.FEEDS_ROOT).resolve())) or "."


def feed_source_save(*, workspace: Workspace, dataset: str, folder: str, enabled: bool = True) -> FeedSource:
    feed_dataset_check(dataset)
    source, _ = FeedSource.objects.update_or_create(
        workspace=workspace, dataset=dataset, defaults={"folder": feed_folder_relative(folder), "enabled": enabled}
    )
    return source


def feed_source_delete(*, source: FeedSource) -> None:
    source.delete()


def feed_files(folder: Path) -> list[Path]:
    """The importable files of a folder, oldest name first; sub-folders and hidden files are not."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in ALLOWED_EXTENSIONS
    )


def feed_folder_import(*, workspace: Workspace, dataset: str, folder: Path, enqueue: bool = True) -> FeedRefresh:
    """Import every file of ``folder`` into ``dataset`` that was not imported yet."""
    refresh = FeedRefresh(dataset=dataset, folder=str(folder))
    root = Path(settings.FEEDS_ROOT).resolve()
    shown = str(folder.relative_to(root)) if root in folder.parents else folder.name
    started_by = StartedBy.feed(dataset=dataset, folder=shown)
    for path in feed_files(folder):
        with path.open("rb") as handle:
            upload = UploadedFile(handle, name=path.name, size=path.stat().st_size)
            sha256 = upload_sha256(upload)
            earlier = import_job_same_file(workspace=workspace, dataset=dataset, sha256=sha256)
            if earlier is not None:
                reason = f"already imported by job {earlier.pk} ({earlier.status})"
                refresh.skipped.append(SkippedFile(path.name, sha256, str(earlier.pk), reason))
                continue
            try:
                job = import_job_create(
                    workspace=workspace,
                    file=upload,
                    dataset=dataset,
                    enqueue=enqueue,
                    sha256=sha256,
                    started_by=started_by,
                )
            except ApplicationError as error:
                refresh.refused.append(RefusedFile(filename=path.name, message=error.message))
                continue
        refresh.jobs.append(job)
    return refresh


def feed_refresh(*, workspace: Workspace, dataset: str, enqueue: bool = True) -> FeedRefresh:
    """Import the new files of the workspace's source for this feed."""
    feed_dataset_check(dataset)
    source = FeedSource.objects.filter(workspace=workspace, dataset=dataset).first()
    if source is None:
        raise _invalid(
            "feed",
            f"No source is configured for the feed {dataset!r}.",
            code="no_source",
            status_code=status.HTTP_409_CONFLICT,
        )
    try:
        refresh = feed_folder_import(
            workspace=workspace, dataset=dataset, folder=feed_folder_resolve(source.folder), enqueue=enqueue
        )
    except ApplicationError as error:
        FeedSource.objects.filter(pk=source.pk).update(
            last_error=error.message[:2000], last_refreshed_at=timezone.now()
        )
        raise
    FeedSource.objects.filter(pk=source.pk).update(last_error="", last_refreshed_at=timezone.now())
    return refresh


def feeds_poll() -> list[FeedRefresh]:
    """Refresh every enabled source; one source's trouble does not stop the others."""
    done = []
    for source in FeedSource.objects.filter(enabled=True).select_related("workspace"):
        try:
            done.append(feed_refresh(workspace=source.workspace, dataset=source.dataset))
        except ApplicationError as error:
            logger.warning("feed %s of workspace %s: %s", source.dataset, source.workspace_id, error.message)
    return done
