"""The books dataset: the declaration the import pipeline validates and loads against."""

from __future__ import annotations

from django.utils import timezone

from catalog.isbn import isbn_normalise
from catalog.models import Book
from datasets.columns import Column, integer, text
from datasets.registry import Dataset, dataset_register


def _next_year() -> int:
    return timezone.now().year + 1


books = dataset_register(
    Dataset(
        name="books",
        label="Books",
        description="Books of your catalogue, identified by ISBN.",
        model=Book,
        key_columns=("isbn",),
        columns=(
            Column(
                name="title",
                type="string",
                parse=text,
                required=True,
                max_length=500,
                description="The book's title.",
                example="Harry Potter and the Philosopher's Stone",
            ),
            Column(
                name="author",
                type="string",
                parse=text,
                required=True,
                max_length=300,
                aliases=("authors", "author_name"),
                description="Author or authors, as one text.",
                example="J. K. Rowling",
            ),
            Column(
                name="isbn",
                type="isbn",
                parse=isbn_normalise,
                required=True,
                aliases=("isbn13", "isbn_13", "isbn10"),
                description="ISBN-10 or ISBN-13; hyphens and spaces are ignored. Stored as ISBN-13.",
                example="978-0-7475-3269-9",
            ),
            Column(
                name="publication_year",
                type="integer",
                label="Publication year",
                parse=integer(minimum=-3000, maximum=_next_year),
                aliases=("year", "original_publication_year"),
                description="Year of first publication, from -3000 to next year. Optional.",
                example="1997",
            ),
        ),
    )
)
