from __future__ import annotations

from django.db import models


class ImportedRecord(models.Model):
    """Base of every dataset's target model.

    Rows belong to a workspace, and remember which import job and row wrote them last. The
    loaders use that provenance to tell "a duplicate earlier in this same file" from "a row that
    was already stored", without holding every key of the file in memory.
    """

    # The dataset's unique constraint starts with workspace, so it already indexes this column.
    # No database constraint: PostgreSQL would check the workspace of every loaded row at commit,
    # which cost as much as the COPY itself. Only the import worker writes these rows, always with
    # its job's own (existing) workspace, and deleting a workspace goes through the ORM, whose
    # CASCADE deletes the rows just the same.
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, db_index=False, db_constraint=False)
    source_job_id = models.UUIDField(null=True, blank=True, editable=False)
    source_row_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
