"""Idempotency-Key on uploads, and the hint that a file was imported before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from imports.models import IdempotencyKey, ImportJob
from tests.csv_files import books_csv

pytestmark = pytest.mark.django_db


def test_the_same_key_and_request_give_the_same_job_with_its_status_code(upload):
    first = upload(books_csv(3), headers={"Idempotency-Key": "nightly-2023-11-13"})
    again = upload(books_csv(3), headers={"Idempotency-Key": "nightly-2023-11-13"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize(
    "change", [{"content": books_csv(4)}, {"name": "other.csv"}, {"on_conflict": "skip"}, {"dataset": "card_pickup"}]
)
def test_the_same_key_with_another_request_is_a_422(upload, change):
    upload(books_csv(3), headers={"Idempotency-Key": "k1"})
    content = change.pop("content", books_csv(3))
    response = upload(content, headers={"Idempotency-Key": "k1"}, **change)
    assert response.status_code == 422
    body = response.json()["error"]
    assert (body["code"], list(body["fields"])) == ("idempotency_key_reused", ["Idempotency-Key"])
    assert ImportJob.objects.count() == 1


def test_a_refused_upload_keeps_no_key_so_it_can_be_corrected(upload):
    refused = upload(b"name,other\nx,y\n", headers={"Idempotency-Key": "k2"})
    assert refused.status_code == 400
    assert upload(books_csv(2), headers={"Idempotency-Key": "k2"}).status_code == 201


def test_keys_are_forgotten_after_a_day(upload):
    first = upload(books_csv(3), headers={"Idempotency-Key": "k3"}).json()
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    second = upload(books_csv(3), headers={"Idempotency-Key": "k3"}).json()
    assert second["id"] != first["id"]


def test_keys_belong_to_their_workspace(upload, other_client):
    mine = upload(books_csv(3), headers={"Idempotency-Key": "k4"}).json()
    theirs = upload(books_csv(3), api=other_client, headers={"Idempotency-Key": "k4"}).json()
    assert theirs["id"] != mine["id"]


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
def test_a_malformed_key_is_a_400_naming_the_header(upload, key):
    response = upload(books_csv(1), headers={"Idempotency-Key": key})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_the_same_file_again_points_to_the_first_job(upload):
    first = upload(books_csv(3)).json()
    assert first["duplicate_of"] is None
    second = upload(books_csv(3), name="renamed.csv").json()
    assert (second["sha256"], second["duplicate_of"]) == (first["sha256"], first["id"])
    assert upload(books_csv(3), dataset="books", on_conflict="skip").json()["duplicate_of"] == first["id"]
