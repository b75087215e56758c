"""Undo: a job's created rows are deleted, its updated rows get their before-images back, and rows
a later job has changed since are left alone and reported."""

from __future__ import annotations

from typing import Any

import pytest

from cards.models import CardEvent, CardStatus
from catalog.models import Book
from imports.models import ImportJob, ImportRowBefore
from imports.services import import_job_process, import_job_rows_resubmit
from tests.csv_files import books_csv, isbn
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["reader process", "serial"])
def reader_mode(request, settings):
    settings.IMPORT_READER_PROCESS = request.param == "reader process"
    return request.param


def table() -> dict[str, tuple[Any, ...]]:
    return {
        b.isbn: (b.title, b.author, b.publication_year, b.source_job_id, b.source_row_number, b.updated_at)
        for b in Book.objects.all()
    }


def revert(client, job):
    return client.post(f"/api/imports/{job.pk}/revert/")


def test_a_revert_deletes_the_rows_the_job_created_and_puts_back_those_it_updated(client, run_import, settings):
    settings.IMPORT_BATCH_SIZE = 2
    first = run_import(books_csv(4))  # isbn 0..3
    before = table()
    content = (
        "title,author,isbn,publication_year\n"
        f"New,Ann,{isbn(10)},1999\n"
        f"Changed,Bob,{isbn(1)},\n"
        f"Changed too,Cy,{isbn(2)},2020\n"
        f"New too,Dee,{isbn(11)},2001\n"
        f",bad,{isbn(12)},\n"
    ).encode()
    job = run_import(content, on_conflict="update")
    assert (job.created_rows, job.updated_rows, job.failed_rows) == (2, 2, 1)
    assert ImportRowBefore.objects.filter(job=job).count() == 2  # one per updated row

    response = revert(client, job)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["job"]["outcome"] == "reverted"
    assert body["job"]["status"] == "completed"
    assert body["job"]["reverted_at"]
    counts = [body["job"][f"reverted_{k}_rows"] for k in ("deleted", "restored", "kept")]
    assert counts == [2, 2, 0]
    assert (body["changed_since"], body["changed"]) == (0, [])
    assert table() == before  # values, provenance and updated_at, as they were
    assert not ImportRowBefore.objects.filter(job=job).exists()
    assert first.pk in {v[3] for v in table().values()}


def test_an_import_that_only_creates_rows_keeps_no_before_image(run_import, workspace):
    BookFactory(workspace=workspace, isbn=isbn(1))
    run_import(books_csv(3, start=5), on_conflict="update")
    run_import(books_csv(2), on_conflict="skip")
    assert not ImportRowBefore.objects.exists()


def test_rows_a_later_job_changed_are_left_alone_and_reported(client, run_import, workspace, settings):
    BookFactory(workspace=workspace, isbn=isbn(3), title="Stored", publication_year=1950)
    first = run_import(
        f"title,author,isbn\nA one,Ann,{isbn(1)}\nA two,Ann,{isbn(2)}\nA three,Ann,{isbn(3)}\n".encode(),
        on_conflict="update",
    )
    assert (first.created_rows, first.updated_rows) == (2, 1)
    later = run_import(
        f"title,author,isbn\nB one,Bob,{isbn(1)}\nB three,Bob,{isbn(3)}\n".encode(), on_conflict="update"
    )
    assert later.updated_rows == 2
    after_later = table()

    body = revert(client, first).json()
    assert [body["job"][f"reverted_{k}_rows"] for k in ("deleted", "restored", "kept")] == [1, 0, 2]
    assert body["changed_since"] == 2
    assert body["changed"] == [
        {"key": {"isbn": isbn(3)}, "changed_by": str(later.pk)},
        {"key": {"isbn": isbn(1)}, "changed_by": str(later.pk)},
    ]
    assert table() == {k: v for k, v in after_later.items() if k != isbn(2)}
    assert Book.objects.get(isbn=isbn(3)).title == "B three"


def test_reverting_the_later_job_first_then_the_earlier_one_restores_the_table_exactly(client, run_import, workspace):
    BookFactory(workspace=workspace, isbn=isbn(3), title="Stored", publication_year=1950)
    original = table()
    first = run_import(
        f"title,author,isbn\nA one,Ann,{isbn(1)}\nA three,Ann,{isbn(3)}\n".encode(), on_conflict="update"
    )
    after_first = table()
    later = run_import(
        f"title,author,isbn\nB one,Bob,{isbn(1)}\nB three,Bob,{isbn(3)}\n".encode(), on_conflict="update"
    )
    assert revert(client, later).json()["job"]["reverted_restored_rows"] == 2
    assert table() == after_first
    body = revert(client, first).json()
    assert [body["job"][f"reverted_{k}_rows"] for k in ("deleted", "restored", "kept")] == [1, 1, 0]
    assert table() == original


