"""Reads of a dataset's stored rows, whatever the dataset."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Workspace
from datasets.registry import Dataset

# Column types whose stored value is text a person searches in.
SEARCHABLE_TYPES = ("string", "isbn", "phone", "email", "choice")


def dataset_record_list(*, workspace: Workspace, dataset: Dataset, search: str = "") -> QuerySet[Any]:
    """The workspace's rows of this dataset (datasets sharing a table see only their own rows)."""
    records = dataset.model._default_manager.filter(workspace=workspace, **dataset.rows_filter())
    term = search.strip()
    if term:
        fields = [c.model_field for c in dataset.columns if c.type in SEARCHABLE_TYPES]
        if fields:
            records = records.filter(reduce(or_, (Q(**{f"{name}__icontains": term}) for name in fields)))
        else:
            records = records.none()
    ordering = list(dataset.model._meta.ordering or []) or ["-updated_at"]
    return records.order_by(*ordering, "pk")
