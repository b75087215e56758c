"""Books keep to their workspace although the foreign key has no database constraint."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.models import Book

CSV = b"title,author,isbn\nDune,Frank Herbert,9780441172719\nEmma,Jane Austen,9780141439587\n"


@pytest.mark.django_db
def test_deleting_a_workspace_deletes_its_books(run_import: Any, workspace: Any, other_workspace: Any) -> None:
    run_import(CSV)
    run_import(CSV, target=other_workspace)
    assert Book.objects.filter(workspace=workspace).count() == 2

    workspace.delete()

    assert not Book.objects.filter(workspace_id=workspace.pk).exists()
    assert Book.objects.filter(workspace=other_workspace).count() == 2
