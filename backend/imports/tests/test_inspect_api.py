"""POST /api/imports/inspect/: what the server reads in a file before it is uploaded."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.csv_files import books_csv, isbn
from tests.xlsx_files import xlsx_bytes

pytestmark = pytest.mark.django_db


def inspect(client, content: bytes, *, name: str = "books.csv", **fields):
    data = {**fields, "file": SimpleUploadedFile(name, content)}
    return client.post("/api/imports/inspect/", data, format="multipart")


def test_a_csv_head_gives_encoding_delimiter_header_resolution_and_rows(client):
    content = f"Book Title;authors;ISBN;notes\nDune;Frank Herbert;{isbn(1)};x\nEmma;Jane Austen;{isbn(2)};y\n"
    response = inspect(client, content.encode(), dataset="books", column_mapping='{"title": "Book Title"}')
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "csv"
    assert body["encoding"] == {"name": "utf-8", "source": "detected", "confidence": 1.0}
    assert body["delimiter"] == ";"
    assert body["header"] == {"row_number": 1, "names": ["Book Title", "authors", "ISBN", "notes"]}
    resolution = body["resolution"]
    assert resolution["dataset"] == "books"
    assert {c["column"]: (c["header"], c["index"], c["matched_by"]) for c in resolution["columns"]} == {
        "title": ("Book Title", 0, "mapping"),
        "author": ("authors", 1, "alias"),
        "isbn": ("ISBN", 2, "name"),
    }
    assert resolution["missing"] == []
    assert resolution["ignored"] == ["notes"]
    assert body["rows"] == [
        {"row_number": 2, "fields": ["Dune", "Frank Herbert", isbn(1), "x"], "error": ""},
        {"row_number": 3, "fields": ["Emma", "Jane Austen", isbn(2), "y"], "error": ""},
    ]


def test_missing_columns_are_reported_not_refused(client):
    body = inspect(client, b"name,year\nA,2000\n", dataset="books").json()
    assert body["resolution"]["missing"] == ["title", "author", "isbn"]


def test_without_a_dataset_there_is_no_resolution(client):
    body = inspect(client, books_csv(1)).json()
    assert body["resolution"] is None


def test_a_partial_sample_leaves_out_its_cut_last_record(client):
    content = books_csv(3)
    body = inspect(client, content[:-10], partial="true", rows=10).json()
    assert [r["row_number"] for r in body["rows"]] == [2, 3]
    assert body["partial"] is True


def test_a_declared_encoding_and_a_bom_say_where_they_come_from(client):
    latin = "title,author\nCafé,Zoé\n".encode("latin-1")
    assert inspect(client, latin, encoding="latin-1").json()["encoding"]["source"] == "declared"
    bom = inspect(client, b"\xef\xbb\xbf" + books_csv(1)).json()["encoding"]
    assert bom == {"name": "utf-8-sig", "source": "bom", "confidence": 1.0}
    guessed = inspect(client, "title,author\nCafé crème,Zoé\n".encode("cp1252")).json()["encoding"]
    assert guessed["source"] == "detected" and guessed["name"] == "cp1252" and 0 < guessed["confidence"] <= 1


def test_a_workbook_gives_its_sheets_and_the_chosen_sheets_header(client):
    content = xlsx_bytes(
        [["title", "author", "isbn"], ["Dune", "Frank", isbn(1)]], sheets={"Other": [["a", "b"], ["1", "2"]]}
    )
    body = inspect(client, content, name="books.xlsx", dataset="books").json()
    assert (body["format"], body["encoding"], body["delimiter"]) == ("xlsx", None, None)
    assert (body["sheet"], body["sheets"]) == ("Books", ["Books", "Other"])
    assert body["header"]["names"] == ["title", "author", "isbn"]
    assert body["rows"][0] == {"row_number": 2, "fields": ["Dune", "Frank", isbn(1)], "error": ""}
    other = inspect(client, content, name="books.xlsx", sheet="Other").json()
    assert other["header"]["names"] == ["a", "b"]


@pytest.mark.parametrize(
    ("content", "name", "fields", "code"),
    [
        (b"", "books.csv", {}, "empty_file"),
        (b"a,b\n", "books.txt", {}, "invalid_extension"),
        (b"a,b\n", "books.csv", {"dataset": "nope"}, "unknown_dataset"),
        (b"not a zip", "books.xlsx", {}, "unreadable_file"),
        ("títle\n".encode("latin-1"), "books.csv", {"encoding": "utf-8"}, "decode_error"),
    ],
)
def test_unreadable_input_is_a_400_in_the_error_shape(client, content, name, fields, code):
    response = inspect(client, content, name=name, **fields)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_a_body_over_the_inspect_limit_is_a_413(client, settings):
    settings.IMPORT_INSPECT_MAX_BYTES = 10
    response = inspect(client, b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413


def test_inspect_needs_credentials(db):
    from rest_framework.test import APIClient

    response = APIClient().post("/api/imports/inspect/", {}, format="multipart")
    assert response.status_code in (401, 403)
