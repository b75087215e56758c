"""Dry runs: every row through validation and the conflict policy, nothing written, and counts
and row errors equal to the real import's; the import then starts from the dry run."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from cards.models import CardEvent, CardStatus
from catalog.models import Book
from imports.models import DryRunClaim, ImportJob, ImportRowError
from imports.pipeline.loading import dry_run_claims_left
from imports.pipeline.results import BatchResult
from imports.services import import_job_cancel, import_job_process, import_job_start, import_jobs_watchdog
from tests.csv_files import books_csv, isbn
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["reader process", "serial"])
def reader_mode(request, settings):
    settings.IMPORT_READER_PROCESS = request.param == "reader process"
    return request.param


def books_table() -> list[tuple[Any, ...]]:
    return sorted(
        Book.objects.values_list("workspace_id", "isbn", "title", "publication_year", "source_job_id", "updated_at")
    )


def result(job: ImportJob) -> dict[str, Any]:
    job.refresh_from_db()
    errors = ImportRowError.objects.filter(job=job).order_by("row_number")
    return {
        "status": job.status,
        "counters": (job.total_rows, job.processed_rows, job.created_rows, job.updated_rows, job.skipped_rows,
                     job.failed_rows, job.stored_errors, job.unchanged_rows),
        "errors": list(errors.values_list("row_number", "raw_data", "errors")),
    }  # fmt: skip


def dry_then_real(make_job, content: bytes, **options: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dry run's result, then the result of the import started from it."""
    dry = make_job(content, dry_run=True, **options)
    before = books_table(), sorted(CardEvent.objects.values_list("card_id", "event_type", "event_at"))
    statuses = sorted(CardStatus.objects.values_list("card_id", "status", "updated_at"))
    import_job_process(job_id=dry.pk)
    assert (books_table(), sorted(CardEvent.objects.values_list("card_id", "event_type", "event_at"))) == before
    assert sorted(CardStatus.objects.values_list("card_id", "status", "updated_at")) == statuses
    assert dry_run_claims_left() == []  # dropped when the dry run ended
    real = import_job_start(job=dry)
    import_job_process(job_id=real.pk)
    return result(dry), result(real)


# Batches of 3: duplicates of the file across and within batches, stored keys (one written by
# an earlier job, one by nobody's job), a stored key repeated later in the file, bad rows.
TRICKY = (
    "title,author,isbn,publication_year\n"
    f"New A,Ann,{isbn(10)},1999\n"  # 2
    f",No title,{isbn(11)},2000\n"  # 3
    f"Changed one,Bob,{isbn(1)},2001\n"  # 4: stored by an earlier import
    f"New B,Cy,{isbn(12)},\n"  # 5
    f"Again A,Dee,{isbn(10)},2002\n"  # 6: row 2's key, an earlier batch
    f"Changed seven,Eve,{isbn(7)},2003\n"  # 7: stored, written by no job
    f"Changed one again,Fay,{isbn(1)},2004\n"  # 8: row 4's key
    f"Bad year,Gus,{isbn(14)},19x9\n"  # 9
    f"New C,Hal,{isbn(13)},2005\n"  # 10
    f"Again B,Ida,{isbn(12)},2006\n"  # 11: row 5's key
    f"Again C,Jo,{isbn(13)},2007\n"  # 12: row 10's key, the same batch
).encode()


@pytest.mark.parametrize(
    ("policy", "counters"),
    [("error", (3, 0, 0, 8)), ("skip", (3, 0, 3, 5)), ("update", (3, 2, 0, 6))],
)
def test_a_dry_run_gives_the_real_imports_counts_and_errors_without_writing(
    make_job, run_import, workspace, settings, policy, counters
):
    run_import(books_csv(1, start=1))
    BookFactory(workspace=workspace, isbn=isbn(7), title="Seven")
    settings.IMPORT_BATCH_SIZE = 3
    dry, real = dry_then_real(make_job, TRICKY, on_conflict=policy)
    assert dry == real
    assert dry["status"] == "completed"
    assert dry["counters"][2:6] == counters


