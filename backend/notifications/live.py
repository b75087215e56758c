"""Publishing live updates: a job's state, to its workspace's Redis channel.

Workers publish after each batch commit and when a job ends; the web process's stream
(notifications/stream.py) forwards them to the pages of that workspace. Publishing never
raises and never waits long: a Redis that is down costs one short timeout, then publishing is
skipped for a few seconds.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import redis
from django.conf import settings

from imports.models import ImportJob
from imports.pipeline.progress import job_metrics

logger = logging.getLogger(__name__)

# After a failed publish, wait this long before trying Redis again.
BREAKER_SECONDS = 5.0
SOCKET_TIMEOUT = 0.5

JOB_FIELDS = (
    "id",
    "workspace_id",
    "dataset",
    "original_filename",
    "status",
    "total_rows",
    "processed_rows",
    "created_rows",
    "updated_rows",
    "unchanged_rows",
    "skipped_rows",
    "failed_rows",
    "stored_errors",
    "error_message",
    "failure_reason",
    "started_at",
    "finished_at",
    "reverted_at",
    "dry_run",
)

_lock = threading.Lock()
_client: redis.Redis | None = None
_client_url = ""
_broken_until = 0.0


def live_enabled() -> bool:
    return bool(settings.LIVE_REDIS_URL)


def channel_prefix(url: str) -> str:
    # Pub/sub channels are shared by every database of a Redis server: the database number in
    # the name keeps two deployments (or test runs) on one server apart.
    path = urlsplit(url).path.strip("/") or "0"
    return f"intake:{path}:live:"


def workspace_channel(workspace_id: int) -> str:
    return f"{channel_prefix(settings.LIVE_REDIS_URL)}workspace:{workspace_id}"


def _redis() -> redis.Redis:
    global _client, _client_url
    with _lock:
        if _client is None or _client_url != settings.LIVE_REDIS_URL:
            _client = redis.Redis.from_url(
                settings.LIVE_REDIS_URL, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
            )
            _client_url = settings.LIVE_REDIS_URL
        return _client


def job_event(job: ImportJob) -> dict[str, Any]:
    """What a page needs to redraw a job's progress: the fields of the API's job, by the same names."""
    metrics = job_metrics(job)
    return {
        "id": str(job.pk),
        "dataset": job.dataset,
        "filename": job.original_filename,
        "status": job.status,
        "outcome": job.outcome,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "created_rows": job.created_rows,
        "updated_rows": job.updated_rows,
        "unchanged_rows": job.unchanged_rows,
        "skipped_rows": job.skipped_rows,
        "failed_rows": job.failed_rows,
        "success_rows": job.success_rows,
        "stored_errors": job.stored_errors,
        "error_message": job.error_message,
        "failure_reason": job.failure_reason,
        "started_at": job.started_at.isoformat().replace("+00:00", "Z") if job.started_at else None,
        "finished_at": job.finished_at.isoformat().replace("+00:00", "Z") if job.finished_at else None,
        **metrics,
        "progress_percent": float(metrics["progress_percent"] or 0.0),
        "published_at": time.time(),
    }


def job_read(job_id: Any) -> ImportJob | None:
    values = ImportJob.objects.filter(pk=job_id).values(*JOB_FIELDS).first()
    return ImportJob(**values) if values else None


def live_publish(*, workspace_id: int, event: dict[str, Any]) -> int | None:
    """Publish one event; the number of web processes listening, or None when it could not be sent."""
    global _broken_until
    if not live_enabled() or time.monotonic() < _broken_until:
        return None
    try:
        return int(_redis().publish(workspace_channel(workspace_id), json.dumps({"type": "job", "job": event})))
    except redis.RedisError as error:
        _broken_until = time.monotonic() + BREAKER_SECONDS
        logger.warning("live updates: cannot publish to Redis (%s); pages poll meanwhile", error)
        return None


def job_publish(job: ImportJob) -> int | None:
    return live_publish(workspace_id=job.workspace_id, event=job_event(job))
