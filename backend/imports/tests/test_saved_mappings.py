"""Remembered column mappings: saved by an upload that maps columns, proposed for the same header
set, edited and deleted over the API, and named by a later upload with mapping_id."""

from __future__ import annotations

import pytest

from catalog.models import Book
from imports.models import ImportJob, SavedMapping
from imports.services import import_job_process
from tests.csv_files import isbn

pytestmark = pytest.mark.django_db

# A real book list's shape: a sparse ISBN-10 column the name matches, and the ISBN-13 one that matters.
BOTH_ISBNS = (
    f"Title,Authors,isbn,isbn13,year\nFirst,Ann,,{isbn(1)},1999\nSecond,Bob,9.78E+12,{isbn(2)},2001\n"
).encode()


def test_an_upload_that_maps_columns_saves_the_whole_mapping_for_its_headers(upload, workspace):
    response = upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"})
    assert response.status_code == 201, response.content
    saved = SavedMapping.objects.get()
    assert (saved.workspace, saved.dataset) == (workspace, "books")
    assert saved.headers == ["Title", "Authors", "isbn", "isbn13", "year"]
    # Every column, the matched ones included, so the next file is read exactly the same way.
    assert saved.mapping == {"title": "Title", "author": "Authors", "isbn": "isbn13", "publication_year": "year"}
    assert saved.last_used_at is not None
    assert response.json()["saved_mapping"] == str(saved.pk)


def test_an_upload_asked_not_to_remember_its_mapping_saves_nothing(upload):
    response = upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"}, remember_mapping="false")
    assert response.status_code == 201, response.content
    assert response.json()["saved_mapping"] is None
    assert not SavedMapping.objects.exists()


def test_an_upload_matched_by_names_alone_saves_nothing(upload):
    body = upload(BOTH_ISBNS).json()
    assert body["saved_mapping"] is None
    assert not SavedMapping.objects.exists()


def test_the_same_header_set_in_another_order_and_case_is_proposed_the_saved_mapping(upload, client):
    upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"})
    headers = [" YEAR", "ISBN13", "title", "ISBN", "authors "]
    body = client.post("/api/mappings/match/", {"dataset": "books", "headers": headers}, format="json").json()
    assert body["saved_mapping"]["id"] == str(SavedMapping.objects.get().pk)
    assert body["column_mapping"] == {
        "title": "title",
        "author": "authors",
        "isbn": "ISBN13",
        "publication_year": "YEAR",
    }


@pytest.mark.parametrize(
    ("dataset", "headers"),
    [
        ("books", ["Title", "Authors", "isbn", "isbn13"]),  # a header fewer
        ("books", ["Title", "Authors", "isbn", "isbn13", "year", "notes"]),  # a header more
        ("card_pickup", ["Title", "Authors", "isbn", "isbn13", "year"]),  # another dataset
    ],
)
def test_another_header_set_or_dataset_is_proposed_nothing(upload, client, dataset, headers):
    upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"})
    body = client.post("/api/mappings/match/", {"dataset": dataset, "headers": headers}, format="json").json()
    assert body == {"saved_mapping": None, "column_mapping": None}


def test_another_workspace_sees_none_of_the_saved_mappings(upload, other_client):
    upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"})
    saved = SavedMapping.objects.get()
    headers = ["Title", "Authors", "isbn", "isbn13", "year"]
    match = other_client.post("/api/mappings/match/", {"dataset": "books", "headers": headers}, format="json")
    assert match.json()["saved_mapping"] is None
    assert other_client.get("/api/mappings/").json()["count"] == 0
    for call in (other_client.get, other_client.delete):
        assert call(f"/api/mappings/{saved.pk}/").status_code == 404
    assert other_client.patch(f"/api/mappings/{saved.pk}/", {"name": "x"}, format="json").status_code == 404
    response = _upload_with(other_client, BOTH_ISBNS, mapping_id=str(saved.pk))
    assert response.status_code == 400
    assert "mapping_id" in response.json()["error"]["fields"]


def _upload_with(api, content: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"dataset": "books", **fields, "file": SimpleUploadedFile("books.csv", content, content_type="text/csv")}
    return api.post("/api/imports/", data, format="multipart")


