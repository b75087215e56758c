"""What only S3 storage does: resuming a read cut off mid-object, creating missing buckets."""

from __future__ import annotations

import io

import pytest

from imports.storage import FILES, file_open, file_save

pytestmark = pytest.mark.django_db


def test_an_s3_read_that_breaks_off_resumes_where_it_stopped(s3_storage):
    payload = b"0123456789" * 100_000
    file_save(area=FILES, key="final/resume.csv", content=io.BytesIO(payload))
    with file_open(area=FILES, key="final/resume.csv") as stream:
        first = stream.read(1000)
        stream.raw._body.close()  # type: ignore[attr-defined]  # the connection dropped mid-object
        rest = stream.read()
    assert first + rest == payload


def test_storage_setup_creates_missing_buckets_once(s3_storage, s3_server, settings):
    from django.core.management import call_command

    from conftest import s3_storages

    settings.STORAGES = s3_storages(s3_server, "fresh-files", "fresh-quarantine")
    out = io.StringIO()
    call_command("storage_setup", stdout=out)
    assert "bucket fresh-quarantine created" in out.getvalue()
    assert "bucket fresh-files created" in out.getvalue()
    out = io.StringIO()
    call_command("storage_setup", stdout=out)
    assert "bucket fresh-files exists" in out.getvalue()
