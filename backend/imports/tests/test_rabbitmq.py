"""Celery on RabbitMQ: a file queued with CELERY_BROKER_URL=amqp://… is imported by a real worker.

Both sides run as separate processes with the settings a deployment gives them (the broker URL, the
test database, a shared upload directory), as `manage.py import_csv` and `celery -A config worker`
do in the RabbitMQ compose override. The local RabbitMQ must answer: CI's machine has one, and an
unreachable broker fails this test rather than skipping it.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from kombu import Connection

from catalog.models import Book
from imports.models import ImportJob
from tests.csv_files import isbn

pytestmark = pytest.mark.rabbitmq

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
BACKEND = Path(__file__).resolve().parents[2]
FINAL = {ImportJob.Status.COMPLETED, ImportJob.Status.FAILED, ImportJob.Status.CANCELLED}


def _database_url() -> str:
    """The test database pytest-django created, for the other processes."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _require_rabbitmq() -> None:
    try:
        with Connection(RABBITMQ_URL, connect_timeout=5) as broker:
            # A broker that was just started opens its port a few seconds before it accepts logins.
            broker.ensure_connection(max_retries=4, interval_start=1, interval_step=2)
    except Exception as error:
        pytest.fail(f"RabbitMQ does not answer at {RABBITMQ_URL} ({error}); start it (scripts/ensure-services.sh)")


@pytest.fixture
def broker_to_ourselves() -> Iterator[None]:
    """One run of this test at a time on this machine's broker.

    Every run's worker consumes the same `imports` queue; two at once (two people's suites) would
    take each other's messages, for jobs that are not in their database.
    """
    with open(Path(tempfile.gettempdir()) / "intake-rabbitmq-test.lock", "w") as lock:
        deadline = time.monotonic() + 600
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail("another run of the RabbitMQ test held the broker for 10 minutes")
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def process_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": RABBITMQ_URL,
        "INTAKE_VAR_DIR": str(tmp_path / "var"),
        "INTAKE_UPLOAD_DIR": str(tmp_path / "uploads"),
        "DJANGO_SECRET_KEY": "rabbitmq-test-key-" + "x" * 40,
        "LOG_LEVEL": "INFO",
    }


def test_a_file_queued_on_rabbitmq_is_imported_by_a_worker(
    broker_to_ourselves, transactional_db, process_env, tmp_path
):
    _require_rabbitmq()
    csv_file = tmp_path / "books.csv"
    csv_file.write_text(
        "title,author,isbn,publication_year,notes\n"
        f"Good,Ann,{isbn(1)},1999,x\n"
        f",Bob,{isbn(2)},2000,y\n"
        f"Also good,Cy,{isbn(3)},,z\n"
    )

    # Queue it through the real enqueue path while no worker runs: it waits on RabbitMQ.
    queued = subprocess.run(
        [sys.executable, "manage.py", "import_csv", str(csv_file), "--workspace", "acme", "--dataset", "books"],
        cwd=BACKEND,
        env=process_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert queued.returncode == 0, queued.stdout + queued.stderr
    match = re.search(r"Job (\S+) created", queued.stdout)
    assert match, queued.stdout
    job = ImportJob.objects.get(pk=match.group(1))
    assert job.status == ImportJob.Status.SANITIZING
    assert "Queued" in queued.stdout

    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "imports",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--hostname",
                f"rabbitmq-test-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=BACKEND,
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.status in FINAL or worker.poll() is not None:
                    break
                time.sleep(0.25)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    output = log_path.read_text()

    assert job.status == ImportJob.Status.COMPLETED, f"job {job.status}: {job.error_message}\n{output}"
    assert "Connected to amqp://" in output, output
    assert {
        name: getattr(job, name)
        for name in ("total_rows", "processed_rows", "created_rows", "updated_rows", "skipped_rows", "failed_rows")
    } == {
        "total_rows": 3,
        "processed_rows": 3,
        "created_rows": 2,
        "updated_rows": 0,
        "skipped_rows": 0,
        "failed_rows": 1,
    }
    assert job.started_at and job.finished_at
    assert job.ignored_columns == ["notes"]
    assert sorted(Book.objects.filter(workspace=job.workspace).values_list("isbn", flat=True)) == [isbn(1), isbn(3)]
    error = job.row_errors.get()
    assert (error.row_number, error.errors) == (3, {"title": ["is required"]})
