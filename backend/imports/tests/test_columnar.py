"""The columnar fast path decides every record exactly as the csv path does.

Both paths read the same final copy (made by the sanitize step from the upload) and cut it into
batches; the batches must hold the same rejected rows (row numbers, stored text, messages), the
same tallies, the same valid rows with the same payload bytes, and the same fields for a row
the table might refuse. The counting pass on raw bytes must count what the csv module counts.
"""

from __future__ import annotations

import io
import struct
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from imports.models import ImportJob
from imports.pipeline.blocks import Block, blocks_iter, records_count_blocks
from imports.pipeline.counting import records_count
from imports.pipeline.reading import FileFormat, field_size_limit, header_read, records_iter
from imports.pipeline.run import JobPlan, final_format
from imports.pipeline.sanitizing import csv_sanitize
from tests.csv_files import HEADER, books_csv, isbn

pytestmark = pytest.mark.django_db

LIMIT = 60
BLOCK_SIZES = (64, 257, 4096, 1 << 20)


def sanitized(content: bytes, delimiter: str = ",") -> bytes:
    out = io.BytesIO()
    fmt = FileFormat(encoding="utf-8-sig" if content.startswith(b"\xef\xbb\xbf") else "utf-8", delimiter=delimiter)
    csv_sanitize(opener=lambda: io.BytesIO(content), fmt=fmt, out=out, limit=LIMIT)
    return out.getvalue()


def copy_rows(data: bytes) -> list[tuple[Any, ...]]:
    """The rows of a binary COPY payload, each field as its bytes (None for NULL), without the
    two timestamps (the moment of encoding)."""
    assert data[:11] == b"PGCOPY\n\xff\r\n\x00"
    (extension,) = struct.unpack_from(">i", data, 15)
    at = 19 + extension
    rows: list[tuple[Any, ...]] = []
    while True:
        (count,) = struct.unpack_from(">h", data, at)
        at += 2
        if count == -1:
            return rows
        fields: list[bytes | None] = []
        for _ in range(count):
            (size,) = struct.unpack_from(">i", data, at)
            at += 4
            if size == -1:
                fields.append(None)
            else:
                fields.append(data[at : at + size])
                at += size
        rows.append(tuple(fields[:-2]))


def decided(plan: JobPlan, final: bytes, *, fast: bool, block_bytes: int = 1 << 20, batch_size: int = 7) -> list[Any]:
    fmt = final_format(plan.delimiter)
    with field_size_limit(LIMIT):
        header = header_read(opener=lambda: io.BytesIO(final), fmt=fmt)
        assert header is not None
        if fast:
            parts = blocks_iter(
                stream=io.BytesIO(final),
                fmt=fmt,
                header_row=header.row_number,
                after_row=0,
                limit=LIMIT,
                block_bytes=block_bytes,
            )
            batches = list(plan.batches_columnar(parts, batch_size=batch_size))
        else:
            records = records_iter(opener=lambda: io.BytesIO(final), fmt=fmt, header_row=header.row_number)
            batches = list(plan.batches(records, batch_size=batch_size))
        out = []
        for batch in batches:
            result = batch.result
            rows = sorted(copy_rows(batch.rows.binary)) if batch.rows.row_numbers else []
            out.append(
                (
                    result.last_row,
                    dict(result.tally),
                    [(r.row_number, r.raw_data, r.errors) for r in result.rejected],
                    rows,
                    {r[0]: batch.fields_of(int.from_bytes(r[0], "big")) for r in rows},
                )
            )
    return out


@pytest.fixture
def plan(make_job, settings) -> JobPlan:
    settings.IMPORT_FAST_PATH = True
    settings.IMPORT_MAX_FIELD_CHARS = LIMIT
    job = make_job(books_csv(1))
    job = ImportJob.objects.get(pk=job.pk)
    found = JobPlan(job=job, headers=HEADER.split(","), fmt=final_format(","))
    assert found.columnar, "the books dataset takes the fast path"
    return found


def good(i: int) -> str:
    return f"Book {i},Author {i},{isbn(i)},{1900 + i % 100}"


