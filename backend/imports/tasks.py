from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from imports.services import (
    import_files_retention,
    import_job_fail,
    import_job_process,
    import_job_sanitize,
    import_jobs_watchdog,
)

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
    _run_with_retries(self, job_id, lambda: import_job_process(job_id=job_id))


def _run_with_retries(task: Any, job_id: str, run: Callable[[], object]) -> None:
    try:
        run()
    except _RETRIED as exc:
        retries = settings.IMPORT_DB_RETRIES
        if task.request.retries < retries:
            countdown = min(2**task.request.retries * settings.IMPORT_DB_RETRY_SECONDS, 120)
            raise task.retry(exc=exc, countdown=countdown, max_retries=retries) from exc
        logger.error(
            "import job %s: the database or storage kept failing (%s); the watchdog will resume it", job_id, exc
        )
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        try:
            import_job_fail(job_id=job_id, reason="internal_error", message=f"The import stopped on an error: {exc}")
        except DatabaseError:
            logger.exception("import job %s: its failure could not be recorded; the watchdog will see it", job_id)


@shared_task(
    bind=True,
    name="imports.sanitize_job",
    queue="imports",
    acks_late=True,
    reject_on_worker_lost=True,
)
def import_job_sanitize_task(self, job_id: str) -> None:  # type: ignore[no-untyped-def]
    """Write the final copy of a quarantined upload, then queue the job's processing.

    Errors are handled as in ``import_job_process_task``: a database or storage outage is retried
    and then left to the watchdog, anything else fails the job.
    """
    _run_with_retries(self, job_id, lambda: import_job_sanitize(job_id=job_id))


@shared_task(name="imports.watchdog", queue="imports", ignore_result=True)
def import_jobs_watchdog_task() -> None:
    """Scheduled by Celery beat every IMPORT_WATCHDOG_SECONDS."""
    import_jobs_watchdog()


@shared_task(name="imports.retention", queue="imports", ignore_result=True)
def import_files_retention_task() -> None:
    """Scheduled by Celery beat every hour: files of old jobs and orphaned uploads."""
    import_files_retention()


def _storage_errors() -> tuple[type[BaseException], ...]:
    """An object store that does not answer is an outage, like the database's: retried."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return ()
    return (BotoCoreError, ClientError)


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The driver's own connection errors: raised unwrapped by cursor methods Django does not
    wrap, such as the loader's ``copy_expert``, when a connection is cut during a COPY."""
    import psycopg2

    return (psycopg2.OperationalError, psycopg2.InterfaceError)


# A database or object store that does not answer is an outage: retried, then left to the watchdog.
_RETRIED: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    *_driver_errors(),
    *_storage_errors(),
)
