"""A dataset and a column resolution compiled into one flat function per row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from datasets.columns import CellError, ParseOptions, parser_for_job, text
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


def _error_add(errors: Errors | None, name: str, message: str) -> Errors:
    if errors is None:
        errors = {}
    errors[name] = [message]
    return errors


class RowValidator:
    """Turns a record's fields into the values to store, or the errors that reject it.

    The dataset's columns are compiled once per job into one flat Python function (no loop over
    cells, no per-cell objects, identity parsers skipped, callable bounds resolved), because it
    runs once per row of files with millions of rows.
    """

    def __init__(
        self,
        *,
        dataset: Dataset,
        resolution: ColumnResolution,
        headers: list[str],
        encoding: str,
        options: ParseOptions,
    ) -> None:
        self.width = resolution.header_count
        self.encoding = encoding
        self.headers = headers
        self.cells = tuple(
            _Cell(
                name=c.name,
                index=resolution.indexes.get(c.name),
                parse=parser_for_job(c.parse, options),
                required=c.required,
                max_length=c.max_length,
            )
            for c in dataset.columns
        )
        self.key_positions = tuple(i for i, c in enumerate(dataset.columns) if c.name in dataset.file_key_columns)
        self.hook_positions = tuple(
            next(i for i, c in enumerate(dataset.columns) if c.name == name) for name in dataset.hook_columns
        )
        self.validate = self._compile()

    def _compile(self) -> Any:
        namespace: dict[str, Any] = {
            "CellError": CellError,
            "_error_add": _error_add,
            "_ragged": self._ragged,
            "_unreadable": self._unreadable,
            "_UNDECODABLE": _UNDECODABLE,
        }
        lines = [
            "def validate(fields):",
            f"    if len(fields) != {self.width}:",
            "        return None, _ragged(fields)",
            '    joined = "".join(fields)',
            '    if (not joined.isascii() and _UNDECODABLE.search(joined)) or "\\x00" in joined:',
            "        return None, _unreadable(fields)",
            "    errors = None",
        ]
        names = []
        for i, cell in enumerate(self.cells):
            v = f"v{i}"
            names.append(v)
            if cell.index is None:
                lines.append(f"    {v} = None")
                continue
            lines += [f"    {v} = fields[{cell.index}].strip()", f"    if not {v}:", f"        {v} = None"]
            if cell.required:
                lines.append(f"        errors = _error_add(errors, {cell.name!r}, 'is required')")
            if cell.max_length is not None:
                lines += [
                    f"    elif len({v}) > {cell.max_length}:",
                    f"        errors = _error_add(errors, {cell.name!r}, "
                    f"'must be at most {cell.max_length} characters (got %d)' % len({v}))",
                    f"        {v} = None",
                ]
            if cell.parse is not text:
                namespace[f"parse{i}"] = cell.parse
                lines += [
                    "    else:",
                    "        try:",
                    f"            {v} = parse{i}({v})",
                    "        except CellError as exc:",
                    f"            errors = _error_add(errors, {cell.name!r}, str(exc))",
                    f"            {v} = None",
                ]
        lines += ["    if errors:", "        return None, errors", f"    return ({', '.join(names)},), None"]
        exec(compile("\n".join(lines), f"<validator {'/'.join(c.name for c in self.cells)}>", "exec"), namespace)
        return namespace["validate"]

    def __call__(self, fields: list[str]) -> tuple[tuple[Any, ...] | None, Errors | None]:
        result: tuple[tuple[Any, ...] | None, Errors | None] = self.validate(fields)
        return result

    def key(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(values[i] for i in self.key_positions)

    def key_function(self) -> Any:
        """``key`` as one flat function, for the per-row loop."""
        return _picker(self.key_positions)

    def hook_function(self) -> Any:
        """The values a dataset's batch hook needs from a row, as one flat function."""
        return _picker(self.hook_positions)

    def _ragged(self, fields: list[str]) -> Errors:
        return {RECORD: [f"expected {self.width} fields, got {len(fields)}"]}

    def _unreadable_message(self, fields: list[str]) -> str:
        for header, value in zip(self.headers, fields, strict=True):
            if "\x00" in value:
                return f"column {header!r} contains a NUL character"
            if not value.isascii() and _UNDECODABLE.search(value):
                return f"column {header!r} holds bytes that are not valid {self.encoding}"
        return "the record holds bytes that cannot be read"

    def _unreadable(self, fields: list[str]) -> Errors:
        return {RECORD: [self._unreadable_message(fields)]}


def _picker(positions: tuple[int, ...]) -> Any:
    namespace: dict[str, Any] = {}
    items = "".join(f"values[{i}], " for i in positions)
    exec(f"def pick(values):\n    return ({items})", namespace)
    return namespace["pick"]
