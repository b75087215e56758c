"""Upload handling: the body is read in large chunks and hashed as it arrives."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

# The attribute of an uploaded file that holds the hex SHA-256 of its bytes, hashed on arrival.
SHA256_ATTRIBUTE = "sha256_hexdigest"


class LargeChunkTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams the upload to a temporary file (moved into storage later, not copied), 1 MiB at a time.

    Django asks the server for 64 KiB at a time by default. Gunicorn receives up to 1 MiB per
    call and pushes back what was not asked for, copying the remainder again on every read: on a
    60 MB upload that copying was most of the time to answer.

    The file's SHA-256 (the duplicate check and the idempotency fingerprint need it) is taken
    from each chunk on its way to the file, not by reading the whole file again afterwards.
    """

    chunk_size = 1024 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._digest = hashlib.sha256()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._digest = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            setattr(uploaded, SHA256_ATTRIBUTE, self._digest.hexdigest())
        return uploaded
