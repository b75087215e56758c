"""The child process that reads and validates: its failures reach the job, it never outlives it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psutil
import pytest

from catalog.models import Book
from imports.models import ImportJob, ImportRowError
from imports.pipeline.reader_process import ChildReader, ReaderProcessFailure
from imports.pipeline.results import BatchResult
from imports.services import import_job_process
from tests.csv_files import books_csv


def _children_since(started: float) -> list[psutil.Process]:
    return [c for c in psutil.Process().children() if c.create_time() >= started and c.status() != "zombie"]


@pytest.mark.django_db
def test_a_reader_process_killed_mid_file_is_replaced_and_the_job_completes_exactly(make_job, settings):
    settings.IMPORT_READER_PROCESS = True
    settings.IMPORT_BATCH_SIZE = 10
    job = make_job(books_csv(30_000) + b",,,\n")
    started = time.time() - 1
    kills: list[int] = []

    def kill_the_reader_twice(result: BatchResult) -> None:
        if len(kills) < 2 and result.last_row > 5_000 * (len(kills) + 1):
            for child in _children_since(started):
                child.kill()
                kills.append(result.last_row)

    job = import_job_process(job_id=job.pk, on_batch=kill_the_reader_twice)
    assert len(kills) == 2
    assert job.status == ImportJob.Status.COMPLETED, job.error_message
    assert (job.total_rows, job.processed_rows, job.created_rows, job.failed_rows) == (30_001, 30_001, 30_000, 1)
    assert Book.objects.count() == 30_000
    assert ImportRowError.objects.get(job=job).row_number == 30_002
    assert _children_since(started) == []


@pytest.mark.django_db
def test_a_reader_process_that_dies_every_time_fails_the_job_and_keeps_the_committed_batches(make_job, settings):
    settings.IMPORT_READER_PROCESS = True
    settings.IMPORT_BATCH_SIZE = 10
    # Far more batches than the pipe holds, so the child is still reading when it is killed.
    job = make_job(books_csv(30_000))
    started = time.time() - 1

    def kill_the_reader(result: BatchResult) -> None:
        for child in _children_since(started):
            child.kill()

    job = import_job_process(job_id=job.pk, on_batch=kill_the_reader)
    assert (job.status, job.failure_reason) == (ImportJob.Status.FAILED, "reader_failed")
    assert "stopped unexpectedly (killed by signal SIGKILL)" in job.error_message
    assert 0 < job.processed_rows < 30_000
    assert Book.objects.count() == job.created_rows == job.processed_rows == job.checkpoint_row - 1
    assert _children_since(started) == []


def _numbers_then_error() -> Iterator[int]:
    yield 1
    yield 2
    raise ValueError("no third")


def test_an_error_in_the_child_is_raised_in_the_parent_after_what_came_before():
    received: list[int] = []
    with (
        pytest.raises(ReaderProcessFailure, match="Reading the file failed: ValueError: no third"),
        ChildReader(_numbers_then_error) as source,
    ):
        received.extend(source)
    assert received == [1, 2]


def test_leaving_early_stops_the_child():
    started = time.time() - 1

    def endless() -> Iterator[bytes]:
        while True:
            yield b"x" * 10_000

    with ChildReader(endless) as source:
        assert next(iter(source)) == b"x" * 10_000
    assert _children_since(started) == []
