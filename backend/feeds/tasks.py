from __future__ import annotations

from celery import shared_task

from feeds.services import feeds_poll


@shared_task(name="feeds.poll", queue="imports", ignore_result=True)
def feeds_poll_task() -> None:
    """Scheduled by Celery beat every FEEDS_POLL_MINUTES: queue the new files of every source."""
    feeds_poll()