@pytest.mark.parametrize("policy", ["skip", "error"])
def test_a_feed_dry_run_skips_identical_repeats_and_leaves_card_statuses_alone(
    make_job, run_import, workspace, settings, policy
):
    run_import(b"ID,Card ID,User Mobile,Timestamp\n1,C-1,0585949014,13-11-2023 10:00\n", dataset="card_pickup")
    settings.IMPORT_BATCH_SIZE = 2
    content = (
        b"ID,Card ID,User Mobile,Timestamp\n"
        b"1,C-9,0585949014,13-11-2023 14:00\n"  # 2
        b"2,C-8,0585949014,13-11-2023 15:00\n"  # 3
        b"1,C-9,0585949014,2023-11-13T10:00:00Z\n"  # 4: row 2 again, the same moment written in UTC
        b"3,C-9,0501234567,13-11-2023 14:00\n"  # 5: row 2's event with another mobile
        b"4,C-1,0585949014,13-11-2023 10:00\n"  # 6: stored by the earlier import
        b"5,C-7,12,13-11-2023 10:00\n"  # 7: a bad mobile
        b"2,C-8,0585949014,13-11-2023 15:00\n"  # 8: row 3 again
    )
    dry, real = dry_then_real(make_job, content, dataset="card_pickup", on_conflict=policy)
    assert dry == real
    created, updated, skipped, failed = dry["counters"][2:6]
    assert (created, updated) == (2, 0)
    assert (skipped, failed) == ((3, 2) if policy == "skip" else (2, 3))


def test_a_dry_run_resumed_after_its_worker_died_counts_exactly(make_job, run_import, settings):
    run_import(books_csv(1, start=1))
    settings.IMPORT_BATCH_SIZE = 3
    dry = make_job(TRICKY, dry_run=True, on_conflict="update")

    def die_after_first_batch(batch: BatchResult) -> None:
        raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        import_job_process(job_id=dry.pk, on_batch=die_after_first_batch)
    assert dry_run_claims_left() == [dry.pk]  # kept for the run that resumes
    import_job_process(job_id=dry.pk)
    reference = make_job(TRICKY, dry_run=True, on_conflict="update")
    import_job_process(job_id=reference.pk)
    assert result(dry)["counters"] == result(reference)["counters"]
    assert [e[0] for e in result(dry)["errors"]] == [e[0] for e in result(reference)["errors"]]


def test_the_keys_of_a_cancelled_or_deleted_dry_run_are_dropped(make_job, settings):
    settings.IMPORT_BATCH_SIZE = 2
    cancelled = make_job(books_csv(6), dry_run=True)

    def cancel(batch: BatchResult) -> None:
        import_job_cancel(job=cancelled)

    import_job_process(job_id=cancelled.pk, on_batch=cancel)
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.processed_rows) == ("cancelled", 2)
    assert dry_run_claims_left() == []

    lost = make_job(books_csv(6), dry_run=True)
    with pytest.raises(RuntimeError):
        import_job_process(job_id=lost.pk, on_batch=lambda _: (_ for _ in ()).throw(RuntimeError("lost")))
    assert dry_run_claims_left() == [lost.pk]
    import_jobs_watchdog()  # still running: its keys stay
    assert dry_run_claims_left() == [lost.pk]
    lost.delete()
    import_jobs_watchdog()
    assert dry_run_claims_left() == []
    assert not DryRunClaim.objects.exists()


