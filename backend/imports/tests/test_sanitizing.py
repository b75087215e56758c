"""The sanitize step: quarantine -> final copy, what it changes, and what happens when it cannot."""

from __future__ import annotations

import codecs

import pytest

from catalog.models import Book
from imports.models import ImportJob, ImportRowError
from imports.services import import_job_process, import_job_sanitize
from imports.storage import FILES, QUARANTINE, file_exists, file_open
from tests.csv_files import books_csv, isbn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(any_storage):
    return any_storage


def final_text(job: ImportJob) -> str:
    with file_open(area=FILES, key=job.final_key) as stream:
        return stream.read().decode("utf-8", "surrogateescape")


def test_sanitizing_writes_a_utf8_final_copy_and_deletes_the_quarantined_upload(make_job):
    content = codecs.BOM_UTF16_LE + (
        " title , author,isbn,publication_year\r\n"
        f"Zoé\x00 et\x1b moi,Ann,{isbn(1)},1999\r\n"
        "\r\n"
        f'"Two\rlines",Bob,{isbn(2)},2000\r'
    ).encode("utf-16-le")
    job = make_job(content)
    assert job.status == ImportJob.Status.SANITIZING
    assert file_exists(area=QUARANTINE, key=job.quarantine_key)

    job = import_job_sanitize(job_id=job.pk, enqueue=False)

    assert job.status == ImportJob.Status.PENDING
    assert not file_exists(area=QUARANTINE, key=job.quarantine_key)
    assert final_text(job) == (
        f'title,author,isbn,publication_year\nZoé et moi,Ann,{isbn(1)},1999\n\n"Two\nlines",Bob,{isbn(2)},2000\n'
    )
    report = job.sanitize_report
    assert report["source_encoding"] == "utf-16"
    assert report["bom_removed"] is True
    assert (report["nul_removed"], report["control_characters_removed"]) == (1, 1)
    assert report["line_endings_normalised"] == 5
    assert report["header_names_trimmed"] == 2
    assert (report["bytes_read"], report["bytes_written"]) == (len(content), job.final_size)
    assert job.final_key == f"final/workspace-{job.workspace_id}/{job.pk}.csv"
    assert job.file_size == len(content)


def test_row_numbers_and_counters_are_those_of_the_original_file(run_import):
    content = (
        "\r\n"  # row 1: blank, before the header
        "title,author,isbn,publication_year\r\n"  # row 2
        f"A,Ann,{isbn(1)},1999\r\n"  # row 3
        "\r\n"  # row 4: blank
        f"B,Bob,{isbn(2)},19x9\r\n"  # row 5: bad year
    ).encode()
    job = run_import(content)
    assert (job.total_rows, job.created_rows, job.failed_rows) == (2, 1, 1)
    assert list(ImportRowError.objects.filter(job=job).values_list("row_number", flat=True)) == [5]
    assert Book.objects.get().source_row_number == 3


def test_a_line_over_the_limit_is_cut_in_the_final_copy_and_its_row_is_an_error(run_import, settings):
    settings.IMPORT_MAX_FIELD_CHARS = 1000
    content = (
        f"title,author,isbn,publication_year\nFirst,Ann,{isbn(1)},1999\n{'x' * 50_000},Bob\nLast,Cy,{isbn(3)},2001\n"
    ).encode()
    job = run_import(content)
    assert (job.total_rows, job.created_rows, job.failed_rows) == (3, 2, 1)
    assert job.sanitize_report["lines_cut"] == 1
    assert job.final_size < 2000 + len(content) - 50_000
    error = ImportRowError.objects.get(job=job)
    assert error.row_number == 3
    assert "longer than the limit of 1000 characters" in error.errors["__all__"][0]


def test_a_file_that_cannot_be_sanitized_fails_the_job_and_keeps_the_quarantined_copy(make_job):
    job = make_job(books_csv(2))
    ImportJob.objects.filter(pk=job.pk).update(encoding="utf-32-be")  # every byte sequence wrong for it
    job = import_job_process(job_id=job.pk)
    assert (job.status, job.failure_reason) == (ImportJob.Status.FAILED, "decode_error")
    assert "cannot be decoded as utf-32-be" in job.error_message
    assert file_exists(area=QUARANTINE, key=job.quarantine_key)
    assert job.final_key == ""


def test_a_cancelled_job_in_quarantine_is_not_processed(make_job):
    job = make_job(books_csv(2))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CANCELLED)
    job = import_job_sanitize(job_id=job.pk, enqueue=False)
    assert job.status == ImportJob.Status.CANCELLED
    assert Book.objects.count() == 0


def test_the_job_records_both_keys_its_sha256_and_sizes(make_job):
    import hashlib

    content = books_csv(3).replace(b"\n", b"\r\n")
    job = make_job(content)
    job = import_job_process(job_id=job.pk)
    assert job.status == ImportJob.Status.COMPLETED
    assert job.quarantine_key.startswith(f"quarantine/workspace-{job.workspace_id}/")
    assert job.final_key and job.sha256 == hashlib.sha256(content).hexdigest()
    assert (job.file_size, job.final_size) == (len(content), len(content) - 4)


def test_the_sanitize_task_hands_the_job_to_processing(upload, celery_worker):
    from imports.tests.test_watchdog import wait_final

    response = upload(books_csv(30))
    assert response.json()["status"] == "sanitizing"
    job = wait_final(response.json()["id"])
    assert (job.status, job.created_rows) == ("completed", 30)
    assert job.sanitize_report["bytes_read"] == len(books_csv(30))
