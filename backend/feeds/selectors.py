from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import status

from accounts.models import Workspace
from config.errors import ApplicationError
from feeds.models import FeedSource


def feed_source_list(*, workspace: Workspace) -> QuerySet[FeedSource]:
    return FeedSource.objects.filter(workspace=workspace).order_by("dataset")


def feed_source_get(*, workspace: Workspace, dataset: str) -> FeedSource:
    source = FeedSource.objects.filter(workspace=workspace, dataset=dataset).first()
    if source is None:
        raise ApplicationError(
            f"No source is configured for the feed {dataset!r}.",
            code="not_found",
            status_code=status.HTTP_404_NOT_FOUND,
        )
    return source