def test_the_claims_are_a_table_per_job_on_postgresql_and_no_rows_of_the_shared_model(make_job, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL keeps a table per dry run")
    settings.IMPORT_BATCH_SIZE = 2
    dry = make_job(books_csv(5), dry_run=True)
    with pytest.raises(RuntimeError):
        import_job_process(job_id=dry.pk, on_batch=lambda _: (_ for _ in ()).throw(RuntimeError("lost")))
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT _row, isbn FROM "intake_dryrun_{dry.pk.hex}" ORDER BY _row')
        assert cursor.fetchall() == [(2, isbn(0)), (3, isbn(1))]
    assert not DryRunClaim.objects.exists()


def test_an_upload_with_dry_run_answers_a_dry_run_job_that_no_later_upload_counts_as_imported(upload, client):
    dry = upload(books_csv(2), dry_run="true").json()
    assert (dry["dry_run"], dry["dry_run_of"], dry["started_job"]) == (True, None, None)
    import_job_process(job_id=dry["id"])
    body = client.get(f"/api/imports/{dry['id']}/").json()
    assert (body["status"], body["outcome"], body["created_rows"]) == ("completed", "completed", 2)
    assert Book.objects.count() == 0
    real = upload(books_csv(2)).json()
    assert (real["dry_run"], real["duplicate_of"]) == (False, None)


def test_the_import_starts_from_a_completed_dry_run_once_with_its_file_and_options(upload, client):
    dry = upload(
        books_csv(3) + b",,,\n", dry_run="true", on_conflict="skip", column_mapping={"publication_year": ""}
    ).json()
    import_job_process(job_id=dry["id"])
    response = client.post(f"/api/imports/{dry['id']}/start/")
    assert response.status_code == 201, response.content
    real = response.json()
    assert (real["dry_run"], real["dry_run_of"], real["status"]) == (False, dry["id"], "pending")
    assert (real["on_conflict"], real["column_mapping"], real["total_rows"]) == ("skip", dry["column_mapping"], 4)
    stored = ImportJob.objects.get(pk=real["id"])
    assert stored.final_key == ImportJob.objects.get(pk=dry["id"]).final_key
    assert client.get(f"/api/imports/{dry['id']}/").json()["started_job"] == real["id"]
    assert client.get("/api/imports/").json()["results"][1]["started_job"] == real["id"]

    again = client.post(f"/api/imports/{dry['id']}/start/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_started"
    assert real["id"] in again.json()["error"]["message"]

    job = import_job_process(job_id=real["id"])
    assert (job.created_rows, job.failed_rows) == (3, 1)
    assert set(Book.objects.values_list("publication_year", flat=True)) == {None}


def test_only_a_completed_dry_run_can_start(upload, client, other_client):
    pending = upload(books_csv(1), dry_run="true").json()
    response = client.post(f"/api/imports/{pending['id']}/start/")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "dry_run_not_completed")
    real = upload(books_csv(1, start=5)).json()
    response = client.post(f"/api/imports/{real['id']}/start/")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "not_dry_run")
    assert other_client.post(f"/api/imports/{pending['id']}/start/").status_code == 404


def test_the_command_line_does_a_dry_run_with_dry_run(tmp_path, workspace):
    import io

    from django.core.management import call_command

    path = tmp_path / "books.csv"
    path.write_bytes(books_csv(4) + b",,,\n")
    out = io.StringIO()
    call_command(
        "import_csv", str(path), "--workspace", "acme", "--dataset", "books", "--dry-run", "--wait", stdout=out
    )
    assert "completed_with_errors" in out.getvalue()
    assert "4 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out.getvalue()
    assert out.getvalue().splitlines()[-1].startswith("Dry run ")
    assert Book.objects.count() == 0


def test_a_dry_runs_final_copy_stays_while_the_import_started_from_it_keeps_its_files(client, upload):
    from imports.services import import_job_files_remove
    from imports.storage import FILES, file_exists

    dry = upload(books_csv(2), dry_run="true").json()
    import_job_process(job_id=dry["id"])
    assert client.get(f"/api/imports/{dry['id']}/").json()["cleaned_url"] is None  # it loaded nothing
    real = import_job_start(job=ImportJob.objects.get(pk=dry["id"]))
    key = real.final_key
    import_job_files_remove(job=ImportJob.objects.get(pk=dry["id"]), reason="deleted")
    assert file_exists(area=FILES, key=key)
    job = import_job_process(job_id=real.pk)
    assert (job.status, job.created_rows) == ("completed", 2)
    import_job_files_remove(job=job, reason="retention")
    assert not file_exists(area=FILES, key=key)


def test_the_import_started_from_a_dry_run_records_who_started_it(client, upload):
    dry = upload(books_csv(1), dry_run="true").json()
    import_job_process(job_id=dry["id"])
    real = client.post(f"/api/imports/{dry['id']}/start/").json()
    assert real["started_by"]["via"] == "api_key"
