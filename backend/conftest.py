from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Workspace
from accounts.services import api_key_create
from config.celery import app as celery_app
from imports.models import ImportJob
from imports.services import import_job_create, import_job_process
from tests.factories import WorkspaceFactory


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A real S3 API on localhost (moto's server mode), for the whole test session: its URL."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_storages(endpoint: str, bucket: str, quarantine_bucket: str) -> dict[str, Any]:
    """STORAGES as config/settings.py builds them for IMPORT_STORAGE=s3, against ``endpoint``."""
    from config.settings import s3_transfer_config

    def options(name: str) -> dict[str, Any]:
        return {
            "bucket_name": name,
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "access_key": "intake-test",
            "secret_key": "intake-test-secret",
            "addressing_style": "path",
            "file_overwrite": True,
            "default_acl": None,
            "transfer_config": s3_transfer_config(),
        }

    backend = "storages.backends.s3.S3Storage"
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "imports": {"BACKEND": backend, "OPTIONS": options(bucket)},
        "quarantine": {"BACKEND": backend, "OPTIONS": options(quarantine_bucket)},
    }


@pytest.fixture
def s3_storage(s3_server: str, settings: Any) -> Iterator[Any]:
    """Point both storage areas at fresh buckets of the local S3 server; yields a boto3 client."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="intake-test",
        aws_secret_access_key="intake-test-secret",
    )
    suffix = uuid.uuid4().hex[:12]
    bucket, quarantine = f"intake-{suffix}", f"intake-quarantine-{suffix}"
    client.create_bucket(Bucket=bucket)
    client.create_bucket(Bucket=quarantine)
    settings.STORAGES = s3_storages(s3_server, bucket, quarantine)
    yield client


@pytest.fixture(params=["filesystem", "s3"])
def any_storage(request: Any) -> str:
    """Runs a test once on the local filesystem and once on the local S3 server."""
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    return str(request.param)


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    """The test client speaks plain http: no redirect to https (DJANGO_HTTPS is on when DEBUG is off)."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _unthrottled(settings: Any) -> None:
    """No request rate applies unless a test sets one (accounts/tests/test_throttling.py does)."""
    settings.THROTTLE_RATES = dict.fromkeys(settings.THROTTLE_RATES)


@pytest.fixture
def workspace(db: None) -> Workspace:
    return cast(Workspace, WorkspaceFactory(slug="acme"))


@pytest.fixture
def other_workspace(db: None) -> Workspace:
    return cast(Workspace, WorkspaceFactory(slug="globex"))


def _client_for(workspace: Workspace) -> APIClient:
    _, secret = api_key_create(workspace=workspace, name="tests")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=secret)
    return client


@pytest.fixture
def client(workspace: Workspace) -> APIClient:
    return _client_for(workspace)


@pytest.fixture
def other_client(other_workspace: Workspace) -> APIClient:
    return _client_for(other_workspace)


@pytest.fixture
def make_job(workspace: Workspace) -> Callable[..., ImportJob]:
    """Create a job from CSV bytes through the upload service, without queueing it."""

    def make(content: bytes, *, name: str = "books.csv", target: Workspace | None = None, **options: Any) -> ImportJob:
        return import_job_create(
            workspace=target or workspace,
            file=SimpleUploadedFile(name, content, content_type="text/csv"),
            dataset=options.pop("dataset", "books"),
            enqueue=False,
            **options,
        )

    return make


@pytest.fixture
def run_import(make_job: Callable[..., ImportJob]) -> Callable[..., ImportJob]:
    """Create a job and process it in this thread, as the worker's task does."""

    def run(content: bytes, **options: Any) -> ImportJob:
        job = make_job(content, **options)
        return import_job_process(job_id=job.pk)

    return run


@pytest.fixture
def upload(client: APIClient) -> Callable[..., Any]:
    def post(
        content: bytes,
        *,
        name: str = "books.csv",
        api: APIClient | None = None,
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> Any:
        if isinstance(fields.get("column_mapping"), dict):
            fields["column_mapping"] = json.dumps(fields["column_mapping"])
        data = {"dataset": "books", **fields, "file": SimpleUploadedFile(name, content, content_type="text/csv")}
        return (api or client).post("/api/imports/", data, format="multipart", headers=headers)

    return post


@pytest.fixture(scope="session")
def celery_worker_thread() -> Iterator[Any]:
    """A real Celery worker, in a thread of the test process, consuming the imports and notifications queues."""
    celery_app.control.purge()
    with start_worker(
        celery_app,
        pool="solo",
        concurrency=1,
        queues=["imports", "notifications"],
        perform_ping_check=False,
        shutdown_timeout=30,
        loglevel="WARNING",
    ) as worker:
        yield worker


@pytest.fixture
def celery_worker(celery_worker_thread: Any, transactional_db: None) -> Any:
    """The worker reads what the test committed, so tests using it run on a transactional db."""
    return celery_worker_thread
