"""A dataset and a column resolution compiled into one flat function per row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from datasets.columns import CellError
from datasets.registry import Dataset
from imports.pipeline.mapping import ColumnResolution
from imports.pipeline.results import RECORD, Errors

# Bytes the file's encoding could not decode arrive as lone surrogates (surrogateescape).
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class _Cell:
    name: str
    index: int | None
    parse: Any
    required: bool
    max_length: int | None


class RowValidator:
    """Turns a record's fields into the values to store, or the errors that reject it."""

    def __init__(self, *, dataset: Dataset, resolution: ColumnResolution, headers: list[str], encoding: str) -> None:
        self.width = resolution.header_count
        self.encoding = encoding
        self.headers = headers
        self.cells = tuple(
            _Cell(
                name=c.name,
                index=resolution.indexes.get(c.name),
                parse=c.parse,
                required=c.required,
                max_length=c.max_length,
            )
            for c in dataset.columns
        )
        self.key_positions = tuple(i for i, c in enumerate(dataset.columns) if c.name in dataset.key_columns)
        self.key_names = tuple(dataset.key_columns)

    def __call__(self, fields: list[str]) -> tuple[tuple[Any, ...] | None, Errors | None]:
        if len(fields) != self.width:
            return None, {RECORD: [f"expected {self.width} fields, got {len(fields)}"]}
        joined = "".join(fields)
        if (not joined.isascii() and _UNDECODABLE.search(joined)) or "\x00" in joined:
            return None, {RECORD: [self._unreadable(fields)]}

        values: list[Any] = []
        errors: Errors | None = None
        for cell in self.cells:
            if cell.index is None:
                values.append(None)
                continue
            raw = fields[cell.index].strip()
            if not raw:
                if cell.required:
                    errors = errors or {}
                    errors[cell.name] = ["is required"]
                values.append(None)
                continue
            if cell.max_length is not None and len(raw) > cell.max_length:
                errors = errors or {}
                errors[cell.name] = [f"must be at most {cell.max_length} characters (got {len(raw)})"]
                values.append(None)
                continue
            try:
                values.append(cell.parse(raw))
            except CellError as exc:
                errors = errors or {}
                errors[cell.name] = [str(exc)]
                values.append(None)
        if errors:
            return None, errors
        return tuple(values), None

    def key(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(values[i] for i in self.key_positions)

    def _unreadable(self, fields: list[str]) -> str:
        for header, value in zip(self.headers, fields, strict=True):
            if "\x00" in value:
                return f"column {header!r} contains a NUL character"
            if not value.isascii() and _UNDECODABLE.search(value):
                return f"column {header!r} holds bytes that are not valid {self.encoding}"
        return "the record holds bytes that cannot be read"
