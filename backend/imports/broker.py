"""Which import jobs the broker holds, queued or delivered and not yet acknowledged.

The watchdog asks so it can queue again a pending job whose message was lost (a Redis that
restarted without its data, a filesystem broker folder wiped). Redis and the filesystem broker
can be read; RabbitMQ keeps persistent messages across restarts and is trusted (None).
"""

from __future__ import annotations

import json
import re
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
        unacked_key = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("unacked_key", "unacked")
        messages += client.hvals(unacked_key)
    return _job_ids(messages)
