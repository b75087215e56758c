from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Workspace
from catalog.isbn import isbn_normalise
from catalog.models import Book
from datasets.columns import CellError


def book_list(*, workspace: Workspace, search: str | None = None, isbn: str | None = None) -> QuerySet[Book]:
    books = Book.objects.filter(workspace=workspace).order_by("title", "id")
    if isbn:
        try:
            books = books.filter(isbn=isbn_normalise(isbn.strip()))
        except CellError:
            books = books.none()
    if search:
        term = search.strip()
        condition = Q(title__icontains=term) | Q(author__icontains=term)
        digits = term.replace("-", "").replace(" ", "")
        if digits.isdigit():
            condition |= Q(isbn__contains=digits)
        books = books.filter(condition)
    return books
