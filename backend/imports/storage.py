"""The files of imports, through Django's storage API: the filesystem or an S3-compatible store.

Two areas: ``quarantine`` holds uploads exactly as received, ``imports`` their sanitized copies
and the outputs. Keys are relative names such as ``final/workspace-3/<job>.csv``; no caller
sees a filesystem path, so the same code runs on a shared volume or on object storage.

Reading streams: an S3 object is read with a ranged GET as the pipeline consumes it (the
storage backend's own ``open`` downloads the whole object first), and a read that breaks off
(an idle connection closed by the server during a slow batch) resumes at the byte it reached.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, BinaryIO, Literal

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

logger = logging.getLogger(__name__)

Area = Literal["quarantine", "imports"]
QUARANTINE: Area = "quarantine"
FILES: Area = "imports"

READ_CHUNK = 1024 * 1024
# A spooled copy stays in memory up to this size, then moves to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def storage_get(area: Area) -> Storage:
    return storages[area]


def _is_s3(storage: Storage) -> bool:
    return type(storage).__module__.startswith("storages.backends.s3")


_sessions: dict[tuple[object, ...], Any] = {}
_sessions_lock = threading.Lock()


def _s3_client(storage: Any) -> Any:
    """A new S3 client, with connections of its own, from a session kept for the process.

    The reader runs in a forked child process while the parent counts the same file: two
    processes must never share one pooled connection, so every open gets its own client. The
    session is kept: each new one loads botocore's S3 model again, tens of MB every time.
    """
    key = (storage.access_key, storage.secret_key, storage.security_token, storage.session_profile)
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            session = _sessions[key] = storage._create_session()
        return session.client(
            "s3",
            region_name=storage.region_name,
            use_ssl=storage.use_ssl,
            endpoint_url=storage.endpoint_url,
            config=storage.client_config,
            verify=storage.verify,
        )


def file_open(*, area: Area, key: str) -> BinaryIO:
    """The object as a binary stream read front to back, never held whole."""
    storage = storage_get(area)
    if _is_s3(storage):
        return io.BufferedReader(_S3ObjectReader(storage, key), buffer_size=READ_CHUNK)
    handle: Any = storage.open(key, "rb")
    return handle


def file_opener(*, area: Area, key: str) -> Callable[[], BinaryIO]:
    return lambda: file_open(area=area, key=key)


def file_save(*, area: Area, key: str, content: IO[bytes]) -> str:
    """Store ``content`` under ``key`` (replacing what is there); returns the stored key."""
    storage = storage_get(area)
    if not _is_s3(storage) and storage.exists(key):
        # The filesystem backend would pick another name instead of replacing: a re-run of a
        # task writes the same key again.
        storage.delete(key)
    # A Django File goes as it is: an upload Django spooled to a temporary file is then moved
    # into a filesystem storage, not copied.
    return storage.save(key, content if isinstance(content, File) else File(content, name=key))


@contextlib.contextmanager
def file_writer(*, area: Area, key: str) -> Iterator[IO[bytes]]:
    """A binary handle whose content is stored under ``key`` when the block ends without error.

    Written to a spooled temporary file first (memory up to SPOOL_BYTES, then the local temporary
    folder), then sent to the storage in one streamed save.
    """
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        yield spool
        spool.seek(0)
        file_save(area=area, key=key, content=spool)


def file_delete(*, area: Area, key: str) -> None:
    if key:
        storage_get(area).delete(key)


def file_exists(*, area: Area, key: str) -> bool:
    return bool(key) and storage_get(area).exists(key)


def file_size(*, area: Area, key: str) -> int:
    return storage_get(area).size(key)


@dataclass(frozen=True)
class StoredFile:
    key: str
    modified_at: datetime


def area_files(*, area: Area, prefix: str) -> Iterator[StoredFile]:
    """Every object under ``prefix`` (a folder such as ``quarantine/``), at any depth."""
    storage = storage_get(area)

    def walk(folder: str) -> Iterator[StoredFile]:
        try:
            folders, names = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in names:
            key = f"{folder.rstrip('/')}/{name}"
            yield StoredFile(key=key, modified_at=storage.get_modified_time(key))
        for sub in folders:
            yield from walk(f"{folder.rstrip('/')}/{sub}")

    yield from walk(prefix)


class _S3ObjectReader(io.RawIOBase):
    """An S3 object read sequentially through ranged GETs, resuming where a broken read stopped."""

    RETRIES = 3

    def __init__(self, storage: Any, key: str) -> None:
        self._client = _s3_client(storage)
        self._bucket = storage.bucket_name
        from storages.utils import clean_name

        self._key = storage._normalize_name(clean_name(key))
        self._position = 0
        self._size: int | None = None
        self._body: Any = None

    def readable(self) -> bool:
        return True

    def _open(self) -> None:
        arguments = {"Bucket": self._bucket, "Key": self._key}
        if self._position:
            arguments["Range"] = f"bytes={self._position}-"
        response = self._client.get_object(**arguments)
        if self._size is None:
            self._size = int(response["ContentLength"])
        self._body = response["Body"]

    def readinto(self, buffer: Any) -> int:
        from botocore.exceptions import BotoCoreError
        from urllib3.exceptions import HTTPError

        if self._size is not None and self._position >= self._size:
            return 0
        for attempt in range(self.RETRIES):
            try:
                if self._body is None:
                    self._open()
                data = self._body.read(len(buffer))
                break
            except (BotoCoreError, HTTPError, OSError) as exc:
                self._drop()
                if attempt + 1 == self.RETRIES:
                    raise
                logger.warning("reading %s broke off at byte %s (%s); resuming", self._key, self._position, exc)
        else:  # pragma: no cover - the loop either breaks or raises
            return 0
        count = len(data)
        buffer[:count] = data
        self._position += count
        if not count and self._size is not None and self._position < self._size:
            # The body ended early (the server closed it): ask again from here.
            self._drop()
            return self.readinto(buffer)
        return count

    def _drop(self) -> None:
        if self._body is not None:
            with contextlib.suppress(Exception):
                self._body.close()
        self._body = None

    def close(self) -> None:
        self._drop()
        super().close()


def storage_buckets_ensure() -> list[str]:
    """Create the buckets of the S3 areas that do not exist; says what it found or did."""
    from botocore.exceptions import ClientError

    report: list[str] = []
    seen: set[str] = set()
    for area in (QUARANTINE, FILES):
        storage: Any = storage_get(area)
        if not _is_s3(storage):
            report.append(f"{area}: local filesystem, nothing to create")
            continue
        bucket = storage.bucket_name
        if bucket in seen:
            continue
        seen.add(bucket)
        client = storage.connection.meta.client
        try:
            client.head_bucket(Bucket=bucket)
            report.append(f"{area}: bucket {bucket} exists")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
                raise
            region = storage.region_name
            arguments: dict[str, Any] = {"Bucket": bucket}
            if region and region != "us-east-1":
                arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
            client.create_bucket(**arguments)
            report.append(f"{area}: bucket {bucket} created")
    return report
