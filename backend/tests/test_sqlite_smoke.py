"""The embedded defaults: SQLite and Celery's filesystem broker, with a real worker.

Run by `make test-sqlite` with DATABASE_URL and CELERY_BROKER_URL unset.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connection

from catalog.models import Book
from tests.csv_files import books_csv

pytestmark = pytest.mark.sqlite_smoke


def test_defaults_are_sqlite_and_the_filesystem_broker(db):
    assert connection.vendor == "sqlite"
    assert settings.CELERY_BROKER_URL.startswith("filesystem://")


def test_an_upload_is_imported_by_a_worker_on_the_embedded_defaults(celery_worker, upload, client):
    content = books_csv(250) + b",,,\n"
    created = upload(content)
    assert created.status_code == 201, created.content
    deadline = time.monotonic() + 60
    job = created.json()
    while job["status"] not in ("completed", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/imports/{job['id']}/").json()
    assert job["status"] == "completed", job
    assert (job["total_rows"], job["created_rows"], job["failed_rows"]) == (251, 250, 1)
    assert Book.objects.count() == 250
    assert client.get("/api/health/").json()["status"] == "ok"


def test_the_card_feeds_give_the_same_statuses_on_sqlite(run_import, workspace):
    from cards.models import CardStatus
    from tests.card_feeds import EXPECTED, FEEDS

    for name, content in reversed(list(FEEDS.items())):
        job = run_import(content, dataset=name, name=f"{name}.csv")
        assert job.status == "completed", job.error_message
    found = {
        s.card_id: (s.status, s.status_at, s.mobile, s.anomaly, s.anomaly_reason, s.events_count)
        for s in CardStatus.objects.all()
    }
    assert found == EXPECTED
    again = [run_import(content, dataset=name, name=f"{name}.csv") for name, content in FEEDS.items()]
    assert sum(j.skipped_rows for j in again) == 12
