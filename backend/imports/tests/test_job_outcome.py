"""A finished job says how it went: derived from its status and counters, in the API and its schema."""

from __future__ import annotations

import pytest

from imports.models import ImportJob
from tests.csv_files import books_csv, isbn

pytestmark = pytest.mark.django_db


def test_a_clean_file_completes_as_completed(client, run_import):
    job = run_import(books_csv(3))
    assert job.outcome == "completed"
    assert client.get(f"/api/imports/{job.pk}/").json()["outcome"] == "completed"


def test_a_file_with_some_rejected_rows_completes_with_errors(client, run_import):
    job = run_import(books_csv(3) + b",,,\n")
    assert (job.status, job.failed_rows) == ("completed", 1)
    assert client.get(f"/api/imports/{job.pk}/").json()["outcome"] == "completed_with_errors"


def test_a_file_whose_every_row_is_rejected_is_all_failed_not_completed(client, run_import):
    job = run_import(f"title,author,isbn\n,Ann,{isbn(1)}\nT,,{isbn(2)}\n".encode())
    assert (job.status, job.processed_rows, job.failed_rows) == ("completed", 2, 2)
    body = client.get(f"/api/imports/{job.pk}/").json()
    assert (body["status"], body["outcome"]) == ("completed", "all_failed")


def test_skipped_rows_are_not_failures(run_import):
    run_import(books_csv(2))
    assert run_import(books_csv(2), on_conflict="skip").outcome == "completed"


def test_a_running_job_has_no_outcome_yet_and_a_failed_or_cancelled_one_says_so(client, make_job):
    job = make_job(books_csv(1))
    assert client.get(f"/api/imports/{job.pk}/").json()["outcome"] is None
    ImportJob.objects.filter(pk=job.pk).update(status="processing")
    assert client.get("/api/imports/").json()["results"][0]["outcome"] is None
    ImportJob.objects.filter(pk=job.pk).update(status="failed")
    assert client.get(f"/api/imports/{job.pk}/").json()["outcome"] == "failed"
    ImportJob.objects.filter(pk=job.pk).update(status="cancelled")
    assert client.get(f"/api/imports/{job.pk}/").json()["outcome"] == "cancelled"


def test_the_outcome_is_documented_in_the_schema_as_a_nullable_enum(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    job = components["ImportJobOutput"]
    assert "outcome" in job["required"]
    outcome = job["properties"]["outcome"]
    refs = [part.get("$ref", "") for part in outcome["oneOf"]]
    assert {"$ref": "#/components/schemas/NullEnum"} in outcome["oneOf"]
    enum = components[next(r for r in refs if "Outcome" in r).rsplit("/", 1)[1]]["enum"]
    assert enum == ["completed", "completed_with_errors", "all_failed", "failed", "cancelled", "reverted"]