EDGE_FILES = {
    "clean": "\n".join([HEADER, *(good(i) for i in range(40))]) + "\n",
    "no final newline": "\n".join([HEADER, *(good(i) for i in range(5))]),
    "crlf": "\r\n".join([HEADER, *(good(i) for i in range(9))]) + "\r\n",
    "bom": "\ufeff" + "\n".join([HEADER, *(good(i) for i in range(9))]) + "\n",
    "quoted newlines and quotes": "\n".join(
        [HEADER, good(1), f'"Two\nlines, ""quoted""",Author,{isbn(2)},2001', good(3), f'"",A,{isbn(4)},', good(5)]
    )
    + "\n",
    "stray quotes": "\n".join(
        [HEADER, good(1), f'Bo"ok,Author,{isbn(2)},2001', f'"Book"x,Author,{isbn(3)},2001', good(4), f'"open,{isbn(5)}']
    )
    + "\n",
    "nul and controls": "\n".join([HEADER, good(1), f"Bo\x00ok,Au\x07thor,{isbn(2)},2001", good(3)]) + "\n",
    "oversize": "\n".join(
        [HEADER, good(1), f"{'T' * (LIMIT + 5)},A,{isbn(2)},2001", good(3), f'"{"x" * 40}\n{"y" * 30}",A,{isbn(4)},1']
    )
    + "\n",
    "unicode spaces": "\n".join(
        [HEADER, f"\u00a0Book,Author,{isbn(1)},1999", f"Book\u2003,Author,{isbn(2)},1999", f"Bo\u3000ok,Au,{isbn(3)},1"]
    )
    + "\n",
    "isbn forms": "\n".join(
        [
            HEADER,
            "A,B,080442957X,1999",
            "A,B,0-8044-2957-X,1999",
            f"A,B,{isbn(7)[:-1]}0,1999",
            "A,B,9790000000001,1",
            "A,B,1234567890123,1",
            f"A,B, {isbn(8)},1",
            "A,B,9.78031E+12,1",
        ]
    )
    + "\n",
    "ragged": "\n".join([HEADER, good(1), "only,three,fields", good(2), "a,b,c,d,e", " ", good(3)]) + "\n",
    "blank lines": "\n\n" + "\n".join([HEADER, good(1), "", good(2), "", "", good(3)]) + "\n\n\n",
    "numbers": "\n".join(
        [
            HEADER,
            f"A,B,{isbn(1)},-3000",
            f"A,B,{isbn(2)},-3001",
            f"A,B,{isbn(3)},1997.0",
            f"A,B,{isbn(4)},007",
            f"A,B,{isbn(5)},99999999999999999999",
            f"A,B,{isbn(6)},+5",
            f"A,B,{isbn(7)},",
            f"A,B,{isbn(8)},x1",
        ]
    )
    + "\n",
    "required and lengths": "\n".join(
        [
            HEADER,
            f",B,{isbn(1)},1",
            f"A,,{isbn(2)},1",
            "A,B,,1",
            f"{'é' * 500},B,{isbn(3)},1",
            f"{'é' * 501},B,{isbn(4)},1",
        ]
    )
    + "\n",
    "duplicates": "\n".join([HEADER, good(1), good(2), good(1), f"Other,B,{isbn(1)},1", good(3), good(2)]) + "\n",
    "invalid utf-8": None,  # made below: bytes
}


def edge_bytes(name: str) -> bytes:
    if name == "invalid utf-8":
        return (
            f"{HEADER}\n{good(1)}\n".encode()
            + b"Bad \xff\xfe title,A,"
            + isbn(2).encode()
            + b",1\n"
            + f"{good(3)}\n".encode()
        )
    text = EDGE_FILES[name]
    assert text is not None
    return text.encode("utf-8")


@pytest.mark.parametrize("name", list(EDGE_FILES))
def test_edge_files_are_decided_alike_on_both_paths_at_every_block_size(plan, name):
    final = sanitized(edge_bytes(name))
    expected = decided(plan, final, fast=False)
    for block_bytes in BLOCK_SIZES:
        assert decided(plan, final, fast=True, block_bytes=block_bytes) == expected, block_bytes


@pytest.mark.parametrize("name", list(EDGE_FILES))
def test_the_counting_pass_on_raw_bytes_counts_what_the_csv_module_counts(name, settings):
    final = sanitized(edge_bytes(name))
    fmt = final_format(",")
    with field_size_limit(LIMIT):
        expected = records_count(opener=lambda: io.BytesIO(final), fmt=fmt)
        for block_bytes in BLOCK_SIZES:
            assert (
                records_count_blocks(stream=io.BytesIO(final), fmt=fmt, limit=LIMIT, block_bytes=block_bytes)
                == expected
            )


