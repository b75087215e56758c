"""The columnar fast path of pass 2: a regular block of records read by pyarrow, checked column by
column with compute kernels that only *accept* rows.

A row is accepted when every cell is one the row validator would take unchanged (no surrounding
whitespace, within its length, the plain form of its type) or leave empty (an optional column),
so its values are known without running the validator. Every other row, ragged ones included,
goes through the validator with the csv module's reading of its record, so its errors and values
are exactly the csv path's. Only datasets whose every column has an acceptor take this path.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from datasets.columns import text
from datasets.registry import Dataset
from imports.pipeline.blocks import Block
from imports.pipeline.mapping import ColumnResolution


def _python_whitespace_class() -> str:
    """An RE2 character class of exactly the characters ``str.strip()`` removes."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in spaces) + "]"


_WHITESPACE = _python_whitespace_class()
_EDGE_WHITESPACE = f"^{_WHITESPACE}|{_WHITESPACE}$"
_INTEGER = r"^-?[0-9]{1,18}$"
_ISBN13 = r"^97[89][0-9]{10}$"

# The arrow type of a database column, for the binary COPY payload.
_DB_ARROW_TYPES: dict[str, pa.DataType] = {
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "smallint": pa.int16(),
    "text": pa.string(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp with time zone": pa.timestamp("us", tz="UTC"),
    "uuid": pa.binary(),
}


def arrow_type_for(db_type: str) -> pa.DataType | None:
    """The arrow type whose binary COPY encoding is the column's, or None (COPY it as text)."""
    if db_type.startswith("varchar("):
        return pa.string()
    if db_type.startswith("numeric("):
        precision, scale = (int(p) for p in db_type[len("numeric(") : -1].split(","))
        return pa.decimal128(precision, scale) if precision <= 38 else None
    return _DB_ARROW_TYPES.get(db_type)


@dataclass(frozen=True)
class _Acceptor:
    kind: str  # "text" | "integer" | "isbn13"
    index: int | None  # the file column, or None: not in the file (always empty)
    required: bool
    max_length: int | None
    minimum: int | None = None
    maximum: int | None = None


def _acceptor_for(parse: Any, *, index: int | None, required: bool, max_length: int | None) -> _Acceptor | None:
    if parse is text:
        return _Acceptor("text", index, required, max_length)
    declared = getattr(parse, "columnar", None)
    if declared is None:
        return None
    kind, *bounds = declared
    if kind == "integer":
        return _Acceptor("integer", index, required, max_length, minimum=bounds[0], maximum=bounds[1])
    if kind == "isbn13":
        return _Acceptor("isbn13", index, required, max_length)
    return None


@dataclass(slots=True)
class BlockRows:
    """A block read and checked: which of its records were accepted, and their values."""

    block: Block
    accepted: np.ndarray  # bool per record
    # Per dataset column, the values of the accepted records in order (``accepted.sum()`` long).
    values: list[pa.Array]
    # The number of accepted records before each record, to slice ``values`` by record ranges.
    accepted_before: np.ndarray


class ColumnarReader:
    """Reads regular blocks of one job's final copy; built once per job."""

    def __init__(
        self,
        *,
        dataset: Dataset,
        resolution: ColumnResolution,
        delimiter: str,
        parsers: list[Any],
        arrow_types: list[pa.DataType],
    ) -> None:
        self.width = resolution.header_count
        self.names = [f"f{i}" for i in range(self.width)]
        acceptors = [
            _acceptor_for(
                parse,
                index=resolution.indexes.get(column.name),
                required=column.required,
                max_length=column.max_length,
            )
            for column, parse in zip(dataset.columns, parsers, strict=True)
        ]
        self.acceptors = [a for a in acceptors if a is not None]
        self.usable = len(self.acceptors) == len(acceptors) and len(delimiter) == 1 and delimiter not in '"\r\n'
        self.arrow_types = arrow_types
        self.parse_options = dict(
            delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False, newlines_in_values=True
        )
        self.convert_options = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in self.names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )

    def read(self, block: Block) -> BlockRows:
        ragged: list[int] = []

        def invalid_row(row: Any) -> str:
            ragged.append(row.number - 1)
            return "skip"

        table = pacsv.read_csv(
            pa.py_buffer(block.data),
            read_options=pacsv.ReadOptions(
                use_threads=False, column_names=self.names, block_size=max(len(block.data) + 1, 1 << 16)
            ),
            parse_options=pacsv.ParseOptions(**self.parse_options, invalid_row_handler=invalid_row),
            convert_options=self.convert_options,
        )
        count = block.count
        if table.num_rows + len(ragged) != count:
            raise AssertionError(f"pyarrow read {table.num_rows} + {len(ragged)} records of {count}")
        fields = [table.column(i).combine_chunks() for i in range(self.width)]
        rows = table.num_rows
        ok = np.ones(rows, dtype=bool)
        values: list[pa.Array] = []
        for acceptor, arrow_type in zip(self.acceptors, self.arrow_types, strict=True):
            if acceptor.index is None:
                if acceptor.required:
                    ok[:] = False
                values.append(pa.nulls(rows, arrow_type))
                continue
            column_ok, column_values = _accept(acceptor, fields[acceptor.index], arrow_type)
            ok &= column_ok
            values.append(column_values)
        accepted = np.zeros(count, dtype=bool)
        kept = np.delete(np.arange(count), ragged) if ragged else np.arange(count)
        accepted[kept[ok]] = True
        mask = pa.array(ok)
        values = [v.filter(mask) for v in values]
        accepted_before = np.concatenate(([0], np.cumsum(accepted)))
        return BlockRows(block=block, accepted=accepted, values=values, accepted_before=accepted_before)