def test_rows_created_by_a_resubmission_are_reverted_with_the_job(client, run_import):
    job = run_import(f"title,author,isbn\nGood,Ann,{isbn(1)}\n,Bob,{isbn(2)}\n".encode())
    import_job_rows_resubmit(job=job, rows=[(3, {"title": "Fixed"})])
    body = revert(client, job).json()
    assert body["job"]["reverted_deleted_rows"] == 2
    assert not Book.objects.exists()
    response = client.post(
        f"/api/imports/{job.pk}/errors/resubmit/", {"rows": [{"row_number": 3, "values": {}}]}, format="json"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "job_reverted")


def test_a_cancelled_job_is_reverted_as_far_as_it_went(client, make_job, settings):
    from imports.pipeline.results import BatchResult
    from imports.services import import_job_cancel

    settings.IMPORT_BATCH_SIZE = 2
    job = make_job(books_csv(6))

    def cancel(batch: BatchResult) -> None:
        import_job_cancel(job=job)

    import_job_process(job_id=job.pk, on_batch=cancel)
    assert Book.objects.count() == 2
    body = revert(client, job).json()
    assert (body["job"]["status"], body["job"]["outcome"], body["job"]["reverted_deleted_rows"]) == (
        "cancelled",
        "reverted",
        2,
    )
    assert not Book.objects.exists()


def test_a_reverted_feed_job_leaves_the_card_statuses_as_the_remaining_events_say(client, run_import):
    first = run_import(
        b"ID,Card ID,User Mobile,Timestamp\n1,C-1,0585949014,13-11-2023 10:00\n2,C-2,0585949014,13-11-2023 10:00\n",
        dataset="card_pickup",
    )
    delivered = run_import(
        b"ID,Card ID,User contact,Timestamp\n1,C-1,0585949014,14-11-2023 10:00\n2,C-3,0585949014,14-11-2023 11:00\n",
        dataset="card_delivered",
    )
    assert dict(CardStatus.objects.values_list("card_id", "status")) == {
        "C-1": "delivered",
        "C-2": "pickup",
        "C-3": "delivered",
    }
    body = revert(client, delivered).json()
    assert body["job"]["reverted_deleted_rows"] == 2
    # C-1 is back to its pickup; C-3 had only the delivery, so it has no status at all.
    assert dict(CardStatus.objects.values_list("card_id", "status")) == {"C-1": "pickup", "C-2": "pickup"}
    assert CardStatus.objects.get(card_id="C-1").events_count == 1
    revert(client, first)
    assert not CardEvent.objects.exists()
    assert not CardStatus.objects.exists()


def test_only_a_finished_import_is_reverted_and_only_once(client, other_client, make_job, run_import):
    pending = make_job(books_csv(1))
    response = revert(client, pending)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "job_not_final")
    dry = run_import(books_csv(1, start=5), dry_run=True)
    response = revert(client, dry)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "dry_run")
    job = import_job_process(job_id=pending.pk)
    assert revert(other_client, job).status_code == 404
    assert revert(client, job).status_code == 200
    response = revert(client, job)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "already_reverted")
    assert ImportJob.objects.get(pk=job.pk).reverted_deleted_rows == 1


def test_a_row_the_job_updated_again_after_a_later_job_comes_back_as_that_later_job_left_it(
    client, run_import, workspace
):
    BookFactory(workspace=workspace, isbn=isbn(3), title="Stored", publication_year=1950)
    first = run_import(
        f"title,author,isbn,publication_year\nA three,Ann,{isbn(3)},\n,Ann,{isbn(3)},19x9\n".encode(),
        on_conflict="update",
    )
    run_import(f"title,author,isbn\nB three,Bob,{isbn(3)}\n".encode(), on_conflict="update")
    after_later = table()
    # Row 3 of the first file, corrected, updates the row once more: a second image of it.
    report = import_job_rows_resubmit(job=first, rows=[(3, {"title": "A again", "publication_year": "1999"})])
    assert report.job.updated_rows == 2
    assert Book.objects.get(isbn=isbn(3)).title == "A again"
    body = revert(client, first).json()
    assert [body["job"][f"reverted_{k}_rows"] for k in ("deleted", "restored", "kept")] == [0, 1, 0]
    assert table() == after_later


def test_open_pages_hear_of_the_revert_after_it_commits(
    client, run_import, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import live

    published = []
    monkeypatch.setattr(live, "live_publish", lambda *, workspace_id, event: published.append(event))
    job = run_import(books_csv(2))
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert revert(client, job).status_code == 200
    assert [(e["id"], e["status"], e["outcome"]) for e in published] == [(str(job.pk), "completed", "reverted")]
