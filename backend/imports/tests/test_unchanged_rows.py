"""The update policy writes only the rows whose values changed: a stored row given again with the
same values is not written (no new row version, no before-image; its timestamps and provenance
stay) and is counted as unchanged, by the import, its dry run, a revert and a resubmission alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from catalog.models import Book
from imports.models import ImportRowBefore
from imports.services import import_job_revert, import_job_rows_resubmit
from imports.tests.test_dry_run import dry_then_real
from tests.csv_files import books_csv, isbn
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

HEADER = "title,author,isbn,publication_year\n"


@pytest.fixture(autouse=True, params=["reader process", "serial"])
def reader_mode(request, settings):
    settings.IMPORT_READER_PROCESS = request.param == "reader process"
    return request.param


def stored() -> dict[str, tuple[Any, ...]]:
    """Every book by isbn, with its row version: xmin changes with every write of the row, xmax
    when a transaction locks it (as an upsert does with every row it finds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT isbn, xmin::text || '/' || xmax::text, title, author, publication_year, source_job_id, "
            "source_row_number, updated_at FROM catalog_book"
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def counters(job) -> tuple[int, ...]:
    job.refresh_from_db()
    return (job.processed_rows, job.created_rows, job.updated_rows, job.unchanged_rows, job.skipped_rows,
            job.failed_rows)  # fmt: skip


def test_a_row_given_again_with_the_same_values_is_not_written_and_is_counted_unchanged(
    client, run_import, workspace, settings
):
    settings.IMPORT_BATCH_SIZE = 2
    run_import(books_csv(4))  # "Book i,Author i,isbn(i),1900+i" for i in 0..3
    BookFactory(workspace=workspace, isbn=isbn(7), title="Seven", author="Nobody", publication_year=None)
    before = stored()
    content = (
        HEADER + f"Book 0,Author 0,{isbn(0)},1900\n"
        f"Book one revised,Author 1,{isbn(1)},1901\n"
        f"Book 2,Author 2,{isbn(2)},1902\n"
        f"New,Ann,{isbn(10)},2000\n"
        f"Seven,Nobody,{isbn(7)},\n"  # stored by no job, the same values
        f"Book 3,Author 3,{isbn(3)},1903\n"
    ).encode()
    job = run_import(content, on_conflict="update")

    assert counters(job) == (6, 1, 1, 4, 0, 0)
    after = stored()
    for n in (0, 2, 3, 7):
        assert after[isbn(n)] == before[isbn(n)]  # the same row version, provenance and updated_at
    changed = after[isbn(1)]
    assert changed[0] != before[isbn(1)][0]
    assert changed[1:6] == ("Book one revised", "Author 1", 1901, job.pk, 3)
    assert changed[6] > before[isbn(1)][6]
    book_one = Book.objects.get(isbn=isbn(1))
    assert list(ImportRowBefore.objects.filter(job=job).values_list("record_id", flat=True)) == [book_one.pk]
    body = client.get(f"/api/imports/{job.pk}/").json()
    assert (body["updated_rows"], body["unchanged_rows"], body["outcome"]) == (1, 4, "completed")


def test_null_against_a_value_is_a_change_and_null_against_null_is_not(run_import):
    run_import((HEADER + f"A,Ann,{isbn(1)},\nB,Bob,{isbn(2)},1999\nC,Cy,{isbn(3)},\nD,Dee,{isbn(4)},2000\n").encode())
    before = stored()
    content = HEADER + f"A,Ann,{isbn(1)},1999\nB,Bob,{isbn(2)},\nC,Cy,{isbn(3)},\nD,Dee,{isbn(4)},2000\n"
    job = run_import(content.encode(), on_conflict="update")

    assert counters(job) == (4, 0, 2, 2, 0, 0)
    after = stored()
    assert (after[isbn(1)][3], after[isbn(2)][3]) == (1999, None)
    assert (after[isbn(1)][4], after[isbn(2)][4]) == (job.pk, job.pk)
    assert (after[isbn(3)], after[isbn(4)]) == (before[isbn(3)], before[isbn(4)])
    assert ImportRowBefore.objects.filter(job=job).count() == 2


def test_a_dry_run_predicts_the_unchanged_rows_exactly(make_job, run_import, settings):
    run_import(books_csv(3))
    settings.IMPORT_BATCH_SIZE = 2
    content = (
        (
            HEADER + f"Book 0,Author 0,{isbn(0)},1900\n"  # 2: unchanged
            f"Changed,Author 1,{isbn(1)},1901\n"  # 3: updated
            f"New,Ann,{isbn(10)},2000\n"  # 4: created
            f"Book 0 revised,Author 0,{isbn(0)},1900\n"  # 5: row 2's key; row 2 wrote nothing, so an update
            f"Changed,Author 1,{isbn(1)},1901\n"  # 6: row 3's key, written by this job: a duplicate
            f"Book 2,Author 2,{isbn(2)},1902\n"  # 7: unchanged
            f"Book 0 revised,Author 0,{isbn(0)},1900\n"  # 8: row 5's key, written by this job: a duplicate
        ).encode()
    )
    dry, real = dry_then_real(make_job, content, on_conflict="update")
    assert dry == real
    # created, updated, skipped, failed; then unchanged
    assert (dry["counters"][2:6], dry["counters"][-1]) == ((1, 2, 0, 2), 2)


def test_a_revert_puts_back_only_the_rows_the_job_updated_and_leaves_unchanged_ones_unwritten(run_import, settings):
    settings.IMPORT_BATCH_SIZE = 2
    run_import(books_csv(4))
    before = stored()
    content = (
        HEADER + f"Book 0,Author 0,{isbn(0)},1900\n"
        f"Book one revised,Author 1,{isbn(1)},\n"
        f"Book 2,Author 2,{isbn(2)},1902\n"
        f"New,Ann,{isbn(10)},2000\n"
    ).encode()
    job = run_import(content, on_conflict="update")
    assert counters(job) == (4, 1, 1, 2, 0, 0)

    report = import_job_revert(job=job)
    job = report.job
    assert (job.reverted_deleted_rows, job.reverted_restored_rows, job.reverted_kept_rows) == (1, 1, 0)
    after = stored()
    assert after.keys() == before.keys()
    for n in (0, 2, 3):
        assert after[isbn(n)] == before[isbn(n)]  # never written, not even by the revert
    assert after[isbn(1)][1:] == before[isbn(1)][1:]  # values, provenance and updated_at as they were


def test_a_corrected_row_equal_to_the_stored_one_is_resolved_as_unchanged(run_import, workspace):
    BookFactory(workspace=workspace, isbn=isbn(3), title="Stored", author="Cy", publication_year=None)
    before = stored()
    job = run_import(f"title,author,isbn\nNew,Ann,{isbn(1)}\n,Cy,{isbn(3)}\n".encode(), on_conflict="update")
    assert counters(job) == (2, 1, 0, 0, 0, 1)

    report = import_job_rows_resubmit(job=job, rows=[(3, {"title": "Stored"})])
    assert report.resolved == [3]
    assert counters(report.job) == (2, 1, 0, 1, 0, 0)
    assert stored()[isbn(3)] == before[isbn(3)]
    assert not ImportRowBefore.objects.filter(job=job).exists()
