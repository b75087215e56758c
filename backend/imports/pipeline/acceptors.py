"""Which datasets the columnar fast path can take, decided without its heavy libraries.

The web process and the worker's own process build a job's plan too (and the worker forks the
process that reads the file); they need to know whether the fast path applies and what the
binary payload's types are, but not pyarrow or numpy, which only the reading side imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from datasets.columns import text
from datasets.registry import Dataset
from imports.pipeline.mapping import ColumnResolution

# The arrow type (by name, see ``columnar.arrow_type``) whose binary COPY encoding is the
# database column's.
_DB_ARROW_TYPES = {
    "integer": "int32",
    "bigint": "int64",
    "smallint": "int16",
    "text": "string",
    "boolean": "bool_",
    "date": "date32",
    "timestamp with time zone": "timestamp_utc",
    "uuid": "binary",
}


def arrow_type_name(db_type: str) -> str | None:
    """The arrow type for a database column's binary COPY, or None (COPY the batch as text)."""
    if db_type.startswith("varchar("):
        return "string"
    if db_type.startswith("numeric("):
        precision, scale = (int(p) for p in db_type[len("numeric(") : -1].split(","))
        return f"decimal128({precision},{scale})" if precision <= 38 else None
    return _DB_ARROW_TYPES.get(db_type)


@dataclass(frozen=True)
class Acceptor:
    """How the columnar checks accept one dataset column's cells."""

    kind: str  # "text" | "integer" | "isbn13"
    index: int | None  # the file column, or None: not in the file (always empty)
    required: bool
    max_length: int | None
    minimum: int | None = None
    maximum: int | None = None


def _acceptor_for(parse: Any, *, index: int | None, required: bool, max_length: int | None) -> Acceptor | None:
    if parse is text:
        return Acceptor("text", index, required, max_length)
    # A parser declares what the columnar checks may accept in bulk (see datasets.columns).
    declared = getattr(parse, "columnar", None)
    if declared is None:
        return None
    kind, *bounds = declared
    if kind == "integer":
        return Acceptor("integer", index, required, max_length, minimum=bounds[0], maximum=bounds[1])
    if kind == "isbn13":
        return Acceptor("isbn13", index, required, max_length)
    return None


def acceptors_for(*, dataset: Dataset, resolution: ColumnResolution, parsers: list[Any]) -> list[Acceptor] | None:
    """An acceptor per dataset column, or None when a column has none (the csv path serves)."""
    found = []
    for column, parse in zip(dataset.columns, parsers, strict=True):
        acceptor = _acceptor_for(
            parse, index=resolution.indexes.get(column.name), required=column.required, max_length=column.max_length
        )
        if acceptor is None:
            return None
        found.append(acceptor)
    return found


def columnar_usable(*, dataset: Dataset, resolution: ColumnResolution, parsers: list[Any], delimiter: str) -> bool:
    return (
        len(delimiter) == 1
        and delimiter not in '"\r\n'
        and acceptors_for(dataset=dataset, resolution=resolution, parsers=parsers) is not None
    )
