"""Create the object-storage buckets the settings name, when they do not exist yet.

Run before the web process starts (compose, the Kubernetes migration Job): a fresh MinIO has no
bucket. With IMPORT_STORAGE=filesystem there is nothing to do. Safe to run again and again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from imports.storage import storage_buckets_ensure


class Command(BaseCommand):
    help = "Create the S3 buckets of the file storage areas if they are missing."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in storage_buckets_ensure():
            self.stdout.write(line)
