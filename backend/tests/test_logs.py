"""Structured logs: a request id echoed in X-Request-ID, one line per request, and every record of
a request or an import task carrying the request id, the workspace and the job id."""

from __future__ import annotations

import copy
import io
import json
import logging
import re
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

from accounts.models import WorkspaceAPIKey
from accounts.services import api_key_create
from config.logs import (
    ContextFilter,
    log_context_bind,
    log_context_clear,
    log_context_get,
    task_context_bind,
    task_headers_add_request_id,
)
from imports.models import ImportJob
from tests.csv_files import books_csv

LOGGING: Any = django_settings.LOGGING


@pytest.fixture
def json_lines():
    """Records as the JSON format of the settings writes them, read back as dicts."""
    options = copy.deepcopy(LOGGING["formatters"]["json"])
    formatter = import_string(options.pop("()"))(**options)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(formatter)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_every_answer_has_a_request_id_and_a_sane_one_given_is_kept(db):
    generated = APIClient().get("/api/health/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert APIClient(HTTP_X_REQUEST_ID="lb-1234.abc").get("/api/health/")["X-Request-ID"] == "lb-1234.abc"
    assert APIClient().get("/api/nothing/")["X-Request-ID"]
    forged = APIClient(HTTP_X_REQUEST_ID="x\nERROR forged line").get("/api/health/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_each_request_is_logged_once_with_request_id_workspace_and_job(db, make_job, workspace, json_lines):
    job = make_job(books_csv(2))
    _, secret = api_key_create(workspace=workspace, name="logs")
    client = APIClient(HTTP_X_REQUEST_ID="req-1")
    client.credentials(HTTP_X_API_KEY=secret)
    assert client.get(f"/api/imports/{job.pk}/?page=2").status_code == 200

    lines = [line for line in json_lines() if line["logger"] == "intake.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["message"].startswith(f"GET /api/imports/{job.pk}/ 200 ")
    assert (line["method"], line["path"], line["status"]) == ("GET", f"/api/imports/{job.pk}/", 200)
    assert line["duration_ms"] >= 0
    assert (line["request_id"], line["workspace"], line["job_id"]) == ("req-1", "acme", str(job.pk))
    assert {"time", "level"} <= set(line)
    assert "context" not in line


def test_logs_hold_no_api_key_secret_or_hash_and_no_query_string(client, workspace, json_lines):
    created = client.post("/api/keys/", {"name": "partner"}, format="json").json()
    partner = APIClient()
    partner.credentials(HTTP_X_API_KEY=created["key"])
    assert partner.get("/api/books/?search=private+words").status_code == 200
    assert client.delete(f"/api/keys/{created['id']}/").status_code == 204
    assert partner.get("/api/imports/").status_code == 401
    printed = json.dumps(json_lines())
    assert f"/api/keys/{created['id']}/" in printed
    assert created["key"] not in printed
    assert created["key"].split(".", 1)[1] not in printed
    assert WorkspaceAPIKey.objects.get(prefix=created["prefix"]).hashed_key not in printed
    assert "private" not in printed


def test_plain_format_shows_the_context_that_is_set():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    log_context_bind(request_id="r1", job_id="j1")
    try:
        ContextFilter().filter(record)
    finally:
        log_context_clear()
    formatter = logging.Formatter(LOGGING["formatters"]["plain"]["format"])
    assert formatter.format(record).endswith("x [request_id=r1 job_id=j1] hello")


def test_a_task_message_carries_the_request_id_and_the_task_binds_it_with_its_job():
    log_context_clear()
    log_context_bind(request_id="req-9")
    headers: dict = {}
    task_headers_add_request_id(headers=headers)
    assert headers == {"request_id": "req-9"}
    task = SimpleNamespace(name="imports.process_job", request=SimpleNamespace(request_id="req-9"))
    task_context_bind(task=task, args=["0b6f4c0e-0000-0000-0000-000000000000"], kwargs={})
    assert log_context_get() == {
        "request_id": "req-9",
        "workspace": None,
        "job_id": "0b6f4c0e-0000-0000-0000-000000000000",
    }


def test_the_workers_records_of_an_import_carry_its_job_and_the_upload_request_id(
    celery_worker, upload, client, json_lines
):
    logging.getLogger("celery.app.trace").setLevel(logging.INFO)
    client.credentials(**client._credentials, HTTP_X_REQUEST_ID="upload-42")
    created = upload(books_csv(3))
    assert created.status_code == 201, created.content
    job_id = created.json()["id"]
    deadline = time.monotonic() + 60
    while ImportJob.objects.get(pk=job_id).status not in ("completed", "failed") and time.monotonic() < deadline:
        time.sleep(0.1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        task_lines = [line for line in json_lines() if line["logger"].startswith("celery") and line["job_id"] == job_id]
        if task_lines:
            break
        time.sleep(0.1)
    assert task_lines, json_lines()
    assert all(line["request_id"] == "upload-42" for line in task_lines)


@pytest.mark.urls("tests.test_error_responses")
def test_a_server_error_is_logged_with_its_traceback_and_request_id_but_not_the_query(client, json_lines):
    client.raise_request_exception = False
    client.credentials(**client._credentials, HTTP_X_REQUEST_ID="boom-1")
    assert client.get("/api/boom/?search=private+words").status_code == 500
    error = next(line for line in json_lines() if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["request_id"] == "boom-1"
    assert "RuntimeError: a bug" in error["exc_info"]
    assert "private" not in json.dumps(json_lines())
