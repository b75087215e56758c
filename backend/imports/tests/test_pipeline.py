"""The pipeline service end to end in one thread: reading, validating, loading, counters."""

from __future__ import annotations

import codecs

import pytest

from catalog.models import Book
from datasets.registry import dataset_get
from imports.models import ImportJob, ImportRowError
from imports.pipeline.loading import LoadTarget, loader_for
from imports.pipeline.progress import JobStopped, batch_commit
from imports.pipeline.results import BatchResult
from imports.services import import_job_cancel, import_job_process, import_job_sanitize
from imports.storage import FILES, QUARANTINE, file_delete
from tests.csv_files import books_csv, isbn
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["reader process", "serial"])
def reader_mode(request, settings):
    """Every test runs with the file read in a child process (the default) and in one process."""
    settings.IMPORT_READER_PROCESS = request.param == "reader process"
    return request.param


@pytest.fixture(autouse=True, params=["fast path", "csv path"])
def read_path(request, settings):
    """... with the columnar fast path (the default on PostgreSQL) and with the csv path alone."""
    settings.IMPORT_FAST_PATH = request.param == "fast path"
    return request.param


@pytest.fixture(autouse=True)
def storage(any_storage):
    """... and with its files on the local filesystem and on the local S3 server."""
    return any_storage


def errors_by_row(job: ImportJob) -> dict[int, dict[str, list[str]]]:
    return {e.row_number: e.errors for e in ImportRowError.objects.filter(job=job)}


def test_mixed_file_has_exact_counters_and_row_numbers(run_import):
    content = (
        "title,author,isbn,publication_year\n"  # row 1
        f"Good one,Ann,{isbn(1)},1999\n"  # row 2
        f",Bob,{isbn(2)},2000\n"  # row 3: no title
        f"Good two,Cy,{isbn(3)},\n"  # row 4
        "\n"  # row 5: blank line, not a record
        f"Bad year,Dee,{isbn(4)},19x7\n"  # row 6
        f"Good three,Eve,{isbn(5)},1997.0\n"  # row 7
        f"Dup,Fay,{isbn(1)},2001\n"  # row 8: isbn of row 2
        f"Ragged,Gus,{isbn(6)},2001,extra\n"  # row 9
    ).encode()
    job = run_import(content)

    assert job.status == ImportJob.Status.COMPLETED
    assert (job.total_rows, job.processed_rows) == (7, 7)
    assert (job.created_rows, job.updated_rows, job.skipped_rows, job.failed_rows) == (3, 0, 0, 4)
    assert job.success_rows == 3
    errors = errors_by_row(job)
    assert sorted(errors) == [3, 6, 8, 9]
    assert errors[3] == {"title": ["is required"]}
    assert errors[6] == {"publication_year": ["must be a whole number, got '19x7'"]}
    assert errors[8] == {"isbn": ["duplicate isbn in this file (first at row 2)"]}
    assert errors[9] == {"__all__": ["expected 4 fields, got 5"]}
    assert ImportRowError.objects.get(job=job, row_number=9).raw_data == f"Ragged,Gus,{isbn(6)},2001,extra"
    stored = dict(Book.objects.values_list("isbn", "publication_year"))
    assert stored == {isbn(1): 1999, isbn(3): None, isbn(5): 1997}
    assert Book.objects.get(isbn=isbn(1)).source_row_number == 2


def test_rows_are_trimmed_and_isbn_stored_as_isbn13(run_import):
    job = run_import(b"title,author,isbn,publication_year\n  Dune  , Frank Herbert ,0-306-40615-2, 1965 \n")
    assert job.created_rows == 1
    book = Book.objects.get()
    assert (book.title, book.author, book.isbn, book.publication_year) == (
        "Dune",
        "Frank Herbert",
        "9780306406157",
        1965,
    )


def test_quoted_newlines_stay_in_one_record_and_row_numbers_count_records(run_import):
    content = (
        f'title,author,isbn,publication_year\n"A title\nover two lines",Ann,{isbn(1)},1999\nSecond,Bob,{isbn(2)},bad\n'
    ).encode()
    job = run_import(content)
    assert (job.total_rows, job.created_rows, job.failed_rows) == (2, 1, 1)
    assert Book.objects.get().title == "A title\nover two lines"
    assert list(errors_by_row(job)) == [3]


