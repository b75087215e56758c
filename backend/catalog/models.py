from __future__ import annotations

from django.db import models

from datasets.models import ImportedRecord


class Book(ImportedRecord):
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=300)
    # Always stored as ISBN-13, digits only.
    isbn = models.CharField(max_length=13)
    publication_year = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            # A constraint, not unique=True, so PostgreSQL keeps one index (no extra pattern index).
            models.UniqueConstraint(fields=["workspace", "isbn"], name="catalog_book_workspace_isbn_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.isbn})"
