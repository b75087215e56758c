"""Which column of the file feeds which column of the dataset.

Order of precedence: the caller's ``column_mapping``, then a header with the column's own name,
then one of its aliases. Names compare trimmed and case-insensitively; an exact name is claimed
before any alias, so a file with both ``author`` and ``authors`` reads ``author``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from datasets.registry import Dataset
from imports.pipeline.errors import InputRefused


@dataclass(frozen=True)
class ColumnResolution:
    indexes: dict[str, int]
    missing: list[str]
    ignored: list[str]
    header_count: int


def _norm(name: str) -> str:
    return name.strip().casefold()


def columns_resolve(*, dataset: Dataset, headers: list[str], column_mapping: Mapping[str, str]) -> ColumnResolution:
    positions: dict[str, int] = {}
    for index, name in enumerate(headers):
        positions.setdefault(_norm(name), index)
    taken: set[int] = set()
    indexes: dict[str, int] = {}

    problems: list[str] = []
    columns = {c.name for c in dataset.columns}
    for target, header in column_mapping.items():
        if target not in columns:
            problems.append(f"{target!r} is not a column of {dataset.name} (columns: {', '.join(sorted(columns))}).")
            continue
        if header is None or not str(header).strip():
            continue
        found = positions.get(_norm(str(header)))
        if found is None:
            problems.append(f"{target!r} is mapped to {header!r}, which is not a header of the file.")
            continue
        indexes[target] = found
        taken.add(found)
    if problems:
        shown = ", ".join(headers)
        raise InputRefused(
            problems[0] + f" Headers found: {shown}.",
            code="invalid_column_mapping",
            field="column_mapping",
            details=problems,
        )

    def claim(column: str, candidate: str) -> bool:
        index = positions.get(_norm(candidate))
        if index is None or index in taken:
            return False
        indexes[column] = index
        taken.add(index)
        return True

    for column in dataset.columns:
        if column.name not in indexes:
            claim(column.name, column.name)
    for column in dataset.columns:
        if column.name not in indexes:
            any(claim(column.name, alias) for alias in column.aliases)

    missing = [c.name for c in dataset.columns if c.required and c.name not in indexes]
    ignored = [name for index, name in enumerate(headers) if index not in taken and name.strip()]
    return ColumnResolution(indexes=indexes, missing=missing, ignored=ignored, header_count=len(headers))
