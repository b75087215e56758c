"""The upload handler: the file lands in a temporary file, and its SHA-256 is known when it ends."""

from __future__ import annotations

import hashlib
import os

from config.uploads import SHA256_ATTRIBUTE, LargeChunkTemporaryFileUploadHandler


def test_the_upload_handler_hashes_every_chunk_in_order_while_writing_the_file():
    chunks = [os.urandom(LargeChunkTemporaryFileUploadHandler.chunk_size) for _ in range(3)] + [b"tail"]
    handler = LargeChunkTemporaryFileUploadHandler()
    handler.new_file("file", "books.csv", "text/csv", None)
    start = 0
    for chunk in chunks:
        assert handler.receive_data_chunk(chunk, start) is None
        start += len(chunk)
    uploaded = handler.file_complete(start)
    assert uploaded is not None
    content = b"".join(chunks)
    assert getattr(uploaded, SHA256_ATTRIBUTE) == hashlib.sha256(content).hexdigest()
    assert uploaded.read() == content
    uploaded.close()


def test_a_second_file_of_the_same_upload_gets_its_own_hash():
    handler = LargeChunkTemporaryFileUploadHandler()
    hashes = []
    for content in (b"first,file\n", b"second,file\n"):
        handler.new_file("file", "books.csv", "text/csv", None)
        handler.receive_data_chunk(content, 0)
        uploaded = handler.file_complete(len(content))
        assert uploaded is not None
        hashes.append(getattr(uploaded, SHA256_ATTRIBUTE))
        uploaded.close()
    assert hashes == [hashlib.sha256(b"first,file\n").hexdigest(), hashlib.sha256(b"second,file\n").hexdigest()]
