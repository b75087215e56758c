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


@pytest.mark.parametrize("policy", ["error", "skip", "update"])
def test_a_dry_run_on_sqlite_counts_what_the_import_then_does(make_job, run_import, workspace, settings, policy):
    from imports.models import DryRunClaim
    from imports.tests.test_dry_run import TRICKY, dry_then_real
    from tests.csv_files import books_csv, isbn
    from tests.factories import BookFactory

    run_import(books_csv(1, start=1))
    BookFactory(workspace=workspace, isbn=isbn(7), title="Seven")
    settings.IMPORT_BATCH_SIZE = 3
    dry, real = dry_then_real(make_job, TRICKY, on_conflict=policy)
    assert dry == real
    assert dry["counters"][2:6] == {"error": (3, 0, 0, 8), "skip": (3, 0, 3, 5), "update": (3, 2, 0, 6)}[policy]
    assert not DryRunClaim.objects.exists()


def test_a_feed_dry_run_on_sqlite_skips_identical_repeats_as_the_import_does(make_job, run_import, settings):
    from imports.tests.test_dry_run import dry_then_real

    run_import(b"ID,Card ID,User Mobile,Timestamp\n1,C-1,0585949014,13-11-2023 10:00\n", dataset="card_pickup")
    settings.IMPORT_BATCH_SIZE = 2
    content = (
        b"ID,Card ID,User Mobile,Timestamp\n"
        b"1,C-9,0585949014,13-11-2023 14:00\n"
        b"2,C-8,0585949014,13-11-2023 15:00\n"
        b"1,C-9,0585949014,2023-11-13T10:00:00Z\n"
        b"3,C-9,0501234567,13-11-2023 14:00\n"
        b"4,C-1,0585949014,13-11-2023 10:00\n"
    )
    dry, real = dry_then_real(make_job, content, dataset="card_pickup")
    assert dry == real
    assert dry["counters"][2:6] == (2, 0, 2, 1)


def test_rows_resubmitted_on_sqlite_go_through_the_policy_into_the_same_job(run_import, workspace):
    from imports.services import import_job_rows_resubmit
    from tests.csv_files import isbn
    from tests.factories import BookFactory

    BookFactory(workspace=workspace, isbn=isbn(3), title="Stored")
    content = f"title,author,isbn\nGood,Ann,{isbn(1)}\n,Bob,{isbn(2)}\n,Cy,{isbn(3)}\n".encode()
    job = run_import(content, on_conflict="update")
    report = import_job_rows_resubmit(job=job, rows=[(3, {"title": "Two"}), (4, {"title": "Three"})])
    assert report.resolved == [3, 4]
    job = report.job
    assert (job.processed_rows, job.created_rows, job.updated_rows, job.failed_rows) == (3, 2, 1, 0)
    assert dict(Book.objects.values_list("isbn", "title")) == {isbn(1): "Good", isbn(2): "Two", isbn(3): "Three"}


def test_unchanged_rows_on_sqlite_are_not_written_and_are_counted_as_on_postgresql(
    make_job, run_import, workspace, settings
):
    from imports.models import ImportJob, ImportRowBefore
    from imports.services import import_job_revert
    from imports.tests.test_dry_run import dry_then_real
    from tests.csv_files import isbn

    run_import(
        f"title,author,isbn,publication_year\nA,Ann,{isbn(1)},\nB,Bob,{isbn(2)},1999\nC,Cy,{isbn(3)},\n".encode()
    )
    before = sorted(Book.objects.values_list("isbn", "title", "publication_year", "source_job_id", "updated_at"))
    settings.IMPORT_BATCH_SIZE = 2
    content = (
        "title,author,isbn,publication_year\n"
        f"A,Ann,{isbn(1)},1999\n"  # NULL to a value: updated
        f"B,Bob,{isbn(2)},1999\n"  # unchanged
        f"C,Cy,{isbn(3)},\n"  # NULL and NULL: unchanged
        f"New,Dee,{isbn(4)},2000\n"  # created
        f"B again,Bob,{isbn(2)},1999\n"  # row 3 wrote nothing: an update
    ).encode()
    dry, real = dry_then_real(make_job, content, on_conflict="update")
    assert dry == real
    assert (dry["counters"][2:6], dry["counters"][-1]) == ((1, 2, 0, 0), 2)
    job = ImportJob.objects.get(dry_run=False, on_conflict="update")
    assert ImportRowBefore.objects.filter(job=job).count() == 2
    rows = {
        r[0]: r for r in Book.objects.values_list("isbn", "title", "publication_year", "source_job_id", "updated_at")
    }
    assert rows[isbn(3)] == next(r for r in before if r[0] == isbn(3))  # not written: same updated_at
    import_job_revert(job=job)
    assert (
        sorted(Book.objects.values_list("isbn", "title", "publication_year", "source_job_id", "updated_at")) == before
    )


