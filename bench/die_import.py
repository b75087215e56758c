"""django-import-export on a books file with its fastest documented options, as the reference.

Run as a separate process (so its memory is its own): ``python die_import.py FILE WORKSPACE_ID``.
Prints one JSON line: rows, seconds, peak RSS in MB, rows stored.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"
sys.path.insert(0, str(BACKEND))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django

    django.setup()
    import tablib
    from catalog.models import Book
    from import_export import resources

    path, workspace_id = sys.argv[1], int(sys.argv[2])

    class BookResource(resources.ModelResource):
        class Meta:
            model = Book
            fields = ("title", "author", "isbn", "publication_year")
            import_id_fields = ("isbn",)
            # The options the documentation lists for speed.
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            force_init_instance = True
            skip_html_diff = True
            use_transactions = True

        def init_instance(self, row=None):  # type: ignore[no-untyped-def]
            return Book(workspace_id=workspace_id)

    start = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        dataset = tablib.Dataset().load(f.read(), format="csv")
    result = BookResource().import_data(dataset, dry_run=False, raise_errors=False)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stored = Book.objects.filter(workspace_id=workspace_id).count()
    print(
        json.dumps(
            {
                "rows": len(dataset),
                "seconds": seconds,
                "peak_rss_mb": peak_mb,
                "stored": stored,
                "errors": bool(result.has_errors()),
            }
        )
    )


if __name__ == "__main__":
    main()
