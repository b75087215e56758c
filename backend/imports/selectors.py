from __future__ import annotations

import uuid

from django.db.models import QuerySet
from rest_framework import status

from accounts.models import Workspace
from config.errors import ApplicationError
from datasets.registry import Dataset, dataset_get, dataset_list
from imports.models import ImportJob, ImportRowError, SavedMapping
from imports.pipeline.mapping import header_normalise, header_set_key


def import_job_list(
    *, workspace: Workspace, status: str | None = None, dataset: str | None = None
) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.filter(workspace=workspace).select_related("started_job").order_by("-created_at")
    if status:
        jobs = jobs.filter(status=status)
    if dataset:
        jobs = jobs.filter(dataset=dataset)
    return jobs


def import_job_get(*, workspace: Workspace, job_id: str | uuid.UUID) -> ImportJob:
    """A job of this workspace; any other id, another workspace's included, is a 404."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        key = None
    job = ImportJob.objects.filter(workspace=workspace, pk=key).select_related("started_job").first() if key else None
    if job is None:
        raise ApplicationError("No such import job.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)
    return job


ROW_ERROR_STATES = ("open", "resolved", "all")


def import_row_error_list(*, job: ImportJob, state: str = "open") -> QuerySet[ImportRowError]:
    """The job's stored row errors: ``open`` (still failing), ``resolved`` (loaded since), or ``all``."""
    errors = ImportRowError.objects.filter(job=job).order_by("row_number")
    if state == "open":
        errors = errors.filter(resolved_at__isnull=True)
    elif state == "resolved":
        errors = errors.filter(resolved_at__isnull=False)
    return errors


def import_job_same_file(*, workspace: Workspace, dataset: str, sha256: str) -> ImportJob | None:
    """The earliest job of the workspace that imported (or is importing) these bytes into the dataset.

    A dry run imported nothing, so it is never that job.
    """
    return (
        ImportJob.objects.filter(workspace=workspace, dataset=dataset, sha256=sha256, dry_run=False)
        .exclude(status__in=[ImportJob.Status.FAILED, ImportJob.Status.CANCELLED])
        .order_by("created_at")
        .first()
    )


def dataset_require(name: str) -> Dataset:
    """The dataset of that name; any other name is a 400 naming the known ones."""
    target = dataset_get(name)
    if target is None:
        known = ", ".join(d.name for d in dataset_list())
        message = f"Unknown dataset {name!r}. Known datasets: {known}."
        raise ApplicationError(message, code="unknown_dataset", fields={"dataset": [message]})
    return target


def import_job_files_check(*, job: ImportJob) -> None:
    """A job whose files were removed answers 410 Gone on its download links."""
    if job.files_removed_at is not None:
        how = "deleted" if job.files_removed_reason == "deleted" else "removed by the retention policy"
        raise ApplicationError(
            f"The files of this job were {how} on {job.files_removed_at:%Y-%m-%d %H:%M} UTC.",
            code="files_removed",
            status_code=status.HTTP_410_GONE,
        )


def saved_mapping_list(*, workspace: Workspace, dataset: str | None = None) -> QuerySet[SavedMapping]:
    mappings = SavedMapping.objects.filter(workspace=workspace).order_by("-updated_at", "pk")
    if dataset:
        mappings = mappings.filter(dataset=dataset)
    return mappings


def saved_mapping_get(*, workspace: Workspace, mapping_id: str | uuid.UUID) -> SavedMapping:
    """A saved mapping of this workspace; any other id is a 404."""
    try:
        key = uuid.UUID(str(mapping_id))
    except ValueError:
        key = None
    found = SavedMapping.objects.filter(workspace=workspace, pk=key).first() if key else None
    if found is None:
        raise ApplicationError("No such saved mapping.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)
    return found


def saved_mapping_for_headers(*, workspace: Workspace, dataset: str, headers: list[str]) -> SavedMapping | None:
    """The workspace's mapping for this dataset and header set, if one was saved."""
    return SavedMapping.objects.filter(workspace=workspace, dataset=dataset, header_key=header_set_key(headers)).first()


def saved_mapping_as_headers(*, saved_mapping: SavedMapping, headers: list[str]) -> dict[str, str]:
    """The saved mapping with each header spelled as ``headers`` spell it (same set, maybe another case)."""
    spelled: dict[str, str] = {}
    for name in headers:
        spelled.setdefault(header_normalise(name), name)
    return {
        column: spelled.get(header_normalise(header), header) if header else ""
        for column, header in saved_mapping.mapping.items()
    }