def test_an_upload_naming_a_saved_mapping_reads_the_file_with_it(upload, client):
    first = upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"}).json()
    saved = SavedMapping.objects.get()
    SavedMapping.objects.filter(pk=saved.pk).update(last_used_at=None)
    again = f"TITLE,AUTHORS,ISBN,ISBN13,YEAR\nThird,Cy,,{isbn(3)},2003\n".encode()
    response = upload(again, mapping_id=str(saved.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["column_mapping"] == saved.mapping
    assert body["saved_mapping"] == str(saved.pk)
    assert body["ignored_columns"] == ["ISBN"]
    job = import_job_process(job_id=body["id"])
    assert (job.created_rows, job.failed_rows) == (1, 0)
    assert Book.objects.get().isbn == isbn(3)
    saved.refresh_from_db()
    assert saved.last_used_at is not None
    assert SavedMapping.objects.count() == 1
    assert first["id"] != body["id"]


def test_a_saved_mapping_named_for_a_file_without_its_headers_is_refused_naming_mapping_id(upload):
    upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"})
    saved = SavedMapping.objects.get()
    response = upload(f"Title,Authors,isbn\nT,A,{isbn(1)}\n".encode(), mapping_id=str(saved.pk))
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error["fields"]) == {"mapping_id"}
    assert "isbn13" in error["message"]
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"column_mapping": {"title": "Title"}}, "not both"),
        ({"mapping_id": "5e0c2b8e-4a1f-4f5e-9d7a-1b2c3d4e5f60"}, "No saved mapping"),
        ({"dataset": "card_pickup"}, "is for books"),
    ],
    ids=["with column_mapping", "unknown", "another dataset"],
)
def test_a_mapping_id_that_cannot_be_used_is_a_400_naming_it(upload, fields, message):
    upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"})
    saved = SavedMapping.objects.get()
    response = upload(BOTH_ISBNS, **{"mapping_id": str(saved.pk), **fields})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert set(error["fields"]) == {"mapping_id"}
    assert message in error["message"]


def test_a_new_mapping_for_the_same_headers_replaces_the_saved_one(upload):
    upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"})
    upload(BOTH_ISBNS, column_mapping={"isbn": "isbn", "publication_year": ""})
    saved = SavedMapping.objects.get()
    assert saved.mapping == {"title": "Title", "author": "Authors", "isbn": "isbn", "publication_year": ""}


def test_a_column_mapped_to_an_empty_header_is_left_empty_even_when_a_header_matches_it(run_import):
    job = run_import(BOTH_ISBNS, column_mapping={"isbn": "isbn13", "publication_year": ""})
    assert job.created_rows == 2
    assert set(Book.objects.values_list("publication_year", flat=True)) == {None}
    assert job.ignored_columns == ["isbn", "year"]


def test_a_required_column_left_empty_is_missing(upload):
    response = upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13", "title": ""})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "missing_columns"


def test_saved_mappings_are_listed_by_dataset_and_edited_and_deleted(upload, client):
    upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"})
    saved = SavedMapping.objects.get()
    listing = client.get("/api/mappings/?dataset=books").json()
    assert [m["id"] for m in listing["results"]] == [str(saved.pk)]
    assert client.get("/api/mappings/?dataset=card_pickup").json()["count"] == 0

    response = client.patch(
        f"/api/mappings/{saved.pk}/",
        {"name": "Partner X", "mapping": {"isbn": "ISBN", "publication_year": ""}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Partner X"
    assert response.json()["mapping"] == {"isbn": "ISBN", "publication_year": ""}
    # Columns left out are matched by name again: title and author still read, isbn from "isbn".
    job = import_job_process(job_id=upload(BOTH_ISBNS, mapping_id=str(saved.pk)).json()["id"])
    assert (job.created_rows, job.failed_rows) == (0, 2)  # the sparse ISBN-10 column is what it reads

    assert client.delete(f"/api/mappings/{saved.pk}/").status_code == 204
    assert client.get(f"/api/mappings/{saved.pk}/").status_code == 404
    job.refresh_from_db()
    assert job.saved_mapping_id is None
    assert job.column_mapping == {"isbn": "ISBN", "publication_year": ""}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"isbn": "EAN"}, "'isbn' is mapped to 'EAN', which is not one of the headers."),
        ({"pages": "year"}, "'pages' is not a column of books"),
    ],
)
def test_an_edit_naming_an_unknown_header_or_column_is_a_400_naming_mapping(upload, client, mapping, message):
    upload(BOTH_ISBNS, column_mapping={"isbn": "isbn13"})
    saved = SavedMapping.objects.get()
    response = client.patch(f"/api/mappings/{saved.pk}/", {"mapping": mapping}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error["fields"]) == {"mapping"}
    assert error["message"].startswith(message)
    saved.refresh_from_db()
    assert saved.mapping["isbn"] == "isbn13"


def test_a_mapping_can_be_saved_before_any_upload_and_saving_again_replaces_it(client):
    body = {"dataset": "books", "headers": ["Name", "Writer", "EAN"], "mapping": {"title": "Name"}}
    first = client.post("/api/mappings/", {**body, "name": "Partner Y"}, format="json")
    assert first.status_code == 201, first.content
    second = client.post("/api/mappings/", {**body, "headers": ["ean", "writer", "name"]}, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["name"] == "Partner Y"
    assert client.post("/api/mappings/", {**body, "dataset": "movies"}, format="json").status_code == 400
