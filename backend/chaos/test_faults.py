"""Fault injection on the real services: every job ends completed, exactly as if nothing broke.

Run by `make chaos` (and CI). Each test imports a file with good, bad and duplicate rows through
real Celery worker and beat processes, breaks something (the worker killed whole, the reader
child killed, the broker restarted empty, database connections cut and refused), and compares
the job's counters, the stored rows and the row errors with an uninterrupted run of the same
file. The watchdog's window is shortened so recovery takes seconds, not minutes.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from kombu import Connection

from accounts.models import Workspace
from catalog.models import Book
from chaos.harness import BACKEND, CeleryProcesses, DatabaseProxy, ThrowawayRedis
from imports.models import ImportJob, ImportRowError
from imports.services import import_job_create, import_job_process
from imports.tasks import import_job_process_task
from tests.csv_files import isbn
from tests.factories import WorkspaceFactory

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

ROWS = 30_000
DEADLINE = 240.0


def chaos_file(rows: int = ROWS) -> bytes:
    """Good rows, with a bad year every 7th, no title every 11th, a repeated key every 13th."""
    lines = ["title,author,isbn,publication_year"]
    for i in range(rows):
        title = "" if i % 11 == 5 else f"Book {i}"
        key = isbn(i - 1 if i % 13 == 12 else i)
        year = "19x9" if i % 7 == 3 else str(1900 + i % 120)
        lines.append(f"{title},Author {i % 50},{key},{year}")
    return ("\n".join(lines) + "\n").encode()


def outcome(job: ImportJob) -> dict[str, Any]:
    job.refresh_from_db()
    return {
        "status": job.status,
        "counters": (job.total_rows, job.processed_rows, job.created_rows, job.updated_rows, job.skipped_rows,
                     job.failed_rows, job.stored_errors),
        "books": sorted(Book.objects.filter(workspace=job.workspace).values_list("isbn", "title", "publication_year")),
        "errors": list(
            ImportRowError.objects.filter(job=job).order_by("row_number").values_list("row_number", "errors")
        ),
    }  # fmt: skip


@pytest.fixture
def expected(settings) -> dict[str, Any]:
    """The same file imported without any fault, in this process."""
    settings.IMPORT_BATCH_SIZE = 200
    job = import_job_create(
        workspace=cast(Workspace, WorkspaceFactory(slug="reference")),
        file=SimpleUploadedFile("chaos.csv", chaos_file()),
        dataset="books",
        enqueue=False,
    )
    import_job_process(job_id=job.pk)
    result = outcome(job)
    assert result["status"] == "completed" and result["counters"][5] > 0
    return result


@pytest.fixture
def proxy() -> Iterator[DatabaseProxy]:
    db = connection.settings_dict
    running = DatabaseProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    yield running
    running.close()


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def stack_env(proxy: DatabaseProxy, redis: ThrowawayRedis, tmp_path: Path, settings) -> dict[str, str]:
    import os

    db = connection.settings_dict
    user = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    uploads = Path(settings.MEDIA_ROOT)
    uploads.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "CELERY_BROKER_URL": redis.url,
        "INTAKE_VAR_DIR": str(tmp_path / "var"),
        "INTAKE_UPLOAD_DIR": str(uploads),
        "DJANGO_SECRET_KEY": "chaos-suite-key-" + "x" * 40,
        "IMPORT_BATCH_SIZE": "200",
        "IMPORT_HEARTBEAT_SECONDS": "0.5",
        "IMPORT_STALE_SECONDS": "3",
        "IMPORT_WATCHDOG_SECONDS": "1",
        "IMPORT_PENDING_REQUEUE_SECONDS": "2",
        "IMPORT_MAX_ATTEMPTS": "100",
        "IMPORT_DB_RETRIES": "2",
        "IMPORT_DB_RETRY_SECONDS": "0.5",
        "FEEDS_POLL_MINUTES": "0",
    }


@pytest.fixture
def stack(stack_env: dict[str, str], tmp_path: Path) -> Iterator[CeleryProcesses]:
    logs = tmp_path / "logs"
    logs.mkdir()
    processes = CeleryProcesses(env=stack_env, logs=logs)
    yield processes
    processes.stop()


def new_job(workspace_slug: str = "chaos") -> ImportJob:
    """A job waiting for the stack: never handed to a broker, so the watchdog queues it."""
    return import_job_create(
        workspace=cast(Workspace, WorkspaceFactory(slug=workspace_slug)),
        file=SimpleUploadedFile("chaos.csv", chaos_file()),
        dataset="books",
        enqueue=False,
    )


def wait_for(condition, what: str, timeout: float = DEADLINE, logs: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tail = ""
    if logs is not None:
        tail = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(logs.glob("*.log")))
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


def status_of(job: ImportJob) -> str:
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def progress_of(job: ImportJob) -> int:
    return ImportJob.objects.values_list("processed_rows", flat=True).get(pk=job.pk)


def assert_same(job: ImportJob, expected: dict[str, Any]) -> None:
    got = outcome(job)
    assert got["status"] == "completed", ImportJob.objects.get(pk=job.pk).error_message
    assert got["counters"] == expected["counters"]
    assert got["books"] == expected["books"]
    assert got["errors"] == expected["errors"]


def test_the_worker_killed_whole_again_and_again(expected, stack, tmp_path):
    job = new_job()
    stack.start_beat()
    rng = random.Random(20261127)
    kills = 0
    while kills < 12 and status_of(job) not in ImportJob.FINAL_STATUSES:
        stack.start_worker()
        # Somewhere between booting, waiting for the watchdog, pass 1 and mid-batch.
        time.sleep(rng.uniform(0.3, 3.0))
        stack.kill_worker()
        kills += 1
    assert kills >= 10, f"the job finished after {kills} kills; the file is too small to test this"
    stack.start_worker()
    wait_for(lambda: status_of(job) in ImportJob.FINAL_STATUSES, "the job to end", logs=tmp_path / "logs")
    assert_same(job, expected)
    assert ImportJob.objects.get(pk=job.pk).attempts > 1


def test_the_reader_child_killed(expected, stack, tmp_path):
    job = new_job()
    stack.start_beat()
    stack.start_worker()
    killed: set[int] = set()
    # The first reader dies after a batch is loaded; the one started in its place dies as soon as
    # it appears: it reads the rest of the file faster than the worker loads it, and could end
    # before a second batch commits.
    wait_for(lambda: stack.reader_children(), "a reader process", logs=tmp_path / "logs")
    before = progress_of(job)
    wait_for(lambda: progress_of(job) > before, "a batch", logs=tmp_path / "logs")
    for child in stack.reader_children():
        child.kill()
        killed.add(child.pid)
    wait_for(lambda: any(c.pid not in killed for c in stack.reader_children()), "a new reader", logs=tmp_path / "logs")
    for child in stack.reader_children():
        if child.pid not in killed:
            child.kill()
            killed.add(child.pid)
    assert len(killed) >= 2
    wait_for(lambda: status_of(job) in ImportJob.FINAL_STATUSES, "the job to end", logs=tmp_path / "logs")
    assert_same(job, expected)


def test_the_broker_restarted_without_its_data_with_jobs_queued(expected, stack, redis, tmp_path):
    # Three jobs handed to Redis while no worker runs...
    jobs = [new_job(f"queued-{n}") for n in range(3)]
    with Connection(redis.url) as broker:
        for job in jobs:
            import_job_process_task.apply_async(args=[str(job.pk)], connection=broker)
    ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).update(queued_at=timezone.now())
    # ...then Redis dies and comes back empty.
    redis.kill()
    redis.start()
    stack.start_beat()
    stack.start_worker()
    for job in jobs:
        wait_for(
            lambda j=job: status_of(j) in ImportJob.FINAL_STATUSES, "the queued jobs to end", logs=tmp_path / "logs"
        )
        assert_same(job, expected)


def test_an_upload_while_the_broker_is_down_is_imported_once_it_is_back(expected, stack, stack_env, redis, tmp_path):
    redis.kill()
    path = tmp_path / "chaos.csv"
    path.write_bytes(chaos_file())
    # The real upload path, in its own process with the stack's settings: the broker is down.
    done = subprocess.run(
        [sys.executable, "manage.py", "import_csv", str(path), "--workspace", "while-down", "--dataset", "books"],
        cwd=BACKEND, env=stack_env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    job = ImportJob.objects.get(workspace__slug="while-down")
    assert (job.status, job.queued_at) == ("sanitizing", None)
    redis.start()
    stack.start_beat()
    stack.start_worker()
    wait_for(lambda: status_of(job) in ImportJob.FINAL_STATUSES, "the job to end", logs=tmp_path / "logs")
    assert_same(job, expected)


def test_database_connections_cut_and_refused_longer_than_the_retries(expected, stack, proxy, tmp_path):
    job = new_job()
    stack.start_beat()
    stack.start_worker()
    cuts = 0
    for _ in range(3):
        before = progress_of(job)
        wait_for(lambda b=before: progress_of(job) > b + 400, "batches to commit", logs=tmp_path / "logs")
        cuts += proxy.cut()
    assert cuts >= 3
    # Refused for far longer than the task's retries (0.5 s then 1 s): the task gives up, the job
    # stays resumable, and the watchdog brings it back once the database answers.
    wait_for(lambda: progress_of(job) > 0 and status_of(job) == "processing", "the job to run again")
    proxy.refusing = True
    proxy.cut()
    time.sleep(12)
    proxy.refusing = False
    wait_for(lambda: status_of(job) in ImportJob.FINAL_STATUSES, "the job to end", logs=tmp_path / "logs")
    assert_same(job, expected)