def test_a_clean_file_is_read_in_blocks_and_an_irregular_record_by_the_csv_module(plan):
    final = sanitized(EDGE_FILES["stray quotes"].encode())  # type: ignore[union-attr]
    fmt = final_format(",")
    parts = list(blocks_iter(stream=io.BytesIO(final), fmt=fmt, header_row=1, after_row=0, limit=LIMIT))
    blocks = [p for p in parts if isinstance(p, Block)]
    assert blocks and blocks[0].first_row == 2 and blocks[0].count == 1, "the row before the stray quote is a block"
    final = sanitized(EDGE_FILES["clean"].encode())  # type: ignore[union-attr]
    parts = list(blocks_iter(stream=io.BytesIO(final), fmt=fmt, header_row=1, after_row=0, limit=LIMIT))
    assert [type(p) for p in parts] == [Block]
    assert isinstance(parts[0], Block) and parts[0].count == 40


def test_reading_resumes_after_a_checkpoint_inside_a_block(plan):
    final = sanitized(EDGE_FILES["clean"].encode())  # type: ignore[union-attr]
    fmt = final_format(",")
    parts = list(
        blocks_iter(stream=io.BytesIO(final), fmt=fmt, header_row=1, after_row=17, limit=LIMIT, block_bytes=300)
    )
    rows = [p.first_row + i for p in parts if isinstance(p, Block) for i in range(p.count)]
    assert rows == list(range(18, 42))


# ---- differential fuzzing --------------------------------------------------------------------

_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "Book",
            "A, B",
            'Say "hi"',
            "two\nlines",
            "\u00a0x",
            "x\u2003",
            "é" * 3,
            "X" * (LIMIT + 1),
            '"',
            'a"b',
            "\x00",
            "\r",
            "\r\n",
            "1997",
            "-3000",
            "3000",
            "1997.0",
            "007",
            "+1",
            "12345678901234567890",
            "080442957X",
            "0-8044-2957-X",
            "9.78031E+12",
            isbn(1),
            isbn(2),
            isbn(3),
            f" {isbn(4)}",
            "9780000000001",
        ]
    ),
    st.text(alphabet=st.sampled_from(list('ab ,"\n\r;éX0123456789\u00a0\t-')), max_size=12),
)


def _cell_text(cell: str) -> str:
    if any(c in cell for c in ',"\n\r') and cell != '"' and not cell.startswith('a"'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def _row(draw: Any) -> list[str]:
    """Mostly a valid row with a cell or two replaced, so the checks that accept rows are tested
    on rows that are nearly acceptable; sometimes a row of any width."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.lists(_CELLS, min_size=0, max_size=6))
    i = draw(st.integers(0, 12))
    row = [f"Book {i}", "Author", isbn(i), str(1900 + i)]
    for _ in range(draw(st.integers(0, 2))):
        row[draw(st.integers(0, 3))] = draw(_CELLS)
    return row


_ROWS = st.lists(_row(), max_size=30)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_ROWS, block_bytes=st.sampled_from((32, 100, 1000, 1 << 20)), batch_size=st.sampled_from((1, 3, 50)),
       crlf=st.booleans(), raw=st.booleans())  # fmt: skip
def test_generated_files_are_decided_alike_on_both_paths(plan, rows, block_bytes, batch_size, crlf, raw):
    newline = "\r\n" if crlf else "\n"
    lines = [HEADER] + [",".join(cell if raw else _cell_text(cell) for cell in row) for row in rows]
    final = sanitized((newline.join(lines) + newline).encode("utf-8"))
    expected = decided(plan, final, fast=False, batch_size=batch_size)
    assert decided(plan, final, fast=True, block_bytes=block_bytes, batch_size=batch_size) == expected
    fmt = final_format(",")
    with field_size_limit(LIMIT):
        assert records_count_blocks(
            stream=io.BytesIO(final), fmt=fmt, limit=LIMIT, block_bytes=block_bytes
        ) == records_count(opener=lambda: io.BytesIO(final), fmt=fmt)
