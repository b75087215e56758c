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


def test_s3_settings_use_path_addressing_with_an_endpoint_and_a_bucket_of_their_own_for_quarantine(tmp_path):
    import json
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup(); from django.conf import settings; import json; "
        "o = settings.STORAGES['imports']['OPTIONS']; q = settings.STORAGES['quarantine']['OPTIONS']; "
        "print(json.dumps([o['bucket_name'], q['bucket_name'], o['client_config'].s3, o['location'], "
        "o['endpoint_url']]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "INTAKE_VAR_DIR": str(tmp_path),
        "IMPORT_STORAGE": "s3",
        "S3_BUCKET": "intake",
        "S3_QUARANTINE_BUCKET": "intake-quarantine",
        "S3_ENDPOINT_URL": "http://minio:9000",
        "S3_PREFIX": "/acme/",
        "S3_ADDRESSING_STYLE": "",
    }
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [
        "intake",
        "intake-quarantine",
        {"addressing_style": "path"},
        "acme",
        "http://minio:9000",
    ]
