"""Every validation rule of the books dataset, cell by cell."""

from __future__ import annotations

import pytest
from django.utils import timezone

from catalog.datasets import books
from catalog.isbn import isbn_normalise
from datasets.columns import CellError
from imports.pipeline.mapping import columns_resolve
from imports.pipeline.validating import RowValidator

HEADERS = ["title", "author", "isbn", "publication_year"]


def validate(title="T", author="A", isbn="9780306406157", year=""):
    resolution = columns_resolve(dataset=books, headers=HEADERS, column_mapping={})
    validator = RowValidator(
        dataset=books, resolution=resolution, headers=HEADERS, encoding="utf-8", options=books.parse_options()
    )
    return validator([title, author, isbn, year])


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("9780306406157", "9780306406157"),
        ("978-0-306-40615-7", "9780306406157"),
        (" 978 0 306 40615 7 ", "9780306406157"),
        ("0306406152", "9780306406157"),
        ("0-306-40615-2", "9780306406157"),
        ("080442957X", "9780804429573"),
        ("080442957x", "9780804429573"),
        ("9791032305690", "9791032305690"),
    ],
)
def test_valid_isbns_are_stored_as_isbn13(raw, stored):
    assert isbn_normalise(raw.strip()) == stored


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("9780306406158", "wrong ISBN-13 check digit"),
        ("0306406153", "wrong ISBN-10 check digit"),
        ("12345", "it has 5 digits, not 10 or 13"),
        ("97803064061577", "it has 14 digits"),
        ("97803064O6157", "an ISBN-13 is 13 digits"),
        ("ABCDEFGHIJ", "an ISBN-10 is 9 digits then a digit or X"),
        ("isbn", "may hold only digits"),
        ("9.78043902348e+12", "scientific notation"),
        ("1234567890123", "starts with 978 or 979"),
        ("X123456789", "an ISBN-10 is 9 digits then a digit or X"),
    ],
)
def test_invalid_isbns_say_what_is_wrong(raw, says):
    with pytest.raises(CellError, match=says):
        isbn_normalise(raw)


def test_title_is_required_and_trimmed():
    assert validate(title="   ") == (None, {"title": ["is required"]})
    values, errors = validate(title="  Dune  ")
    assert errors is None
    assert values[0] == "Dune"


def test_title_is_at_most_500_characters():
    assert validate(title="x" * 500)[1] is None
    assert validate(title="x" * 501)[1] == {"title": ["must be at most 500 characters (got 501)"]}


def test_author_is_required_and_at_most_300_characters():
    assert validate(author="")[1] == {"author": ["is required"]}
    assert validate(author="y" * 300)[1] is None
    assert validate(author="y" * 301)[1] == {"author": ["must be at most 300 characters (got 301)"]}


def test_isbn_is_required():
    assert validate(isbn=" ")[1] == {"isbn": ["is required"]}


@pytest.mark.parametrize(
    ("raw", "stored"), [("", None), ("1997", 1997), ("1997.0", 1997), ("-3000", -3000), (" 42 ", 42)]
)
def test_publication_year_accepts_integers_integral_decimals_and_empty(raw, stored):
    values, errors = validate(year=raw)
    assert errors is None
    assert values[3] == stored


def test_publication_year_up_to_next_year():
    next_year = timezone.now().year + 1
    assert validate(year=str(next_year))[1] is None
    assert validate(year=str(next_year + 1))[1] == {
        "publication_year": [f"must be between -3000 and {next_year}, got {next_year + 1}"]
    }
    assert validate(year="-3001")[1] == {"publication_year": [f"must be between -3000 and {next_year}, got -3001"]}


@pytest.mark.parametrize("raw", ["1997.5", "19x7", "nineteen", "1e3", "NaN", "inf"])
def test_publication_year_rejects_non_integers(raw):
    _, errors = validate(year=raw)
    assert errors is not None
    assert list(errors) == ["publication_year"]


def test_all_errors_of_a_row_are_reported_together():
    _, errors = validate(title="", author="", isbn="12", year="x")
    assert set(errors) == {"title", "author", "isbn", "publication_year"}
