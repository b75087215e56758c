"""A job records who started it: a signed-in user, an API key, the command line or a feed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from feeds.services import feed_source_save
from imports.models import ImportJob
from tests.card_feeds import FEEDS
from tests.csv_files import books_csv

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 42"


def signed_in_client(email: str = "ana@example.com") -> APIClient:
    client = APIClient()
    client.post(
        "/api/auth/register/",
        {"email": email, "password": PASSWORD, "confirm_password": PASSWORD},
        format="json",
    )
    tokens = client.post("/api/auth/login/", {"email": email, "password": PASSWORD}, format="json").json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client


def post_books(client: APIClient):
    file = SimpleUploadedFile("books.csv", books_csv(2), content_type="text/csv")
    response = client.post("/api/imports/", {"dataset": "books", "file": file}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_upload_with_an_api_key_records_the_key_by_name_and_prefix(client):
    body = post_books(client)
    job = ImportJob.objects.get(pk=body["id"])
    assert job.started_via == "api_key"
    assert job.started_by_name == "tests"
    assert job.started_by_user is None
    assert body["started_by"] == {"via": "api_key", "name": "tests", "api_key_prefix": job.started_by_key_prefix}
    assert len(job.started_by_key_prefix) >= 6


def test_an_upload_from_a_signed_in_user_records_the_user():
    client = signed_in_client()
    body = post_books(client)
    job = ImportJob.objects.get(pk=body["id"])
    assert job.started_via == "user"
    assert job.started_by_user is not None and job.started_by_user.email == "ana@example.com"
    assert body["started_by"] == {"via": "user", "name": "ana@example.com", "api_key_prefix": ""}
    # The list (History) says the same.
    listed = client.get("/api/imports/").json()["results"][0]
    assert listed["started_by"]["name"] == "ana@example.com"


def test_the_name_survives_the_user_being_deleted():
    client = signed_in_client("bo@example.com")
    job = ImportJob.objects.get(pk=post_books(client)["id"])
    assert job.started_by_user is not None
    job.started_by_user.delete()
    job.refresh_from_db()
    assert job.started_by_user is None
    assert (job.started_via, job.started_by_name) == ("user", "bo@example.com")


def test_the_command_line_records_itself(tmp_path, workspace):
    path = tmp_path / "books.csv"
    path.write_bytes(books_csv(2))
    call_command("import_csv", str(path), "--workspace", workspace.slug, "--dataset", "books", "--wait")
    job = ImportJob.objects.get()
    assert job.started_via == "command_line"
    assert job.status == "completed"


def test_a_feed_refresh_records_the_feed_and_its_folder(client, workspace, settings, tmp_path):
    settings.FEEDS_ROOT = tmp_path
    (tmp_path / "partner" / "card_pickup").mkdir(parents=True)
    (tmp_path / "partner" / "card_pickup" / "p.csv").write_bytes(FEEDS["card_pickup"])
    feed_source_save(workspace=workspace, dataset="card_pickup", folder="partner/card_pickup")
    response = client.post("/api/feeds/card_pickup/refresh/")
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    assert job.started_via == "feed"
    assert job.started_by_name == "card_pickup (partner/card_pickup)"


def test_the_admin_lists_who_started_each_job(admin_client, client):
    post_books(client)
    page = admin_client.get("/admin/imports/importjob/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "API key" in text and "tests" in text
    assert admin_client.get("/admin/imports/importjob/?started_via__exact=api_key").status_code == 200
