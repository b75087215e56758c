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
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from datasets.registry import Dataset
from imports.pipeline.acceptors import Acceptor, acceptors_for
from imports.pipeline.blocks import Block
from imports.pipeline.mapping import ColumnResolution

# The bytes below 0x80 that ``str.strip()`` removes, by byte value.
_ASCII_SPACE = np.array([chr(b).isspace() if b < 0x80 else False for b in range(256)], dtype=bool)


# The arrow type of a database column, for the binary COPY payload.
def arrow_type(name: str) -> pa.DataType:
    """The arrow type named by ``acceptors.arrow_type_name``."""
    if name.startswith("decimal128("):
        precision, scale = (int(p) for p in name[len("decimal128(") : -1].split(","))
        return pa.decimal128(precision, scale)
    if name == "timestamp_utc":
        return pa.timestamp("us", tz="UTC")
    return getattr(pa, name)()


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
        arrow_types: list[str],
    ) -> None:
        self.width = resolution.header_count
        self.names = [f"f{i}" for i in range(self.width)]
        acceptors = acceptors_for(dataset=dataset, resolution=resolution, parsers=parsers)
        assert acceptors is not None, "columnar_usable() said yes"
        self.acceptors = acceptors
        self.arrow_types = [arrow_type(name) for name in arrow_types]
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


def _string_parts(field: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A string array's bytes, and the offsets where each string starts and ends in them."""
    offsets = np.frombuffer(field.buffers()[1], dtype=np.int32)[field.offset : field.offset + len(field) + 1]
    data_buffer = field.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(1, np.uint8)
    if not len(data):
        data = np.zeros(1, np.uint8)
    return data, offsets[:-1].astype(np.int64), offsets[1:].astype(np.int64)


def _texts(field: pa.Array, rows: np.ndarray) -> list[str]:
    return field.take(pa.array(rows, pa.int64())).to_pylist()


def _accept(acceptor: Acceptor, field: pa.Array, arrow_type: pa.DataType) -> tuple[np.ndarray, pa.Array]:
    """Which cells the validator would take as they are, and their values (any where not taken)."""
    data, starts, ends = _string_parts(field)
    sizes = ends - starts
    empty = sizes == 0
    filled = ~empty
    last_index = len(data) - 1
    first = np.where(filled, data[np.minimum(starts, last_index)], 0)
    last = np.where(filled, data[np.clip(ends - 1, 0, last_index)], 0)
    # Surrounding whitespace (the validator strips it): ASCII by a table; a cell starting or
    # ending with a multi-byte character is asked of Python itself, so the set is exactly str's.
    clean = filled & ~_ASCII_SPACE[first] & ~_ASCII_SPACE[last]
    wide = np.flatnonzero(clean & ((first >= 0x80) | (last >= 0x80)))
    if len(wide):
        spaced = [t[0].isspace() or t[-1].isspace() for t in _texts(field, wide)]
        clean[wide[np.array(spaced, dtype=bool)]] = False
    if acceptor.kind == "text":
        ok = clean
        if acceptor.max_length is not None:
            # Bytes are at least characters: only a cell longer in bytes needs counting.
            long = np.flatnonzero(ok & (sizes > acceptor.max_length))
            if len(long):
                over = [len(t) > acceptor.max_length for t in _texts(field, long)]
                ok[long[np.array(over, dtype=bool)]] = False
        value: pa.Array = field
    elif acceptor.kind == "integer":
        ok = clean & (sizes <= 18) & np.asarray(pc.ascii_is_decimal(field).to_numpy(zero_copy_only=False), dtype=bool)
        if acceptor.max_length is not None:
            ok &= sizes <= acceptor.max_length
        numbers = np.zeros(len(field), dtype=np.int64)
        picked = np.flatnonzero(ok)
        if len(picked):
            numbers[picked] = pc.cast(field.take(pa.array(picked, pa.int64())), pa.int64()).to_numpy()
        if acceptor.minimum is not None:
            ok &= numbers >= acceptor.minimum
        if acceptor.maximum is not None:
            ok &= numbers <= acceptor.maximum
        if pa.types.is_integer(arrow_type):
            # A number the column cannot hold: the validator's path (and the database) decide.
            info = np.iinfo(f"int{arrow_type.bit_width}")
            ok &= (numbers >= int(info.min)) & (numbers <= int(info.max))
        value = pa.array(np.where(ok, numbers, 0)).cast(arrow_type)
    else:  # isbn13: the validator's first branch, 13 digits with the right check digit
        ok = clean & (sizes == 13)
        picked = np.flatnonzero(ok)
        positions = starts[picked][:, None] + np.arange(13)
        digits = data[np.minimum(positions, last_index)].astype(np.int64) - 48
        shaped = ((digits >= 0) & (digits <= 9)).all(axis=1)
        shaped &= (digits[:, 0] == 9) & (digits[:, 1] == 7) & ((digits[:, 2] == 8) | (digits[:, 2] == 9))
        total = digits[:, 0:12:2].sum(axis=1) + 3 * digits[:, 1:12:2].sum(axis=1)
        shaped &= (10 - total % 10) % 10 == digits[:, 12]
        ok[picked[~shaped]] = False
        if acceptor.max_length is not None:
            ok &= sizes <= acceptor.max_length
        value = field
    # An empty cell is None for an optional column and an error for a required one.
    accepted = ok if acceptor.required else ok | empty
    if empty.any():
        value = pc.if_else(pa.array(empty), pa.scalar(None, value.type), value)
    if value.type != arrow_type:
        value = pc.cast(value, arrow_type)
    return accepted, value


def record_fields(block: Block, i: int, dialect: dict[str, object]) -> list[str]:
    """The fields of a block's record as the csv module reads them."""
    lines = block.record_text(i).splitlines(keepends=True) or [""]
    return next(csv.reader(lines, **dialect), [])  # type: ignore[arg-type]
