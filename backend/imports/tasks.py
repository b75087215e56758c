from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from imports.services import import_job_fail, import_job_process

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="imports.process_job",
    queue="imports",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
)
def import_job_process_task(self, job_id: str) -> None:  # type: ignore[no-untyped-def]
    """Process one job. Lost database connections are retried: the job resumes at its checkpoint."""
    try:
        import_job_process(job_id=job_id)
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries >= self.max_retries:
            import_job_fail(job_id=job_id, reason="database_unavailable", message=f"The database kept failing: {exc}")
            return
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 120)) from exc
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        import_job_fail(job_id=job_id, reason="internal_error", message=f"The import stopped on an error: {exc}")
