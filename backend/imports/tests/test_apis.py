"""The imports HTTP API: upload checks, reading jobs and errors back, cancel, tenant isolation."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from catalog.models import Book
from imports.models import ImportJob
from imports.services import import_job_process
from imports.storage import QUARANTINE, file_open
from tests.csv_files import books_csv, isbn

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_refused(response, status: int, field: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert field in body["error"]["fields"], body
    assert ImportJob.objects.count() == 0
    assert stored_files() == []
    return body["error"]


def test_upload_answers_201_with_a_sanitizing_job_and_quarantines_the_file_under_a_generated_name(upload, workspace):
    response = upload(books_csv(3), name="../../etc/my books.csv")
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["status"] == "sanitizing"
    assert job["filename"] == "my books.csv"
    assert job["dataset"] == "books"
    assert job["headers"] == ["title", "author", "isbn", "publication_year"]
    stored = ImportJob.objects.get(pk=job["id"]).quarantine_key
    assert stored.startswith(f"quarantine/workspace-{workspace.pk}/")
    assert "my books" not in stored


def test_upload_without_file_is_refused(client):
    assert_refused(client.post("/api/imports/", {"dataset": "books"}, format="multipart"), 400, "file")


def test_upload_with_a_wrong_extension_is_refused(upload):
    error = assert_refused(upload(books_csv(1), name="books.xls"), 400, "file")
    assert error["code"] == "invalid_extension"


def test_upload_over_the_size_limit_is_refused_with_413(upload, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    error = assert_refused(upload(books_csv(20)), 413, "file")
    assert "limit is 100 bytes" in error["message"]


def test_upload_of_an_empty_file_is_refused(upload):
    assert_refused(upload(b""), 400, "file")


@pytest.mark.parametrize(
    "content",
    [b"title,author,isbn,publication_year\n", b"title,author,isbn\r\n\r\n\n", b"\n\ntitle,author,isbn"],
    ids=["header only", "header and blank lines", "header without a newline"],
)
def test_upload_of_a_header_without_data_rows_is_refused_naming_the_file(upload, content):
    error = assert_refused(upload(content), 400, "file")
    assert error["code"] == "no_rows"
    assert error["message"] == "The file holds a header but no data rows: there is nothing to import."


def test_upload_of_a_workbook_with_a_header_and_no_rows_is_refused_naming_the_file(upload):
    from tests.xlsx_files import xlsx_bytes

    error = assert_refused(upload(xlsx_bytes([["title", "author", "isbn"], ()]), name="books.xlsx"), 400, "file")
    assert error["code"] == "no_rows"


def test_upload_whose_only_data_row_is_unreadable_is_accepted_and_reports_it_as_a_row_error(upload, settings):
    settings.IMPORT_MAX_FIELD_CHARS = 100
    response = upload(b"title,author,isbn\n" + b"x" * 500 + b"\n")
    assert response.status_code == 201, response.content


def test_upload_for_an_unknown_dataset_is_refused(upload):
    error = assert_refused(upload(books_csv(1), dataset="movies"), 400, "dataset")
    assert "books" in error["message"]


def test_upload_with_an_unknown_encoding_is_refused(upload):
    assert_refused(upload(books_csv(1), encoding="klingon-8"), 400, "encoding")


def test_upload_whose_header_does_not_decode_in_the_declared_encoding_is_refused(upload):
    assert_refused(upload("títle,author,isbn\n".encode("latin-1"), encoding="utf-8"), 400, "encoding")


def test_upload_missing_required_columns_lists_them_and_the_headers_found(upload):
    error = assert_refused(upload(b"title,isbn,year\nT,9780306406157,2000\n"), 400, "file")
    assert error["code"] == "missing_columns"
    assert "author" in error["message"]
    assert "Headers found: title, isbn, year" in error["message"]


def test_upload_with_column_mapping_that_is_not_json_is_refused(upload):
    assert_refused(upload(books_csv(1), column_mapping="{nope"), 400, "column_mapping")


def test_upload_mapping_a_column_to_a_header_not_in_the_file_is_refused(upload):
    error = assert_refused(upload(books_csv(1), column_mapping={"author": "Writer"}), 400, "column_mapping")
    assert "Writer" in error["message"]


def test_upload_mapping_an_unknown_dataset_column_is_refused(upload):
    assert_refused(upload(books_csv(1), column_mapping={"pages": "title"}), 400, "column_mapping")


def test_upload_with_an_unknown_on_conflict_policy_is_refused(upload):
    assert_refused(upload(books_csv(1), on_conflict="merge"), 400, "on_conflict")


def test_upload_with_a_multi_character_delimiter_is_refused(upload):
    assert_refused(upload(books_csv(1), delimiter="::"), 400, "delimiter")


def test_a_missing_required_column_can_be_mapped_at_upload(upload):
    response = upload(f"title,Writer,isbn\nT,W,{isbn(1)}\n".encode(), column_mapping={"author": "Writer"})
    assert response.status_code == 201
    assert response.json()["column_mapping"] == {"author": "Writer"}


def test_requests_without_a_valid_key_get_401_with_a_json_body(db):
    anonymous = APIClient()
    response = anonymous.get("/api/imports/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    anonymous.credentials(HTTP_X_API_KEY="abc.def")
    response = anonymous.get("/api/imports/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid API key."


def wait_for_final(client: APIClient, job_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/imports/{job_id}/").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_upload_is_processed_by_the_worker_and_read_back(celery_worker, upload, client):
    content = (
        "title,author,isbn,publication_year,notes\n"
        f"Good,Ann,{isbn(1)},1999,x\n"
        f",Bob,{isbn(2)},2000,y\n"
        f"Also good,Cy,{isbn(3)},,z\n"
    ).encode()
    created = upload(content)
    assert created.status_code == 201
    job = wait_for_final(client, created.json()["id"])

    assert job["status"] == "completed"
    assert {k: job[k] for k in ("total_rows", "processed_rows", "created_rows", "failed_rows", "success_rows")} == {
        "total_rows": 3,
        "processed_rows": 3,
        "created_rows": 2,
        "failed_rows": 1,
        "success_rows": 2,
    }
    assert job["progress_percent"] == 100.0
    assert job["ignored_columns"] == ["notes"]
    assert job["started_at"] and job["finished_at"]
    assert job["errors_preview"] == [
        {
            "row_number": 3,
            "raw_data": f",Bob,{isbn(2)},2000,y",
            # The ignored notes column is not one of the row's values.
            "values": {"title": "", "author": "Bob", "isbn": isbn(2), "publication_year": "2000"},
            "errors": {"title": ["is required"]},
            "resolved_at": None,
        }
    ]
    errors = client.get(f"/api/imports/{job['id']}/errors/").json()
    assert errors["count"] == 1
    assert errors["results"][0]["row_number"] == 3
    books = client.get("/api/books/").json()
    assert sorted(b["isbn"] for b in books["results"]) == [isbn(1), isbn(3)]


def test_job_list_is_newest_first_and_filters_by_status_and_dataset(client, make_job):
    first = make_job(books_csv(1))
    second = make_job(books_csv(1, start=5))
    import_job_process(job_id=first.pk)
    listing = client.get("/api/imports/").json()
    assert [j["id"] for j in listing["results"]] == [str(second.pk), str(first.pk)]
    completed = client.get("/api/imports/?status=completed").json()
    assert [j["id"] for j in completed["results"]] == [str(first.pk)]
    assert client.get("/api/imports/?dataset=other").json()["count"] == 0
    bad = client.get("/api/imports/?status=nope")
    assert bad.status_code == 400
    assert "status" in bad.json()["error"]["fields"]


def test_errors_csv_has_original_columns_row_number_and_neutralised_formulas(client, run_import):
    content = (
        f'title,author,isbn,publication_year\n=HYPERLINK("http://x"),Ann,{isbn(1)},19x7\n@SUM(A1),+cmd,123,-5\n'
    ).encode()
    job = run_import(content)
    response = client.get(f"/api/imports/{job.pk}/errors.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["title", "author", "isbn", "publication_year", "row_number", "errors"]
    assert rows[1][:5] == ['\'=HYPERLINK("http://x")', "Ann", isbn(1), "19x7", "2"]
    assert rows[1][5] == "publication_year: must be a whole number, got '19x7'"
    assert rows[2][:5] == ["'@SUM(A1)", "'+cmd", "123", "'-5", "3"]
    assert len(rows) == 3


def test_cancel_stops_a_pending_job_and_refuses_a_finished_one(client, make_job, run_import):
    pending = make_job(books_csv(2))
    response = client.post(f"/api/imports/{pending.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    finished = run_import(books_csv(1, start=10))
    response = client.post(f"/api/imports/{finished.pk}/cancel/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "job_final"


def test_another_workspace_sees_none_of_the_jobs_errors_or_rows(client, other_client, run_import):
    job = run_import(books_csv(2) + b",,,\n")
    assert Book.objects.count() == 2
    for path in (
        f"/api/imports/{job.pk}/",
        f"/api/imports/{job.pk}/errors/",
        f"/api/imports/{job.pk}/errors.csv",
    ):
        assert client.get(path).status_code == 200
        response = other_client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    assert other_client.post(f"/api/imports/{job.pk}/cancel/").status_code == 404
    assert other_client.get("/api/imports/").json()["count"] == 0
    assert other_client.get("/api/books/").json()["count"] == 0
    assert other_client.get(f"/api/books/?isbn={isbn(0)}").json()["count"] == 0
    assert client.get(f"/api/books/?isbn={isbn(0)}").json()["count"] == 1


def test_a_job_id_that_is_not_a_uuid_is_a_404(client):
    assert client.get("/api/imports/123/").status_code == 404


def test_config_describes_limits_and_datasets(client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1234
    body = client.get("/api/config/").json()
    assert body["max_upload_bytes"] == 1234
    assert body["allowed_extensions"] == [".csv", ".xlsx"]
    assert body["inspect_max_bytes"] == settings.IMPORT_INSPECT_MAX_BYTES
    assert body["on_conflict_choices"] == ["error", "skip", "update"]
    books = next(d for d in body["datasets"] if d["name"] == "books")
    author = next(c for c in books["columns"] if c["name"] == "author")
    assert author["aliases"] == ["authors", "author_name"]
    assert author["required"] is True


def test_an_unknown_timezone_is_a_400_naming_the_field(upload):
    response = upload(
        b"ID,Card ID,User Mobile,Timestamp\n1,C,0585949014,13-11-2023 10:00\n",
        dataset="card_pickup",
        timezone="Mars/Olympus",
    )
    assert response.status_code == 400
    assert "timezone" in response.json()["error"]["fields"]


def test_a_policy_the_dataset_does_not_allow_is_a_400(upload):
    response = upload(
        b"ID,Card ID,User Mobile,Timestamp\n1,C,0585949014,13-11-2023 10:00\n",
        dataset="card_pickup",
        on_conflict="update",
    )
    assert response.status_code == 400
    assert "on_conflict" in response.json()["error"]["fields"]


def test_the_job_keeps_the_files_sha256_and_the_datasets_default_policy(upload):
    import hashlib

    content = b"ID,Card ID,User Mobile,Timestamp\n1,C,0585949014,13-11-2023 10:00\n"
    body = upload(content, dataset="card_pickup").json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert (body["on_conflict"], body["timezone"]) == ("skip", "")


def test_a_large_upload_is_stored_byte_for_byte_with_the_sha256_hashed_while_it_arrived(upload):
    import hashlib

    # Several of the upload handler's 1 MiB chunks, and a last one cut short.
    content = books_csv(100_000)
    assert len(content) > 3 * 1024 * 1024
    body = upload(content).json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    job = ImportJob.objects.get(pk=body["id"])
    with file_open(area=QUARANTINE, key=job.quarantine_key) as stored:
        assert stored.read() == content


def test_errors_csv_keeps_every_rejected_row_whole_even_with_newlines_and_long_fields(client, run_import, settings):
    import csv
    import io

    settings.IMPORT_MAX_FIELD_CHARS = 300_000
    long_title = "L" * 200_000  # over the csv module's default limit of 131 072
    content = (
        "title,author,isbn,publication_year\n"
        f'"Two\nlines",Ann,{isbn(1)},19x9\n'  # bad year, title with a newline
        f'"Carriage\r\nreturn",Bob,bad-isbn,2000\n'
        f'"{long_title}",Cy,bad,2001\n'
        f'"Ragged\nrow",Dee,{isbn(4)},2002,extra\n'
        f"Last,Eve,{isbn(5)},20x0\n"
    ).encode()
    job = run_import(content)
    assert job.failed_rows == 5
    response = client.get(f"/api/imports/{job.pk}/errors.csv")
    assert response.status_code == 200
    previous = csv.field_size_limit(1_000_000)
    try:
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    finally:
        csv.field_size_limit(previous)
    assert [r[-2] for r in rows[1:]] == ["2", "3", "4", "5", "6"]
    assert rows[1][0] == "Two\nlines"
    # Sanitizing normalised the CR LF inside the quoted field.
    assert rows[2][0] == "Carriage\nreturn"
    assert rows[3][0] == long_title
    assert rows[4][:5] == ["Ragged\nrow", "Dee", isbn(4), "2002", "extra"]
    assert rows[5][:4] == ["Last", "Eve", isbn(5), "20x0"]


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        ("a,b,c", ["a", "b", "c"]),
        ('"x,y",z', ["x,y", "z"]),
        ('"say ""hi""",2', ['say "hi"', "2"]),
        ('"two\r\nlines",3', ["two\r\nlines", "3"]),
        ('no"quote,4', ['no"quote', "4"]),
        (",,", ["", "", ""]),
    ],
)
def test_stored_raw_rows_split_back_into_their_fields(raw, fields):
    from imports.errors_csv import raw_fields

    assert raw_fields(raw, ",") == fields