def test_utf8_bom_is_honoured(run_import):
    job = run_import(codecs.BOM_UTF8 + books_csv(3))
    assert job.encoding == "utf-8-sig"
    assert (job.created_rows, job.failed_rows) == (3, 0)


def test_utf16_with_bom_is_detected(run_import):
    job = run_import(books_csv(2).decode().encode("utf-16"))
    assert job.encoding == "utf-16"
    assert job.created_rows == 2


def test_semicolon_delimiter_is_sniffed(run_import):
    content = f"title;author;isbn;publication_year\nUn, deux;Zoé;{isbn(1)};2001\n".encode()
    job = run_import(content)
    assert job.delimiter == ";"
    assert Book.objects.get().title == "Un, deux"


def test_latin1_file_imports_with_encoding_latin1(run_import):
    content = f"title,author,isbn,publication_year\nLes Misérables,Victor Hugo,{isbn(1)},1862\n".encode("latin-1")
    job = run_import(content, encoding="latin-1")
    assert job.created_rows == 1
    assert Book.objects.get().title == "Les Misérables"


def test_invalid_utf8_on_one_row_fails_that_row_and_the_rest_load(run_import):
    content = (
        b"title,author,isbn,publication_year\n"
        + f"Fine,Ann,{isbn(1)},1999\n".encode()
        + b"Caf\xe9 broken,Bob,"
        + isbn(2).encode()
        + b",2000\n"
        + f"Also fine,Cy,{isbn(3)},2001\n".encode()
    )
    job = run_import(content, encoding="utf-8")
    assert (job.created_rows, job.failed_rows) == (2, 1)
    assert job.sanitize_report["undecodable_bytes"] == 1
    error = ImportRowError.objects.get(job=job)
    assert error.row_number == 3
    assert error.errors == {"__all__": ["column 'title' holds bytes that are not valid utf-8"]}
    assert error.raw_data.startswith("Caf\ufffd broken,Bob,")


def test_an_undeclared_windows_1252_file_is_detected_and_loads(run_import):
    content = f"title,author,isbn,publication_year\nCafé crème,Zoé,{isbn(1)},1999\nNaïve,Ann,{isbn(2)},\n"
    job = run_import(content.encode("cp1252"))
    assert job.encoding in {"cp1252", "latin-1", "iso8859-15"}
    assert (job.created_rows, job.failed_rows) == (2, 0)
    assert sorted(Book.objects.values_list("title", flat=True)) == ["Café crème", "Naïve"]


def test_nul_and_control_characters_are_removed_by_sanitizing_and_counted(run_import):
    content = f"title,author,isbn,publication_year\nNul\x00here\x07,Ann,{isbn(1)},1999\nOk,Bob,{isbn(2)},\n".encode()
    job = run_import(content)
    assert (job.created_rows, job.failed_rows) == (2, 0)
    assert Book.objects.get(isbn=isbn(1)).title == "Nulhere"
    assert (job.sanitize_report["nul_removed"], job.sanitize_report["control_characters_removed"]) == (1, 1)


def test_field_over_the_size_limit_is_a_row_error(run_import, settings):
    settings.IMPORT_MAX_FIELD_CHARS = 50
    # The line is over the limit too, so it is not even read whole.
    content = f"title,author,isbn,publication_year\n{'x' * 80},Ann,{isbn(1)},1999\nOk,Bob,{isbn(2)},\n".encode()
    job = run_import(content)
    assert (job.total_rows, job.created_rows, job.failed_rows) == (2, 1, 1)
    assert errors_by_row(job)[2] == {
        "__all__": ["the record is longer than the limit of 50 characters; it was not read"]
    }


def test_aliases_are_case_insensitive_and_exact_names_win(run_import):
    content = f"Title,AUTHORS,Author,ISBN13,Year\nT,alias author,exact author,{isbn(1)},1990\n".encode()
    job = run_import(content)
    book = Book.objects.get()
    assert (book.author, book.publication_year) == ("exact author", 1990)
    assert job.ignored_columns == ["AUTHORS"]


def test_column_mapping_overrides_names_and_aliases(run_import):
    content = f"Name,Writer,author,Code\nT,mapped,not me,{isbn(1)}\n".encode()
    job = run_import(content, column_mapping={"title": "Name", "author": "Writer", "isbn": "Code"})
    assert Book.objects.get().author == "mapped"
    assert job.ignored_columns == ["author"]
    assert job.column_mapping == {"title": "Name", "author": "Writer", "isbn": "Code"}


