from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from rest_framework import status

from accounts.models import Workspace
from config.errors import ApplicationError
from datasets.registry import Dataset, dataset_get, dataset_list
from imports.errors_csv import raw_fields
from imports.models import ImportJob, ImportRowError, SavedMapping
from imports.pipeline.errors import InputRefused
from imports.pipeline.mapping import columns_resolve, header_normalise, header_set_key


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
    not_found = ApplicationError("No such import job.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        raise not_found from None
    # get(), not first(): first() sorts by the model's ordering, which cost every status poll
    # a query compiled with an ORDER BY, for a lookup by primary key. No select_related of the
    # import started from a dry run either: only dry runs have one (one query when serialized),
    # and the join doubled the columns every poll of a running import compiled and read.
    try:
        return ImportJob.objects.get(workspace=workspace, pk=key)
    except ImportJob.DoesNotExist:
        raise not_found from None


ROW_ERROR_STATES = ("open", "resolved", "all")


def import_row_error_list(
    *, job: ImportJob, state: str = "open", column: str | None = None
) -> QuerySet[ImportRowError]:
    """The job's stored row errors: ``open`` (still failing), ``resolved`` (loaded since), or ``all``;
    with ``column``, only those with a message about that column (``__all__``: the whole row)."""
    errors = ImportRowError.objects.filter(job=job).order_by("row_number")
    if state == "open":
        errors = errors.filter(resolved_at__isnull=True)
    elif state == "resolved":
        errors = errors.filter(resolved_at__isnull=False)
    if column:
        errors = errors.filter(errors__has_key=column)
    return errors


# The value a message quotes: a Python repr of the cell ('x' or "it's"), or the number after "got".
_QUOTED_VALUE = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|(?<=got )-?\d[\d.,]*""")
VALUE_MARK = "…"


def row_error_message_kind(message: str) -> str:
    """A message without the value it quotes, so rows refused for the same reason group together:
    "'978x' has a wrong ISBN-13 check digit" -> "… has a wrong ISBN-13 check digit"."""
    return _QUOTED_VALUE.sub(VALUE_MARK, message)


@dataclass(frozen=True)
class RowErrorGroup:
    column: str
    message: str
    count: int


def import_row_error_groups(*, job: ImportJob, state: str = "open") -> list[RowErrorGroup]:
    """How many rows each (column, kind of message) refused, most frequent first.

    Counted here rather than in SQL: the kind is the message without its quoted value, which
    the databases cannot strip alike; a job keeps at most IMPORT_MAX_STORED_ERRORS errors.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for errors in import_row_error_list(job=job, state=state).values_list("errors", flat=True).iterator(5000):
        for column, messages in errors.items():
            # A row counts once per kind, even if the column gave the same kind twice.
            for kind in {row_error_message_kind(m) for m in messages}:
                counts[(column, kind)] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [RowErrorGroup(column=column, message=kind, count=count) for (column, kind), count in ordered]


def import_row_error_numbers(*, errors: QuerySet[ImportRowError], column: str, message: str) -> list[int]:
    """The row numbers among ``errors`` refused with that kind of message about that column."""
    return [
        number
        for number, found in errors.filter(errors__has_key=column).values_list("row_number", "errors").iterator(5000)
        if any(row_error_message_kind(m) == message for m in found.get(column, []))
    ]


@dataclass(frozen=True)
class RowLayout:
    """Where each dataset column read from the file sits in a stored raw row."""

    job_id: uuid.UUID
    columns: list[str]
    indexes: dict[str, int]
    delimiter: str

    def values(self, raw_data: str) -> dict[str, str]:
        """The row's text per dataset column, as the file wrote it (a ragged row is cut or padded)."""
        fields = raw_fields(raw_data, self.delimiter)
        return {name: fields[self.indexes[name]] if self.indexes[name] < len(fields) else "" for name in self.columns}


def import_job_row_layout(*, job: ImportJob) -> RowLayout:
    """The dataset columns the job read, in the dataset's order, and where the raw rows hold them.

    No column when the dataset is gone or no longer matches the job's mapping: the raw rows stay.
    """
    dataset = dataset_get(job.dataset)
    indexes: dict[str, int] = {}
    if dataset is not None:
        try:
            indexes = columns_resolve(dataset=dataset, headers=job.headers, column_mapping=job.column_mapping).indexes
        except InputRefused:
            indexes = {}
    columns = [c.name for c in dataset.columns if c.name in indexes] if dataset is not None else []
    return RowLayout(job_id=job.pk, columns=columns, indexes=indexes, delimiter=job.delimiter)


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
