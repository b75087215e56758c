"""Helpers that build CSV files for tests, with valid ISBNs generated from a counter."""

from __future__ import annotations

from catalog.isbn import isbn13_check_digit

HEADER = "title,author,isbn,publication_year"


def isbn(n: int) -> str:
    core = f"978{n:09d}"
    return core + isbn13_check_digit(core)


def books_csv(rows: int, *, start: int = 0, header: str = HEADER) -> bytes:
    lines = [header]
    lines += [f"Book {i},Author {i % 97},{isbn(i)},{1900 + i % 120}" for i in range(start, start + rows)]
    return ("\n".join(lines) + "\n").encode()