@pytest.mark.parametrize(
    ("policy", "created", "updated", "skipped", "failed", "stored_title"),
    [
        ("error", 1, 0, 0, 1, "Old"),
        ("skip", 1, 0, 1, 0, "Old"),
        ("update", 1, 1, 0, 0, "New title"),
    ],
)
def test_on_conflict_policies_against_stored_rows(
    run_import, workspace, policy, created, updated, skipped, failed, stored_title
):
    BookFactory(workspace=workspace, isbn=isbn(1), title="Old")
    content = f"title,author,isbn,publication_year\nNew title,Ann,{isbn(1)},1999\nFresh,Bob,{isbn(2)},\n".encode()
    job = run_import(content, on_conflict=policy)
    assert (job.created_rows, job.updated_rows, job.skipped_rows, job.failed_rows) == (
        created,
        updated,
        skipped,
        failed,
    )
    assert Book.objects.get(isbn=isbn(1)).title == stored_title
    if policy == "error":
        assert errors_by_row(job) == {2: {"isbn": [f"isbn {isbn(1)} already exists"]}}


@pytest.mark.parametrize("policy", ["error", "skip", "update"])
def test_in_file_duplicates_are_errors_under_every_policy_across_batches(run_import, settings, policy):
    settings.IMPORT_BATCH_SIZE = 2
    content = (
        "title,author,isbn,publication_year\n"
        f"First,Ann,{isbn(1)},1999\n"  # row 2, batch 1
        f",Bad,{isbn(2)},\n"  # row 3, rejected: claims no key
        f"Second,Bob,{isbn(2)},\n"  # row 4, batch 2: accepted, isbn 2 is free
        f"Again,Cy,{isbn(1)},\n"  # row 5, batch 2: duplicate of row 2 (committed batch)
        f"Third,Dee,{isbn(2)},\n"  # row 6, batch 3: duplicate of row 4
    ).encode()
    job = run_import(content, on_conflict=policy)
    assert (job.created_rows, job.updated_rows, job.skipped_rows, job.failed_rows) == (2, 0, 0, 3)
    errors = errors_by_row(job)
    assert errors[5] == {"isbn": ["duplicate isbn in this file (first at row 2)"]}
    assert errors[6] == {"isbn": ["duplicate isbn in this file (first at row 4)"]}
    assert Book.objects.get(isbn=isbn(1)).title == "First"


def test_same_keys_in_another_workspace_do_not_conflict(run_import, other_workspace):
    BookFactory(workspace=other_workspace, isbn=isbn(0))
    job = run_import(books_csv(1))
    assert job.created_rows == 1
    assert Book.objects.filter(isbn=isbn(0)).count() == 2


def test_large_file_imports_with_exact_counts(run_import):
    rows = 100_000
    job = run_import(books_csv(rows))
    assert job.status == ImportJob.Status.COMPLETED
    assert (job.total_rows, job.processed_rows, job.created_rows, job.failed_rows) == (rows, rows, rows, 0)
    assert Book.objects.count() == rows
    assert job.checkpoint_row == rows + 1


class WorkerDied(Exception):
    pass


def test_a_job_run_again_after_a_crash_resumes_and_loads_no_row_twice(make_job, settings):
    settings.IMPORT_BATCH_SIZE = 3
    content = books_csv(10).replace(b"Book 4,", b",")  # row 6 is invalid
    job = make_job(content)

    def die_after_first_batch(result: BatchResult) -> None:
        raise WorkerDied

    with pytest.raises(WorkerDied):
        import_job_process(job_id=job.pk, on_batch=die_after_first_batch)
    job.refresh_from_db()
    assert (job.status, job.checkpoint_row, job.processed_rows) == (ImportJob.Status.PROCESSING, 4, 3)

    job = import_job_process(job_id=job.pk)
    assert job.status == ImportJob.Status.COMPLETED
    assert (job.total_rows, job.processed_rows, job.created_rows, job.failed_rows) == (10, 10, 9, 1)
    assert Book.objects.count() == 9
    assert ImportRowError.objects.filter(job=job).count() == 1

    again = import_job_process(job_id=job.pk)  # a late re-delivery of a finished job
    assert (again.processed_rows, Book.objects.count()) == (10, 9)


