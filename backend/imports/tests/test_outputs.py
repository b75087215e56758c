"""cleaned.csv, DELETE of a job's files, retention, and 410 once the files are gone."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from catalog.models import Book
from imports.models import ImportJob, ImportRowError
from imports.services import import_files_retention
from imports.storage import FILES, QUARANTINE, file_exists, file_save
from tests.csv_files import books_csv, isbn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(any_storage):
    return any_storage


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body, newline="")))


def test_cleaned_csv_equals_the_stored_rows_in_row_order(run_import, client):
    content = (
        "title,author,isbn,publication_year\n"
        f"  Dune ,Frank Herbert,0-306-40615-2,1965\n"  # ISBN-10, stored as ISBN-13
        f"Bad,Ann,{isbn(2)},19x9\n"
        f'"Two\nlines",Bob,{isbn(3)},\n'
    ).encode()
    job = run_import(content)
    detail = client.get(f"/api/imports/{job.pk}/").json()
    assert detail["cleaned_url"] == f"/api/imports/{job.pk}/cleaned.csv"
    response = client.get(detail["cleaned_url"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="books-cleaned.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    stored = [
        [
            str(b.source_row_number),
            b.title,
            b.author,
            b.isbn,
            "" if b.publication_year is None else str(b.publication_year),
        ]
        for b in Book.objects.order_by("source_row_number")
    ]
    assert rows == [["row_number", "title", "author", "isbn", "publication_year"], *stored]
    assert rows[1] == ["2", "Dune", "Frank Herbert", "9780306406157", "1965"]
    assert rows[2][1] == "Two\nlines"


def test_cleaned_csv_of_a_card_feed_has_e164_mobiles_and_utc_times(run_import, client):
    content = b"ID,Card ID,User Mobile,Timestamp\n1,C-1,0585949014,13-11-2023 14:00\n"
    job = run_import(content, dataset="card_pickup")
    rows = csv_rows(client.get(f"/api/imports/{job.pk}/cleaned.csv"))
    header, row = rows
    assert header[0] == "row_number"
    assert "+971585949014" in row
    assert "2023-11-13T10:00:00Z" in row  # 14:00 in Asia/Dubai


def test_cleaned_csv_before_completion_is_a_409(make_job, client):
    job = make_job(books_csv(1))
    response = client.get(f"/api/imports/{job.pk}/cleaned.csv")
    assert response.status_code == 409
    assert client.get(f"/api/imports/{job.pk}/").json()["cleaned_url"] is None


def test_delete_removes_a_finished_jobs_files_and_row_errors_and_keeps_its_rows(run_import, client):
    job = run_import(books_csv(3) + b"Bad,Ann,x,y\n")
    assert file_exists(area=FILES, key=job.final_key) and file_exists(area=FILES, key=job.cleaned_key)
    response = client.delete(f"/api/imports/{job.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["files_removed_reason"] == "deleted" and body["files_removed_at"]
    assert (body["cleaned_url"], body["errors_csv_url"]) == (None, None)
    assert not file_exists(area=FILES, key=job.final_key)
    assert not file_exists(area=FILES, key=job.cleaned_key)
    assert ImportRowError.objects.filter(job=job).count() == 0
    assert Book.objects.count() == 3
    for link in ("cleaned.csv", "errors.csv"):
        gone = client.get(f"/api/imports/{job.pk}/{link}")
        assert gone.status_code == 410
        assert gone.json()["error"]["code"] == "files_removed"
    assert client.get(f"/api/imports/{job.pk}/").status_code == 200


def test_delete_of_an_unfinished_job_is_a_409(make_job, client):
    job = make_job(books_csv(1))
    response = client.delete(f"/api/imports/{job.pk}/")
    assert response.status_code == 409
    assert file_exists(area=QUARANTINE, key=job.quarantine_key)


def test_delete_of_another_workspaces_job_is_a_404(run_import, other_client):
    job = run_import(books_csv(1))
    assert other_client.delete(f"/api/imports/{job.pk}/").status_code == 404
    assert file_exists(area=FILES, key=job.final_key)


def test_retention_removes_exactly_the_files_of_jobs_finished_long_enough_ago(run_import, make_job, settings, client):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    old = run_import(books_csv(2))
    recent = run_import(books_csv(2, start=10))
    failed_in_quarantine = make_job(books_csv(1, start=20))
    ImportJob.objects.filter(pk=failed_in_quarantine.pk).update(
        status=ImportJob.Status.FAILED, finished_at=timezone.now() - timedelta(days=31)
    )
    ImportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    ImportJob.objects.filter(pk=recent.pk).update(finished_at=timezone.now() - timedelta(days=29))

    report = import_files_retention()

    assert sorted(report.jobs) == sorted([str(old.pk), str(failed_in_quarantine.pk)])
    assert not file_exists(area=FILES, key=old.final_key) and not file_exists(area=FILES, key=old.cleaned_key)
    assert not file_exists(area=QUARANTINE, key=failed_in_quarantine.quarantine_key)
    assert file_exists(area=FILES, key=recent.final_key) and file_exists(area=FILES, key=recent.cleaned_key)
    old.refresh_from_db()
    assert old.files_removed_reason == "retention" and old.files_removed_at is not None
    assert client.get(f"/api/imports/{old.pk}/cleaned.csv").status_code == 410
    assert client.get(f"/api/imports/{recent.pk}/cleaned.csv").status_code == 200
    assert import_files_retention().jobs == []  # nothing twice


def test_retention_deletes_orphaned_quarantine_objects_but_not_those_a_job_needs(make_job, settings):
    waiting = make_job(books_csv(1))
    file_save(area=QUARANTINE, key="quarantine/workspace-1/orphan.csv", content=io.BytesIO(b"a,b\n"))
    later = timezone.now() + timedelta(hours=2)
    report = import_files_retention(now=later)
    assert report.orphans == ["quarantine/workspace-1/orphan.csv"]
    assert file_exists(area=QUARANTINE, key=waiting.quarantine_key)
    # A fresh object (an upload in flight) is left alone.
    file_save(area=QUARANTINE, key="quarantine/workspace-1/fresh.csv", content=io.BytesIO(b"a,b\n"))
    assert import_files_retention().orphans == []


def test_retention_0_keeps_files_forever(run_import, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 0
    job = run_import(books_csv(1))
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=3650))
    assert import_files_retention().jobs == []
    assert file_exists(area=FILES, key=job.final_key)


@pytest.mark.parametrize(
    ("dataset", "content"),
    [
        (
            "books",
            f'title,author,isbn,publication_year\n"Say ""hi""",Ann,{isbn(1)},\n"Two\nlines",Bob,{isbn(2)},1999\n'
            f"Été,Ünal,{isbn(3)},2001\n".encode(),
        ),
        (
            "card_pickup",
            b"ID,Card ID,User Mobile,Timestamp\n1,C-1,0585949014,13-11-2023 14:00\n"
            b"2,C-2,+971585949015,2023-11-14T08:30:00Z\n",
        ),
    ],
)
def test_postgresql_writes_the_cleaned_output_byte_for_byte_as_the_csv_module_does(run_import, dataset, content):
    from datasets.registry import dataset_get
    from imports.outputs import cleaned_csv_copy, cleaned_csv_lines

    job = run_import(content, dataset=dataset)
    target = dataset_get(dataset)
    assert target is not None
    model = target.model
    rows = model._default_manager.filter(source_job_id=job.pk)
    assert rows.count() >= 2
    # Times with and without microseconds.
    if dataset == "card_pickup":
        first: Any = rows.order_by("source_row_number").first()
        model._default_manager.filter(pk=first.pk).update(event_at=first.event_at + timedelta(microseconds=1500))
    out = io.BytesIO()
    cleaned_csv_copy(dataset=target, job=job, out=out)
    expected = "".join(cleaned_csv_lines(dataset=target, job=job)).encode()
    assert out.getvalue() == expected
    assert len(expected.splitlines()) >= 3