def _accept(acceptor: _Acceptor, field: pa.Array, arrow_type: pa.DataType) -> tuple[np.ndarray, pa.Array]:
    """Which cells the validator would take as they are, and their values (any where not taken)."""
    length = pc.utf8_length(field)
    empty = pc.equal(length, 0)
    clean = pc.invert(pc.match_substring_regex(field, _EDGE_WHITESPACE))
    if acceptor.kind == "text":
        ok = clean
        if acceptor.max_length is not None:
            ok = pc.and_(ok, pc.less_equal(length, acceptor.max_length))
        value = field
    elif acceptor.kind == "integer":
        digits = pc.match_substring_regex(field, _INTEGER)
        numbers = pc.cast(pc.if_else(digits, field, "0"), pa.int64())
        ok = digits
        if acceptor.minimum is not None:
            ok = pc.and_(ok, pc.greater_equal(numbers, acceptor.minimum))
        if acceptor.maximum is not None:
            ok = pc.and_(ok, pc.less_equal(numbers, acceptor.maximum))
        if acceptor.max_length is not None:
            ok = pc.and_(ok, pc.less_equal(length, acceptor.max_length))
        if pa.types.is_integer(arrow_type):
            # A number the column cannot hold: the validator's path (and the database) decide.
            info = np.iinfo(f"int{arrow_type.bit_width}")
            ok = pc.and_(ok, pc.and_(pc.greater_equal(numbers, int(info.min)), pc.less_equal(numbers, int(info.max))))
        value = pc.cast(pc.if_else(ok, numbers, 0), arrow_type)
    else:  # isbn13: the validator's first branch, 13 digits with the right check digit
        shaped = pc.match_substring_regex(field, _ISBN13)
        digits = _fixed_digits(pc.if_else(shaped, field, "9780000000002"), 13)
        total = digits[:, 0:12:2].sum(axis=1) + 3 * digits[:, 1:12:2].sum(axis=1)
        check = (10 - total % 10) % 10
        ok = pc.and_(shaped, pa.array(check == digits[:, 12]))
        if acceptor.max_length is not None:
            ok = pc.and_(ok, pc.less_equal(length, acceptor.max_length))
        value = field
    # An empty cell is None for an optional column and an error for a required one.
    filled = pc.and_(ok, pc.invert(empty))
    accepted = filled if acceptor.required else pc.or_(filled, empty)
    value = pc.if_else(empty, pa.scalar(None, value.type), value)
    if value.type != arrow_type:
        value = pc.cast(value, arrow_type)
    return np.asarray(accepted.to_numpy(zero_copy_only=False), dtype=bool), value


def _fixed_digits(field: pa.Array, width: int) -> np.ndarray:
    """Strings all ``width`` ASCII digits long, as a (rows, width) array of digit values."""
    field = pa.array(field.to_pylist(), pa.string()) if field.offset else field
    offsets = np.frombuffer(field.buffers()[1], dtype=np.int32)[: len(field) + 1]
    data = np.frombuffer(field.buffers()[2], dtype=np.uint8)
    start = int(offsets[0])
    return data[start : start + width * len(field)].reshape(len(field), width).astype(np.int64) - 48


def record_fields(block: Block, i: int, dialect: dict[str, object]) -> list[str]:
    """The fields of a block's record as the csv module reads them."""
    lines = block.record_text(i).splitlines(keepends=True) or [""]
    return next(csv.reader(lines, **dialect), [])  # type: ignore[arg-type]
