"""Reading files: no record is held longer than the limit, whatever the input."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from catalog.models import Book
from imports.models import ImportRowError
from tests.csv_files import isbn

pytestmark = pytest.mark.django_db

BACKEND = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("reader_process", [True, False])
def test_a_line_over_the_limit_is_a_row_error_and_the_rows_after_it_load(run_import, settings, reader_process):
    settings.IMPORT_READER_PROCESS = reader_process
    settings.IMPORT_MAX_FIELD_CHARS = 1000
    content = (
        "title,author,isbn,publication_year\n"
        f"First,Ann,{isbn(1)},1999\n"
        f"{'x' * 5000},Bob,{isbn(2)},2000\n"
        f"Third,Cy,{isbn(3)},2001\n"
        f'"A quoted\nfield",Dee,{isbn(4)},2002\n'
    ).encode()
    job = run_import(content)
    assert (job.status, job.total_rows, job.created_rows, job.failed_rows) == ("completed", 4, 3, 1)
    error = ImportRowError.objects.get(job=job)
    assert error.row_number == 3
    assert error.errors == {"__all__": ["the record is longer than the limit of 1000 characters; it was not read"]}
    assert sorted(Book.objects.values_list("title", flat=True)) == ["A quoted\nfield", "First", "Third"]


def test_an_upload_whose_header_is_over_the_limit_is_refused_naming_the_file(upload, settings):
    settings.IMPORT_MAX_FIELD_CHARS = 1000
    response = upload(b"title" + b"x" * 5000 + b",author\nA,B\n")
    assert response.status_code == 400
    assert "longer than the limit" in response.json()["error"]["fields"]["file"][0]


def test_reading_a_file_of_one_huge_line_keeps_memory_flat(tmp_path):
    huge = tmp_path / "one-line.csv"
    with huge.open("wb") as f:
        f.write(b"title,author,isbn,publication_year\n")
        chunk = b"y" * (1 << 20)
        for _ in range(300):  # 300 MiB without a newline
            f.write(chunk)
    script = textwrap.dedent(
        f"""
        from imports.pipeline.counting import records_count
        from imports.pipeline.reading import FileFormat, field_size_limit, header_read, records_iter
        fmt = FileFormat(encoding="utf-8", delimiter=",")
        opener = lambda: open({str(huge)!r}, "rb")
        with field_size_limit(131072):
            header = header_read(opener=opener, fmt=fmt)
            records = list(records_iter(opener=opener, fmt=fmt, header_row=header.row_number))
            count = records_count(opener=opener, fmt=fmt)
        # VmHWM, not ru_maxrss: the latter keeps the parent's peak across exec.
        peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
        print(len(records), count, type(records[0][1]).__name__, peak)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=BACKEND, capture_output=True, text=True, check=True)
    records, count, kind, peak_kib = done.stdout.split()
    assert (records, count, kind) == ("1", "1", "RecordReadError")
    assert int(peak_kib) < 100 * 1024, f"peak RSS {int(peak_kib) // 1024} MiB"
