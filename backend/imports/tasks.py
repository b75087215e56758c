from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from imports.services import import_job_fail, import_job_process, import_jobs_watchdog

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="imports.process_job",
    queue="imports",
    acks_late=True,
    reject_on_worker_lost=True,
)
def import_job_process_task(self, job_id: str) -> None:  # type: ignore[no-untyped-def]
    """Process one job. It never ends stranded: it completes, fails, or stays resumable.

    A database that goes away is retried with backoff; past the retries the job keeps its
    checkpoint and the watchdog queues it again once the database answers (a database outage is
    no reason to fail an import). Any other error fails the job; if even that cannot be written,
    the watchdog finds the job by its stale heartbeat.
    """
    try:
        import_job_process(job_id=job_id)
    except (OperationalError, InterfaceError) as exc:
        retries = settings.IMPORT_DB_RETRIES
        if self.request.retries < retries:
            countdown = min(2**self.request.retries * settings.IMPORT_DB_RETRY_SECONDS, 120)
            raise self.retry(exc=exc, countdown=countdown, max_retries=retries) from exc
        logger.error("import job %s: the database kept failing (%s); the watchdog will resume it", job_id, exc)
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        try:
            import_job_fail(job_id=job_id, reason="internal_error", message=f"The import stopped on an error: {exc}")
        except DatabaseError:
            logger.exception("import job %s: its failure could not be recorded; the watchdog will see it", job_id)


@shared_task(name="imports.watchdog", queue="imports", ignore_result=True)
def import_jobs_watchdog_task() -> None:
    """Scheduled by Celery beat every IMPORT_WATCHDOG_SECONDS."""
    import_jobs_watchdog()
