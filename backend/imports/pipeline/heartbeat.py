"""The running job's heartbeat: proof to the watchdog that its worker is alive.

Every batch commit touches it; this timer touches it in between, so a long batch (a slow upsert,
pass 1 over a huge file) does not look like a dead worker. The thread has its own database
connection and closes it when the job's run ends.
"""

from __future__ import annotations

import logging
import threading
import uuid
from types import TracebackType

from django.db import DatabaseError, connections
from django.utils import timezone

from imports.models import ImportJob

logger = logging.getLogger(__name__)


class JobHeartbeat:
    def __init__(self, *, job_id: uuid.UUID, interval: float, status: str = ImportJob.Status.PROCESSING) -> None:
        self.job_id = job_id
        self.status = status
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> JobHeartbeat:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    ImportJob.objects.filter(pk=self.job_id, status=self.status).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # The batch loop meets the same outage and decides; a missed beat only
                    # brings the watchdog's takeover closer, which is what an outage deserves.
                    # The broken connection is dropped so the next beat opens a new one.
                    logger.warning("heartbeat of import job %s not written", self.job_id, exc_info=True)
                    connections.close_all()
        finally:
            connections.close_all()
