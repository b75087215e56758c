"""Crash recovery: claims, heartbeats and the watchdog (the chaos suite kills real processes)."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Book
from config.celery import app as celery_app
from imports import broker
from imports.models import ImportJob
from imports.services import import_job_process, import_jobs_watchdog
from imports.tasks import import_job_process_task
from tests.csv_files import books_csv


class WorkerKilled(BaseException):
    """Stands for SIGKILL: leaves the run where it is, as a dead worker would."""


def run_until_killed(job: ImportJob, *, after_batches: int) -> ImportJob:
    seen = []

    def die(result):
        seen.append(result)
        if len(seen) == after_batches:
            raise WorkerKilled

    with pytest.raises(WorkerKilled):
        import_job_process(job_id=job.pk, on_batch=die)
    # A dead worker released nothing: its last heartbeat is simply old.
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    return ImportJob.objects.get(pk=job.pk)


def wait_final(job_id, timeout: float = 60) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.is_final:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} is still {job.status}")


@pytest.mark.django_db
def test_a_running_job_with_a_live_heartbeat_is_left_to_its_worker(make_job, settings):
    settings.IMPORT_BATCH_SIZE = 100
    job = run_until_killed(make_job(books_csv(1000)), after_batches=2)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    again = import_job_process(job_id=job.pk)
    assert (again.status, again.processed_rows, again.attempts) == (ImportJob.Status.PROCESSING, 200, 1)


@pytest.mark.django_db
def test_a_run_of_a_job_whose_worker_died_resumes_from_the_checkpoint(make_job, settings):
    settings.IMPORT_BATCH_SIZE = 100
    job = run_until_killed(make_job(books_csv(1000)), after_batches=3)
    assert (job.status, job.checkpoint_row) == (ImportJob.Status.PROCESSING, 301)
    done = import_job_process(job_id=job.pk)
    assert (done.status, done.created_rows, done.processed_rows, done.attempts) == ("completed", 1000, 1000, 2)
    assert Book.objects.count() == 1000


def test_the_watchdog_queues_a_lost_job_again_and_a_worker_finishes_it(make_job, settings, celery_worker):
    settings.IMPORT_BATCH_SIZE = 100
    job = run_until_killed(make_job(books_csv(1000)), after_batches=3)
    report = import_jobs_watchdog()
    assert report.requeued == [str(job.pk)]
    done = wait_final(job.pk)
    assert (done.status, done.created_rows, done.failed_rows) == ("completed", 1000, 0)
    assert Book.objects.count() == 1000
    # Just queued: not queued again while its new run has time to start.
    assert import_jobs_watchdog().requeued == []


@pytest.mark.django_db
def test_a_job_that_lost_its_worker_too_often_fails_as_worker_lost(make_job, settings):
    settings.IMPORT_BATCH_SIZE = 100
    settings.IMPORT_MAX_ATTEMPTS = 2
    job = run_until_killed(make_job(books_csv(1000)), after_batches=1)
    job = run_until_killed(job, after_batches=1)
    assert job.attempts == 2
    report = import_jobs_watchdog()
    assert report.failed == [str(job.pk)]
    job.refresh_from_db()
    assert (job.status, job.failure_reason, job.created_rows) == ("failed", "worker_lost", 200)
    assert "lost 2 times" in job.error_message


@pytest.mark.django_db
def test_a_run_past_the_attempts_fails_the_job_instead_of_loading(make_job, settings):
    settings.IMPORT_BATCH_SIZE = 100
    settings.IMPORT_MAX_ATTEMPTS = 1
    job = run_until_killed(make_job(books_csv(1000)), after_batches=1)
    done = import_job_process(job_id=job.pk)
    assert (done.status, done.failure_reason, done.processed_rows) == ("failed", "worker_lost", 100)


def test_a_pending_job_that_never_reached_the_broker_is_queued(make_job, settings, celery_worker):
    # What an upload leaves when the broker is down (the chaos suite stops a real one): pending,
    # never queued.
    settings.IMPORT_PENDING_REQUEUE_SECONDS = 0
    job = make_job(books_csv(50))
    assert (job.status, job.queued_at) == ("sanitizing", None)
    assert import_jobs_watchdog().requeued == [str(job.pk)]
    assert wait_final(job.pk).created_rows == 50


def test_a_pending_job_whose_message_the_broker_lost_is_queued_again(make_job, settings, celery_worker):
    settings.IMPORT_PENDING_REQUEUE_SECONDS = 0
    job = make_job(books_csv(20))
    # Handed to the broker a while ago, but the broker holds no message for it (a Redis restarted
    # without its data).
    ImportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(minutes=5))
    assert import_jobs_watchdog().requeued == [str(job.pk)]
    assert wait_final(job.pk).status == "completed"


@pytest.mark.django_db
def test_the_broker_tells_which_jobs_it_holds(settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "imports-probe"
    with celery_app.connection_for_write() as connection:
        connection.default_channel.client.delete("imports-probe")
    try:
        import_job_process_task.apply_async(args=["0b7c6c1e-2f7e-4a59-9d64-0a7d3c3f9d10"], queue="imports-probe")
        assert broker.broker_queued_job_ids() == {"0b7c6c1e-2f7e-4a59-9d64-0a7d3c3f9d10"}
    finally:
        with celery_app.connection_for_write() as connection:
            connection.default_channel.client.delete("imports-probe")


@pytest.mark.django_db
def test_a_message_delivered_to_a_worker_that_died_before_claiming_does_not_count_as_held(settings):
    # Kombu's Redis transport keeps a delivered message in its unacked hash until the worker
    # acknowledges it, or for the visibility timeout (an hour) when the worker was killed.
    settings.IMPORT_PENDING_REQUEUE_SECONDS = 60
    settings.CELERY_TASK_DEFAULT_QUEUE = "imports-probe"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"unacked_key": "probe-unacked", "unacked_index_key": "probe-index"}
    message = {"headers": {"task": "imports.process_job", "argsrepr": "['{}']"}}
    fresh, dead = "0b7c6c1e-2f7e-4a59-9d64-0a7d3c3f9d10", "5a0f8c3e-1b2d-4c6e-8f90-a1b2c3d4e5f6"
    with celery_app.connection_for_write() as connection:
        client = connection.default_channel.client
        client.delete("imports-probe", "probe-unacked", "probe-index")
        try:
            for tag, job_id, delivered in (("tag-fresh", fresh, time.time()), ("tag-dead", dead, time.time() - 300)):
                body = {"headers": {**message["headers"], "argsrepr": f"['{job_id}']"}}
                client.hset("probe-unacked", tag, json.dumps([body, "imports", "imports"]))
                client.zadd("probe-index", {tag: delivered})
            assert broker.broker_queued_job_ids() == {fresh}
        finally:
            client.delete("imports-probe", "probe-unacked", "probe-index")
