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


# --- the full mapping view, the suggestions and the validated preview ---------------------------

BOTH_ISBNS = (
    f"Title,Authors,isbn,isbn13,Publication Yr,notes\n"
    f"First,Ann,,{isbn(1)},1999,a\n"
    f"Second,Bob,9.78E+12,{isbn(2)},2001,b\n"
    f"Third,Cid,0-306-40615-2,{isbn(3)},year 3,c\n"
).encode()


def _fields(body):
    return {f["column"]: (f["header"], f["matched_by"]) for f in body["resolution"]["fields"]}


def test_every_dataset_column_is_listed_with_its_header_and_how_it_was_matched(client):
    body = inspect(client, BOTH_ISBNS, dataset="books").json()
    assert [f["column"] for f in body["resolution"]["fields"]] == ["title", "author", "isbn", "publication_year"]
    assert _fields(body) == {
        "title": ("Title", "name"),
        "author": ("Authors", "alias"),
        "isbn": ("isbn", "name"),
        "publication_year": ("Publication Yr", "similar"),
    }
    by_column = {f["column"]: f for f in body["resolution"]["fields"]}
    assert by_column["title"]["required"] is True and by_column["title"]["label"] == "Title"
    assert by_column["publication_year"]["required"] is False
    assert 0.7 <= by_column["publication_year"]["similarity"] < 1
    assert by_column["title"]["similarity"] is None
    # The suggestion is only that: the upload's own resolution does not read it.
    assert "publication_year" not in {c["column"] for c in body["resolution"]["columns"]}
    assert body["resolution"]["ignored"] == ["isbn13", "Publication Yr", "notes"]
    assert body["resolution"]["unread"] == ["isbn13", "notes"]
    assert body["resolution"]["unfed_required"] == []


def test_a_mapping_moves_a_column_to_another_header_and_frees_the_one_it_read(client):
    body = inspect(client, BOTH_ISBNS, dataset="books", column_mapping='{"isbn": "isbn13"}').json()
    assert _fields(body)["isbn"] == ("isbn13", "mapping")
    assert body["resolution"]["unread"] == ["isbn", "notes"]


def test_a_column_left_empty_gets_no_suggestion(client):
    body = inspect(client, BOTH_ISBNS, dataset="books", column_mapping='{"publication_year": ""}').json()
    by_column = {f["column"]: f for f in body["resolution"]["fields"]}
    assert (by_column["publication_year"]["header"], by_column["publication_year"]["left_empty"]) == (None, True)
    assert "Publication Yr" in body["resolution"]["unread"]


def test_the_preview_validates_the_first_rows_as_the_import_would(client):
    body = inspect(client, BOTH_ISBNS, dataset="books").json()
    preview = body["preview"]
    assert [row["row_number"] for row in preview["rows"]] == [2, 3, 4]
    first, second, third = preview["rows"]
    # A blank required isbn, and an ISBN-10 written in scientific notation: both refused.
    assert first["valid"] is False
    assert {c["column"]: c["error"] for c in first["cells"] if c["error"]} == {"isbn": "is required"}
    assert second["valid"] is False
    isbn_cell = next(c for c in second["cells"] if c["column"] == "isbn")
    assert isbn_cell["text"] == "9.78E+12" and isbn_cell["error"] and isbn_cell["value"] is None
    # A valid ISBN-10 is stored as its ISBN-13; the suggested year column is read too.
    third_cells = {c["column"]: c for c in third["cells"]}
    assert third_cells["isbn"]["value"] is None  # the row is rejected for its year
    assert third_cells["publication_year"]["error"].startswith("must be a whole number")
    assert preview["invalid_rows"] == 3


def test_the_preview_follows_the_mapping_and_gives_stored_values(client):
    body = inspect(client, BOTH_ISBNS, dataset="books", column_mapping='{"isbn": "isbn13", "publication_year": ""}')
    preview = body.json()["preview"]
    assert preview["invalid_rows"] == 0
    first = {c["column"]: c for c in preview["rows"][0]["cells"]}
    assert first["isbn"] == {"column": "isbn", "text": isbn(1), "value": isbn(1), "error": ""}
    assert first["publication_year"] == {"column": "publication_year", "text": None, "value": None, "error": ""}
    assert all(row["valid"] and row["record_errors"] == [] for row in preview["rows"])


def test_the_preview_reports_record_errors_and_honours_its_row_count(client):
    content = books_csv(5) + b"Extra,Row,too,many,fields\n"
    body = inspect(client, content, dataset="books", preview_rows=6).json()
    rows = body["preview"]["rows"]
    assert len(rows) == 6
    assert rows[-1]["valid"] is False and rows[-1]["record_errors"] == ["expected 4 fields, got 5"]
    assert inspect(client, content, dataset="books", preview_rows=2).json()["preview"]["rows"][-1]["row_number"] == 3


def test_there_is_no_preview_while_a_required_column_has_no_header(client):
    body = inspect(client, b"name,year\nA,2000\n", dataset="books").json()
    assert body["preview"] is None
    assert body["resolution"]["unfed_required"] == ["title", "author", "isbn"]
    assert inspect(client, books_csv(1)).json()["preview"] is None


def test_an_unknown_time_zone_for_the_preview_is_a_400_naming_it(client):
    response = inspect(client, books_csv(1), dataset="books", timezone="Mars/Olympus")
    assert response.status_code == 400
    assert "timezone" in response.json()["error"]["fields"]


def test_the_delimiter_says_whether_it_was_detected_or_declared(client):
    detected = inspect(client, b"a;b;c\n1;2;3\n4;5;6\n").json()["delimiter_guess"]
    assert detected == {"delimiter": ";", "source": "detected", "confidence": 1.0}
    ragged = inspect(client, b"a|b|c\n1|2|3\n4|5\n").json()["delimiter_guess"]
    assert (ragged["delimiter"], ragged["confidence"]) == ("|", 0.5)
    declared = inspect(client, b"a;b\n1;2\n", delimiter=",").json()
    assert declared["delimiter_guess"] == {"delimiter": ",", "source": "declared", "confidence": None}
    single = inspect(client, b"only\n1\n").json()["delimiter_guess"]
    assert single == {"delimiter": ",", "source": "default", "confidence": None}
    workbook = inspect(client, xlsx_bytes([["title"], ["Dune"]]), name="b.xlsx").json()
    assert workbook["delimiter_guess"] is None
