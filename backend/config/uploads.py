"""Upload handling: the body is read in large chunks."""

from __future__ import annotations

from django.core.files.uploadhandler import TemporaryFileUploadHandler


class LargeChunkTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams the upload to a temporary file (moved into storage later, not copied), 1 MiB at a time.

    Django asks the server for 64 KiB at a time by default. Gunicorn receives up to 1 MiB per
    call and pushes back what was not asked for, copying the remainder again on every read: on a
    60 MB upload that copying was most of the time to answer.
    """

    chunk_size = 1024 * 1024