def test_a_revert_on_sqlite_deletes_created_rows_restores_updated_ones_and_keeps_later_changes(run_import, workspace):
    from imports.services import import_job_revert
    from tests.csv_files import isbn
    from tests.factories import BookFactory

    BookFactory(workspace=workspace, isbn=isbn(3), title="Stored", publication_year=1950)
    BookFactory(workspace=workspace, isbn=isbn(4), title="Stored four", publication_year=1960)
    original = sorted(Book.objects.values_list("isbn", "title", "publication_year", "source_job_id", "updated_at"))
    content = (
        f"title,author,isbn\nA one,Ann,{isbn(1)}\nA two,Ann,{isbn(2)}\nA three,Ann,{isbn(3)}\nA four,Ann,{isbn(4)}\n"
    )
    first = run_import(content.encode(), on_conflict="update")
    later = run_import(f"title,author,isbn\nB two,Bob,{isbn(2)}\n".encode(), on_conflict="update")
    report = import_job_revert(job=first)
    job = report.job
    assert (job.reverted_deleted_rows, job.reverted_restored_rows, job.reverted_kept_rows) == (1, 2, 1)
    assert [(c.key, c.changed_by) for c in report.result.changed] == [({"isbn": isbn(2)}, later.pk)]
    rows = sorted(Book.objects.values_list("isbn", "title", "publication_year", "source_job_id", "updated_at"))
    assert [r for r in rows if r[0] != isbn(2)] == original
    assert Book.objects.get(isbn=isbn(2)).title == "B two"


def test_a_reverted_feed_job_on_sqlite_leaves_the_card_statuses_right(run_import):
    from cards.models import CardStatus
    from imports.services import import_job_revert

    run_import(b"ID,Card ID,User Mobile,Timestamp\n1,C-1,0585949014,13-11-2023 10:00\n", dataset="card_pickup")
    delivered = run_import(
        b"ID,Card ID,User contact,Timestamp\n1,C-1,0585949014,14-11-2023 10:00\n2,C-3,0585949014,14-11-2023 11:00\n",
        dataset="card_delivered",
    )
    import_job_revert(job=delivered)
    assert dict(CardStatus.objects.values_list("card_id", "status")) == {"C-1": "pickup"}


def test_a_row_updated_twice_by_a_job_is_put_back_from_its_latest_image_on_sqlite(run_import, workspace):
    from imports.services import import_job_revert, import_job_rows_resubmit
    from tests.csv_files import isbn
    from tests.factories import BookFactory

    BookFactory(workspace=workspace, isbn=isbn(3), title="Stored", publication_year=1950)
    first = run_import(
        f"title,author,isbn,publication_year\nA three,Ann,{isbn(3)},\n,Ann,{isbn(3)},19x9\n".encode(),
        on_conflict="update",
    )
    run_import(f"title,author,isbn\nB three,Bob,{isbn(3)}\n".encode(), on_conflict="update")
    after_later = list(Book.objects.values_list("title", "author", "source_job_id", "updated_at"))
    import_job_rows_resubmit(job=first, rows=[(3, {"title": "A again", "publication_year": "1999"})])
    job = import_job_revert(job=first).job
    assert (job.reverted_deleted_rows, job.reverted_restored_rows, job.reverted_kept_rows) == (0, 1, 0)
    assert list(Book.objects.values_list("title", "author", "source_job_id", "updated_at")) == after_later
