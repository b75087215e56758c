"""Excel (.xlsx) uploads: streamed with openpyxl, row numbers of the sheet, values as a person sees them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from catalog.models import Book
from imports.models import ImportJob, ImportRowError
from imports.pipeline.sources import XlsxSource, cell_text
from tests.csv_files import isbn
from tests.xlsx_files import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["title", "author", "isbn", "publication_year"]


@pytest.fixture(autouse=True)
def storage(any_storage):
    return any_storage


def run_xlsx(run_import, content: bytes, **options) -> ImportJob:
    return run_import(content, name="books.xlsx", **options)


def errors_by_row(job: ImportJob) -> dict[int, dict[str, list[str]]]:
    return {e.row_number: e.errors for e in ImportRowError.objects.filter(job=job)}


def test_a_workbook_imports_with_the_sheets_row_numbers(run_import):
    content = xlsx_bytes(
        [
            (),  # row 1: blank
            HEADER,  # row 2
            ["Dune", "Frank Herbert", isbn(1), 1965],  # row 3
            (),  # row 4: blank
            ["No year", "Ann", isbn(2), "19x9"],  # row 5
            [None, "Bob", isbn(3), 2000],  # row 6: no title
        ]
    )
    job = run_xlsx(run_import, content)
    assert (job.status, job.format, job.sheet) == ("completed", "xlsx", "Books")
    assert (job.total_rows, job.created_rows, job.failed_rows) == (3, 1, 2)
    assert sorted(errors_by_row(job)) == [5, 6]
    book = Book.objects.get()
    assert (book.title, book.publication_year, book.source_row_number) == ("Dune", 1965, 3)
    assert job.sanitize_report["source_encoding"] == "xlsx"


def test_numbers_dates_and_formulas_read_as_a_person_sees_them(run_import):
    content = xlsx_bytes(
        [HEADER, ["Whole", "Ann", int(isbn(1)), 1999.0], ["Formula", "Bob", isbn(2), "=1998+1"]],
        cached={"D3": "1999"},
    )
    job = run_xlsx(run_import, content)
    assert (job.created_rows, job.failed_rows) == (2, 0)
    # An ISBN typed as a number and a year saved as a float read as the digits a person sees.
    assert dict(Book.objects.values_list("title", "publication_year")) == {"Whole": 1999, "Formula": 1999}
    assert Book.objects.get(title="Whole").isbn == isbn(1)


def test_cell_text_formats():
    class Cell:
        def __init__(self, value, number_format="General"):
            self.value, self.number_format = value, number_format

    assert cell_text(Cell(1999.0)) == "1999"
    assert cell_text(Cell(0.1 + 0.2)) == "0.30000000000000004"
    assert cell_text(Cell(2.5, "0.00")) == "2.50"
    assert cell_text(Cell(0.125, "0.0%")) == "12.5%"
    assert cell_text(Cell(971585949014)) == "971585949014"
    assert cell_text(Cell(dt.datetime(2023, 11, 13), "dd/mm/yyyy")) == "2023-11-13"
    assert cell_text(Cell(dt.datetime(2023, 11, 13, 14, 5), "dd/mm/yyyy hh:mm")) == "2023-11-13 14:05:00"
    assert cell_text(Cell(dt.datetime(2023, 11, 13), "yyyy-mm-dd hh:mm")) == "2023-11-13 00:00:00"
    assert cell_text(Cell(True)) == "TRUE"
    assert cell_text(Cell(None)) == ""


def test_merged_cells_and_empty_trailing_columns(run_import):
    content = xlsx_bytes(
        [
            [*HEADER, None, None],
            ["Merged title", "Ann", isbn(1), 2001, None, None],
            [None, "Bob", isbn(2), 2002],
            ["Short", "Cy", isbn(3)],  # no year: its trailing cell is simply empty
        ],
        merged=["A2:A3"],
        number_formats={"F1": "0.00", "F4": "0.00"},  # formatting that reaches right, no values
    )
    job = run_xlsx(run_import, content)
    assert job.headers == HEADER
    assert (job.created_rows, job.failed_rows) == (3, 0)
    titles = dict(Book.objects.values_list("isbn", "title"))
    assert titles == {isbn(1): "Merged title", isbn(2): "Merged title", isbn(3): "Short"}


def test_a_sheet_is_chosen_by_name_and_an_unknown_one_is_refused(run_import, upload):
    content = xlsx_bytes([["notes"], ["not books"]], sheets={"Data": [HEADER, ["From data", "Ann", isbn(1), 1999]]})
    job = run_xlsx(run_import, content, sheet="Data")
    assert (job.sheet, job.created_rows) == ("Data", 1)
    response = upload(content, name="books.xlsx", sheet="Nope")
    assert response.status_code == 400
    assert "Data" in response.json()["error"]["fields"]["sheet"][0]


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(upload):
    response = upload(b"title,author\nA,B\n", name="books.xlsx")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unreadable_file"


def test_errors_csv_of_a_workbook_keeps_cells_with_newlines_whole(run_import, client):
    content = xlsx_bytes([HEADER, ["Two\nlines", "Ann", isbn(1), "bad"], ["Fine", "Bob", isbn(2), 2000]])
    job = run_xlsx(run_import, content)
    body = b"".join(client.get(f"/api/imports/{job.pk}/errors.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[0] == [*HEADER, "row_number", "errors"]
    assert rows[1][:4] == ["Two\nlines", "Ann", isbn(1), "bad"]
    assert rows[1][4] == "2"


def test_the_source_streams_rows_without_loading_the_workbook():
    content = xlsx_bytes([HEADER, *[[f"B{i}", "A", isbn(i), 2000] for i in range(50)]])
    source = XlsxSource(io.BytesIO(content))
    header = source.header()
    assert header is not None and header.row_number == 1
    assert source.count() == 50
    rows = list(source.records(header_row=1, after_row=40))
    assert [number for number, _ in rows] == list(range(41, 52))
    source.close()
