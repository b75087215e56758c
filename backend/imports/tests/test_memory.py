"""A 1 GB upload of one line: the web process and the worker stay far below 200 MB, on both storages.

Run as real processes: gunicorn serving the API as in production (the upload streams through Django's multipart
parser, the checks, and into quarantine), then the worker's services in a process of their own
(sanitizing reads the whole object once, passes 1 and 2 read the final copy). Each process
reports its peak resident memory (VmHWM). INTAKE_TEST_BIG_UPLOAD_MB sets the size (1024).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import cast
from urllib.parse import quote

import psutil
import pytest
from django.db import connection

from accounts.models import Workspace
from accounts.services import api_key_create
from imports.models import ImportJob, ImportRowError
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db(transaction=True)

BACKEND = Path(__file__).resolve().parents[2]
SIZE_MB = int(os.environ.get("INTAKE_TEST_BIG_UPLOAD_MB", "1024"))
LIMIT_MB = 200
HEADER = b"title,author,isbn,publication_year\n"


def peak_mib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) // 1024


@pytest.fixture
def process_env(any_storage, settings, tmp_path, s3_server) -> dict[str, str]:
    db = connection.settings_dict
    user = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "INTAKE_VAR_DIR": str(tmp_path / "var"),
        "INTAKE_UPLOAD_DIR": str(settings.MEDIA_ROOT),
        "DJANGO_SECRET_KEY": "memory-test-key-" + "x" * 40,
        "DJANGO_HTTPS": "false",
        # The upload's task message goes nowhere: the test runs the worker's side itself, and a
        # worker of the test session must not take the job first.
        "CELERY_BROKER_URL": "memory://",
        "THROTTLE_UPLOAD_RATE": "",
        "IMPORT_MAX_UPLOAD_BYTES": str((SIZE_MB + 16) * 1024 * 1024),
    }
    if any_storage == "s3":
        options = settings.STORAGES["imports"]["OPTIONS"]
        env.update(
            IMPORT_STORAGE="s3",
            S3_ENDPOINT_URL=s3_server,
            S3_REGION="us-east-1",
            S3_BUCKET=options["bucket_name"],
            S3_QUARANTINE_BUCKET=settings.STORAGES["quarantine"]["OPTIONS"]["bucket_name"],
            S3_ACCESS_KEY_ID="intake-test",
            S3_SECRET_ACCESS_KEY="intake-test-secret",
        )
    return env


@pytest.fixture
def web(process_env, tmp_path) -> Iterator[tuple[int, int]]:
    """gunicorn on a free port, as backend/Procfile runs it: (port, pid of its worker)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.asgi:application", "--worker-class", "config.workers.WebWorker",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "900", "--no-control-socket"],
        cwd=BACKEND, env=process_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            children = psutil.Process(server.pid).children()
            if children:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    pass
            time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
        yield port, children[0].pid
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def multipart_upload(port: int, key: str, path: Path) -> dict[str, object]:
    """POST the file as multipart, streamed from disk with a Content-Length (no chunked body)."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\nbooks\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="one-line.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)

    def body() -> Iterator[bytes]:
        yield head
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                yield chunk
        yield tail

    client = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    client.request(
        "POST",
        "/api/imports/",
        body=body(),
        headers={
            "X-API-KEY": key,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
        },
    )
    response = client.getresponse()
    answer = json.loads(response.read())
    assert response.status == 201, answer
    return answer


def test_a_1gb_single_line_upload_keeps_web_and_worker_memory_flat(web, process_env, tmp_path, any_storage):
    port, web_pid = web
    workspace = cast(Workspace, WorkspaceFactory(slug=f"big-{any_storage}"))
    _, key = api_key_create(workspace=workspace, name="memory")
    big = tmp_path / "one-line.csv"
    with big.open("wb") as handle:
        handle.write(HEADER)
        chunk = b"y" * (1 << 20)
        for _ in range(SIZE_MB):
            handle.write(chunk)  # no newline at all: one record of SIZE_MB MiB

    job = multipart_upload(port, key, big)
    web_peak = peak_mib(web_pid)

    script = (
        "import django, sys; django.setup()\n"
        "from imports.services import import_job_process\n"
        f"import_job_process(job_id={job['id']!r})\n"
        "status = open('/proc/self/status').read()\n"
        "print(next(l.split()[1] for l in status.splitlines() if l.startswith('VmHWM:')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BACKEND,
        env={**process_env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    worker_peak = int(done.stdout.split()[-1]) // 1024

    stored = ImportJob.objects.get(pk=str(job["id"]))
    print(f"\n{any_storage}: {SIZE_MB} MiB one-line upload, peak RSS web {web_peak} MiB, worker {worker_peak} MiB")
    assert (stored.status, stored.total_rows, stored.failed_rows) == ("completed", 1, 1)
    assert stored.file_size == big.stat().st_size
    assert stored.sanitize_report["lines_cut"] == 1
    assert stored.final_size is not None and stored.final_size < 200_000
    assert "longer than the limit" in ImportRowError.objects.get(job=stored).errors["__all__"][0]
    assert web_peak < LIMIT_MB, f"web peak {web_peak} MiB"
    assert worker_peak < LIMIT_MB, f"worker peak {worker_peak} MiB"
