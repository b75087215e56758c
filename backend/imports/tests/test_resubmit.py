"""Fix and resubmit: rejected rows of a job, corrected over the API (cell by cell, or as the
corrected errors.csv), go through the job's validation and conflict policy into the same job."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cards.models import CardStatus
from catalog.models import Book
from imports.models import ImportJob, ImportRowError
from imports.services import import_job_process
from tests.csv_files import isbn
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

MIXED = (
    "title,author,isbn,publication_year\n"
    f"Good,Ann,{isbn(1)},1999\n"  # 2
    f",Bob,{isbn(2)},2000\n"  # 3: no title
    f"Year,Cy,{isbn(3)},19x7\n"  # 4: bad year
    f"Dup,Dee,{isbn(1)},2001\n"  # 5: row 2's isbn
    f"Ragged,Eve,{isbn(6)},2002,extra\n"  # 6: a field too many
).encode()


def resubmit(client, job, rows):
    return client.post(f"/api/imports/{job.pk}/errors/resubmit/", {"rows": rows}, format="json")


def counters(job: ImportJob) -> tuple[int, ...]:
    job.refresh_from_db()
    assert job.processed_rows == job.created_rows + job.updated_rows + job.skipped_rows + job.failed_rows
    return (job.processed_rows, job.created_rows, job.updated_rows, job.skipped_rows, job.failed_rows)


def open_errors(job: ImportJob) -> dict[int, dict]:
    return {e.row_number: e.errors for e in ImportRowError.objects.filter(job=job, resolved_at__isnull=True)}


def test_a_fixed_row_is_created_in_the_same_job_and_a_still_bad_one_keeps_its_new_message(client, run_import):
    job = run_import(MIXED)
    assert counters(job) == (5, 1, 0, 0, 4)
    response = resubmit(
        client,
        job,
        [{"row_number": 3, "values": {"title": "Fixed"}}, {"row_number": 4, "values": {"publication_year": "19y7"}}],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["resolved"] == [3]
    assert [(r["row_number"], r["errors"]) for r in body["still_failing"]] == [
        (4, {"publication_year": ["must be a whole number, got '19y7'"]})
    ]
    assert body["still_failing"][0]["raw_data"] == f"Year,Cy,{isbn(3)},19y7"
    assert (body["job"]["created_rows"], body["job"]["failed_rows"], body["job"]["stored_errors"]) == (2, 3, 3)
    assert counters(job) == (5, 2, 0, 0, 3)
    book = Book.objects.get(isbn=isbn(2))
    assert (book.title, book.author, book.source_job_id, book.source_row_number) == ("Fixed", "Bob", job.pk, 3)
    resolved = ImportRowError.objects.get(job=job, row_number=3)
    assert resolved.resolved_at is not None
    assert resolved.errors == {"title": ["is required"]}  # kept for the record
    assert open_errors(job) == {
        4: {"publication_year": ["must be a whole number, got '19y7'"]},
        5: {"isbn": ["duplicate isbn in this file (first at row 2)"]},
        6: {"__all__": ["expected 4 fields, got 5"]},
    }


def test_the_errors_list_shows_open_errors_by_default_and_resolved_ones_on_request(client, run_import):
    job = run_import(MIXED)
    resubmit(client, job, [{"row_number": 3, "values": {"title": "Fixed"}}])
    listing = client.get(f"/api/imports/{job.pk}/errors/").json()
    assert [e["row_number"] for e in listing["results"]] == [4, 5, 6]
    assert all(e["resolved_at"] is None for e in listing["results"])
    resolved = client.get(f"/api/imports/{job.pk}/errors/?state=resolved").json()["results"]
    assert [(e["row_number"], bool(e["resolved_at"])) for e in resolved] == [(3, True)]
    assert client.get(f"/api/imports/{job.pk}/errors/?state=all").json()["count"] == 4
    assert client.get(f"/api/imports/{job.pk}/errors/?state=nope").status_code == 400
    preview = client.get(f"/api/imports/{job.pk}/").json()["errors_preview"]
    assert [e["row_number"] for e in preview] == [4, 5, 6]
    exported = b"".join(client.get(f"/api/imports/{job.pk}/errors.csv").streaming_content).decode()
    assert [row[-2] for row in csv.reader(io.StringIO(exported))][1:] == ["4", "5", "6"]


def test_a_duplicate_of_the_file_stays_one_until_its_key_changes_and_a_ragged_row_takes_the_header_width(
    client, run_import
):
    job = run_import(MIXED)
    body = resubmit(client, job, [{"row_number": 5, "values": {"title": "Dup again"}}]).json()
    assert body["still_failing"][0]["errors"] == {"isbn": ["duplicate isbn in this file (first at row 2)"]}
    body = resubmit(
        client,
        job,
        [{"row_number": 5, "values": {"isbn": isbn(5)}}, {"row_number": 6, "values": {}}],
    ).json()
    assert body["resolved"] == [5, 6]
    assert counters(job) == (5, 3, 0, 0, 2)
    assert Book.objects.get(isbn=isbn(6)).publication_year == 2002


def test_two_corrected_rows_with_one_key_keep_the_first_as_a_run_of_the_file_would(client, run_import):
    job = run_import(MIXED)
    body = resubmit(
        client,
        job,
        [{"row_number": 4, "values": {"publication_year": "1998", "isbn": isbn(9)}},
         {"row_number": 3, "values": {"title": "T", "isbn": isbn(9)}}],
    ).json()  # fmt: skip
    assert body["resolved"] == [3]
    assert body["still_failing"][0]["errors"] == {"isbn": ["duplicate isbn in this file (first at row 3)"]}
    assert Book.objects.get(isbn=isbn(9)).source_row_number == 3


@pytest.mark.parametrize(
    ("policy", "outcome", "title"),
    [
        ("error", (5, 1, 0, 0, 4), "Stored"),
        ("skip", (5, 1, 0, 1, 3), "Stored"),
        ("update", (5, 1, 1, 0, 3), "Year fixed"),
    ],
)
def test_a_corrected_row_whose_key_is_stored_follows_the_jobs_policy(
    client, run_import, workspace, policy, outcome, title
):
    BookFactory(workspace=workspace, isbn=isbn(3), title="Stored")
    job = run_import(MIXED, on_conflict=policy)
    before = counters(job)
    body = resubmit(client, job, [{"row_number": 4, "values": {"title": "Year fixed", "publication_year": "1997"}}])
    assert body.status_code == 200, body.content
    assert counters(job) == outcome, before
    assert Book.objects.get(isbn=isbn(3)).title == title
    if policy == "error":
        assert open_errors(job)[4] == {"isbn": [f"isbn {isbn(3)} already exists"]}
    else:
        assert 4 not in open_errors(job)


def test_a_feed_row_fixed_into_an_identical_repeat_is_skipped_and_cannot_be_sent_again(client, run_import):
    content = (
        b"ID,Card ID,User Mobile,Timestamp\n"
        b"1,C-1,0585949014,13-11-2023 10:00\n"
        b"1,C-1,0585949014,yesterday\n"  # 3: a bad time
    )
    job = run_import(content, dataset="card_pickup")
    body = resubmit(client, job, [{"row_number": 3, "values": {"event_at": "2023-11-13T06:00:00Z"}}]).json()
    assert body["resolved"] == [3]
    assert counters(job) == (2, 1, 0, 1, 0)  # the same event as row 2, written in UTC: skipped
    again = resubmit(client, job, [{"row_number": 3, "values": {}}])
    assert again.status_code == 400
    assert "resolved already" in again.json()["error"]["message"]


def test_a_fixed_feed_row_is_created_and_its_card_gets_a_status(client, run_import):
    content = b"ID,Card ID,User Mobile,Timestamp\n1,C-1,0585949014,13-11-2023 10:00\n2,C-2,12,13-11-2023 11:00\n"
    job = run_import(content, dataset="card_pickup")
    body = resubmit(client, job, [{"row_number": 3, "values": {"mobile": "0585949014"}}]).json()
    assert body["resolved"] == [3]
    assert counters(job) == (2, 2, 0, 0, 0)
    assert dict(CardStatus.objects.values_list("card_id", "status")) == {"C-1": "pickup", "C-2": "pickup"}
    assert client.get(f"/api/imports/{job.pk}/").json()["outcome"] == "completed"


def test_the_corrected_errors_csv_can_be_uploaded_and_formula_quotes_are_taken_off(client, run_import):
    content = (
        "title,author,isbn,publication_year\n"
        f"Good,Ann,{isbn(1)},1999\n"
        f"=Sum of all,Bob,{isbn(2)},20x0\n"  # 3: a title that looks like a formula, a bad year
        f",Cy,{isbn(3)},2001\n"  # 4: no title
        f"Later,Dee,{isbn(4)},19x9\n"  # 5: not corrected in the file
    ).encode()
    job = run_import(content)
    exported = b"".join(client.get(f"/api/imports/{job.pk}/errors.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[1][0] == "'=Sum of all"
    rows[1][3] = "2000"
    rows[2][0] = "Found title"
    # A spreadsheet may save with ";" and without the errors column.
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(row[:5] for row in rows)
    upload = SimpleUploadedFile("fixed.csv", buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response = client.post(f"/api/imports/{job.pk}/errors/resubmit/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["resolved"] == [3, 4]
    assert [r["row_number"] for r in body["still_failing"]] == [5]
    assert Book.objects.get(isbn=isbn(2)).title == "=Sum of all"
    assert counters(job) == (4, 3, 0, 0, 1)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (b"title,author,isbn,publication_year\nT,A,x,1\n", "no row_number column"),
        (b"title,isbn,row_number\nT,x,3\n", "no 'author' column"),
        (b"title,author,isbn,publication_year,row_number\nT,A,x,1,\n", "Line 2 of the errors file has no row_number"),
        (b"title,author,isbn,publication_year,row_number\nT,A,x,1,99\n", "Not rejected rows of this job"),
        (b"\xff\xfeti\x00", "must be UTF-8"),
        (b"title,author,isbn,publication_year,row_number\n", "holds no row"),
    ],
)
def test_an_errors_file_that_cannot_be_used_is_a_400_naming_file(client, run_import, file, message):
    job = run_import(MIXED)
    upload = SimpleUploadedFile("fixed.csv", file, content_type="text/csv")
    response = client.post(f"/api/imports/{job.pk}/errors/resubmit/", {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert set(error["fields"]) == {"file"}
    assert message in error["message"]
    assert counters(job) == (5, 1, 0, 0, 4)


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        ([{"row_number": 2, "values": {}}], "rows", "Not rejected rows of this job"),
        ([{"row_number": 3, "values": {"pages": "1"}}], "rows", "'pages' is not a column read from this file"),
        ([{"row_number": 3, "values": {}}, {"row_number": 3, "values": {}}], "rows", "Rows given twice: 3"),
        ([], "rows.non_field_errors", ""),
        ([{"row_number": 3, "values": {"title": 5}}], "rows.0.values.title", ""),
    ],
)
def test_rows_that_cannot_be_resubmitted_are_a_400_and_change_nothing(client, run_import, rows, field, message):
    job = run_import(MIXED)
    response = resubmit(client, job, rows)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"]
    assert message in error["message"]
    assert counters(job) == (5, 1, 0, 0, 4)
    assert len(open_errors(job)) == 4


def test_more_rows_than_the_limit_are_refused(client, run_import, settings):
    settings.IMPORT_RESUBMIT_MAX_ROWS = 1
    job = run_import(MIXED)
    response = resubmit(client, job, [{"row_number": 3, "values": {}}, {"row_number": 4, "values": {}}])
    assert response.status_code == 400
    assert "at most 1" in response.json()["error"]["message"]


def test_only_a_completed_import_takes_rows_again(client, make_job, run_import, other_client):
    pending = make_job(MIXED)
    response = resubmit(client, pending, [{"row_number": 3, "values": {"title": "T"}}])
    assert (response.status_code, response.json()["error"]["code"]) == (409, "job_not_completed")
    dry = run_import(MIXED, dry_run=True)
    response = resubmit(client, dry, [{"row_number": 3, "values": {"title": "T"}}])
    assert (response.status_code, response.json()["error"]["code"]) == (409, "dry_run")
    job = import_job_process(job_id=pending.pk)
    assert resubmit(other_client, job, [{"row_number": 3, "values": {"title": "T"}}]).status_code == 404
    assert resubmit(client, job, [{"row_number": 3, "values": {"title": "T"}}]).status_code == 200


def test_open_pages_hear_of_the_new_counters_after_the_commit(
    client, run_import, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import live

    published = []
    monkeypatch.setattr(live, "live_publish", lambda *, workspace_id, event: published.append(event))
    job = run_import(MIXED)
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resubmit(client, job, [{"row_number": 3, "values": {"title": "Fixed"}}])
    assert [(e["created_rows"], e["failed_rows"], e["outcome"]) for e in published] == [(2, 3, "completed_with_errors")]
