"""Which import jobs the broker holds, queued or delivered and not yet acknowledged.

The watchdog asks so it can queue again a pending job whose message was lost (a Redis that
restarted without its data, a filesystem broker folder wiped). Redis and the filesystem broker
can be read; RabbitMQ keeps persistent messages across restarts and is trusted (None).

A message Redis lists as delivered and not acknowledged counts only while it is young: a worker
takes a message only when a pool slot is free (prefetch multiplier 1, late acks) and claims the
job at once, so a job still waiting whose message was delivered longer ago than
IMPORT_PENDING_REQUEUE_SECONDS had its worker killed between the two. Redis would hand that
message out again only after the visibility timeout (an hour); the watchdog should not wait.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The tasks whose argument is a job id: a job waits in the broker as one of these.
TASK_NAMES = {"imports.process_job", "imports.sanitize_job"}


def _job_ids(messages: Iterable[bytes | str]) -> set[str]:
    found: set[str] = set()
    for raw in messages:
        try:
            message: Any = json.loads(raw)
        except (TypeError, ValueError):
            continue
        if isinstance(message, list):  # Redis' unacked entries: [message, exchange, routing key]
            message = message[0] if message else {}
        headers = message.get("headers") or {} if isinstance(message, dict) else {}
        if headers.get("task") in TASK_NAMES:
            found.update(_UUID.findall(str(headers.get("argsrepr", ""))))
    return found


def broker_queued_job_ids() -> set[str] | None:
    """Ids of the jobs with a task message in the broker; None when the broker cannot tell."""
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        return _redis_job_ids()
    if url.startswith("filesystem://"):
        folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
        return _job_ids(p.read_bytes() for p in folder.glob("*.msg") if p.is_file())
    return None


def _redis_job_ids() -> set[str]:
    from config.celery import app

    with app.connection_for_write() as connection:
        client = connection.default_channel.client
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        # Kombu keeps one list per priority step next to the plain one.
        keys = [queue, *client.scan_iter(match=f"{queue}\x06\x16*")]
        messages: list[bytes] = []
        for key in keys:
            messages += client.lrange(key, 0, -1)
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        delivered_since = time.time() - settings.IMPORT_PENDING_REQUEUE_SECONDS
        # Kombu's index of unacknowledged messages: delivery tag scored by the time of delivery.
        young = client.zrangebyscore(options.get("unacked_index_key", "unacked_index"), delivered_since, "+inf")
        if young:
            messages += [m for m in client.hmget(options.get("unacked_key", "unacked"), young) if m is not None]
    return _job_ids(messages)