def test_a_second_run_that_finds_the_checkpoint_moved_stops_without_loading(make_job, workspace, settings):
    job = make_job(books_csv(2))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PROCESSING, checkpoint_row=2)
    books = dataset_get("books")
    assert books is not None
    loader = loader_for(LoadTarget(dataset=books, workspace_id=workspace.pk, job_id=job.pk, on_conflict="error"))
    with pytest.raises(JobStopped):
        batch_commit(
            job_id=job.pk,
            expected_checkpoint=0,
            loader=loader,
            prepared_rows=loader.prepare([(2, ("T", "A", isbn(0), None))]),
            raw_text=str,
            result=BatchResult(last_row=2),
            max_stored_errors=10,
        )
    assert Book.objects.count() == 0


def test_cancel_while_running_stops_after_the_current_batch(make_job, settings):
    settings.IMPORT_BATCH_SIZE = 2
    job = make_job(books_csv(10))

    def cancel_after_first_batch(result: BatchResult) -> None:
        import_job_cancel(job=ImportJob.objects.get(pk=job.pk))

    job = import_job_process(job_id=job.pk, on_batch=cancel_after_first_batch)
    assert job.status == ImportJob.Status.CANCELLED
    assert (job.processed_rows, job.created_rows) == (2, 2)
    assert Book.objects.count() == 2


def test_a_cancelled_pending_job_is_never_processed(make_job):
    job = make_job(books_csv(3))
    import_job_cancel(job=job)
    job = import_job_process(job_id=job.pk)
    assert job.status == ImportJob.Status.CANCELLED
    assert Book.objects.count() == 0


def test_failed_rows_are_all_counted_but_only_the_first_are_stored(run_import, settings):
    settings.IMPORT_MAX_STORED_ERRORS = 2
    settings.IMPORT_BATCH_SIZE = 2
    content = ("title,author,isbn,publication_year\n" + "".join(f"T{i},,{isbn(i)},\n" for i in range(6))).encode()
    job = run_import(content)
    assert (job.failed_rows, job.stored_errors) == (6, 2)
    assert list(ImportRowError.objects.filter(job=job).values_list("row_number", flat=True)) == [2, 3]


def test_an_upload_deleted_from_quarantine_fails_the_job_with_a_reason(make_job):
    job = make_job(books_csv(1))
    file_delete(area=QUARANTINE, key=job.quarantine_key)
    job = import_job_process(job_id=job.pk)
    assert (job.status, job.failure_reason) == (ImportJob.Status.FAILED, "file_missing")
    assert job.error_message


def test_a_final_copy_deleted_from_storage_fails_the_job_with_a_reason(make_job):
    job = make_job(books_csv(1))
    job = import_job_sanitize(job_id=job.pk, enqueue=False)
    file_delete(area=FILES, key=job.final_key)
    job = import_job_process(job_id=job.pk)
    assert (job.status, job.failure_reason) == (ImportJob.Status.FAILED, "file_missing")
    assert job.error_message


def test_a_row_the_table_refuses_is_stored_as_it_was_written(run_import, settings):
    settings.IMPORT_BATCH_SIZE = 2
    run_import(f"title,author,isbn\nFirst,Ann,{isbn(1)}\n".encode())
    content = f'title,author,isbn\nNew,Bob,{isbn(2)}\nOther,Cy,{isbn(3)}\n  Again ,"Dee, D",{isbn(1)}\n'
    job = run_import(content.encode())
    assert (job.created_rows, job.failed_rows) == (2, 1)
    error = ImportRowError.objects.get(job=job)
    assert (error.row_number, error.raw_data) == (4, f'  Again ,"Dee, D",{isbn(1)}')
    assert error.errors == {"isbn": [f"isbn {isbn(1)} already exists"]}


def test_deleting_a_job_or_its_workspace_deletes_its_row_errors(run_import, workspace):
    bad = b"title,author,isbn\n,Ann,123\n"
    first, second = run_import(bad), run_import(bad)
    assert ImportRowError.objects.filter(job__in=[first, second]).count() == 2

    first.delete()
    assert not ImportRowError.objects.filter(job_id=first.pk).exists()
    assert ImportRowError.objects.filter(job_id=second.pk).count() == 1

    workspace.delete()
    assert not ImportRowError.objects.exists()
