"""The storage areas on the filesystem and on a real S3 API (moto's server on localhost)."""

from __future__ import annotations

import io

import pytest

from imports.storage import FILES, QUARANTINE, area_files, file_delete, file_exists, file_open, file_save, file_writer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(any_storage):
    return any_storage


def test_save_open_and_delete_in_both_areas():
    for area in (QUARANTINE, FILES):
        key = file_save(area=area, key="final/workspace-1/a.csv", content=io.BytesIO(b"a,b\n1,2\n"))
        assert key == "final/workspace-1/a.csv"
        with file_open(area=area, key=key) as stream:
            assert stream.read() == b"a,b\n1,2\n"
        file_delete(area=area, key=key)
        assert not file_exists(area=area, key=key)


def test_saving_the_same_key_again_replaces_it():
    file_save(area=FILES, key="final/x.csv", content=io.BytesIO(b"one"))
    assert file_save(area=FILES, key="final/x.csv", content=io.BytesIO(b"two")) == "final/x.csv"
    with file_open(area=FILES, key="final/x.csv") as stream:
        assert stream.read() == b"two"


def test_a_large_object_streams_in_chunks():
    payload = bytes(range(256)) * (12 * 4096)  # 12 MiB: several multipart parts on S3
    with file_writer(area=FILES, key="outputs/big.bin") as out:
        for start in range(0, len(payload), 1 << 20):
            out.write(payload[start : start + (1 << 20)])
    read = bytearray()
    with file_open(area=FILES, key="outputs/big.bin") as stream:
        while chunk := stream.read(256 * 1024):
            read += chunk
    assert bytes(read) == payload


def test_area_files_lists_every_object_under_a_prefix():
    for key in ("quarantine/workspace-1/a.csv", "quarantine/workspace-2/b.xlsx"):
        file_save(area=QUARANTINE, key=key, content=io.BytesIO(b"x"))
    assert sorted(f.key for f in area_files(area=QUARANTINE, prefix="quarantine")) == [
        "quarantine/workspace-1/a.csv",
        "quarantine/workspace-2/b.xlsx",
    ]
