"""Which column of the file feeds which column of the dataset.

Order of precedence: the caller's ``column_mapping``, then a header with the column's own name,
then one of its aliases. Names compare trimmed and case-insensitively; an exact name is claimed
before any alias, so a file with both ``author`` and ``authors`` reads ``author``. A column the
mapping sets to an empty header is left empty: no name or alias claims it.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from datasets.registry import Dataset
from imports.pipeline.errors import InputRefused


@dataclass(frozen=True)
class ColumnResolution:
    indexes: dict[str, int]
    missing: list[str]
    ignored: list[str]
    header_count: int

    def mapping(self, *, dataset: Dataset, headers: list[str]) -> dict[str, str]:
        """Every dataset column -> the header it reads, as the file writes it, or "" if none."""
        return {c.name: headers[self.indexes[c.name]] if c.name in self.indexes else "" for c in dataset.columns}


def header_normalise(name: str) -> str:
    """A header as the matching compares it: trimmed, case-folded."""
    return name.strip().casefold()


def header_set(headers: list[str]) -> list[str]:
    """The headers of a file as a set the matching cannot tell apart: normalised, blanks left out,
    sorted. Two files with the same header set resolve their columns the same way."""
    return sorted({header_normalise(name) for name in headers if name.strip()})


def header_set_key(headers: list[str]) -> str:
    """A short fixed-size key of the header set, for storing and looking it up."""
    return hashlib.sha256(json.dumps(header_set(headers)).encode()).hexdigest()


def columns_resolve(*, dataset: Dataset, headers: list[str], column_mapping: Mapping[str, str]) -> ColumnResolution:
    positions: dict[str, int] = {}
    for index, name in enumerate(headers):
        positions.setdefault(header_normalise(name), index)
    taken: set[int] = set()
    indexes: dict[str, int] = {}
    left_empty: set[str] = set()

    problems: list[str] = []
    columns = {c.name for c in dataset.columns}
    for target, header in column_mapping.items():
        if target not in columns:
            problems.append(f"{target!r} is not a column of {dataset.name} (columns: {', '.join(sorted(columns))}).")
            continue
        if header is None or not str(header).strip():
            left_empty.add(target)
            continue
        found = positions.get(header_normalise(str(header)))
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
        index = positions.get(header_normalise(candidate))
        if index is None or index in taken:
            return False
        indexes[column] = index
        taken.add(index)
        return True

    unmapped = [c for c in dataset.columns if c.name not in indexes and c.name not in left_empty]
    for column in unmapped:
        claim(column.name, column.name)
    for column in unmapped:
        if column.name not in indexes:
            any(claim(column.name, alias) for alias in column.aliases)

    missing = [c.name for c in dataset.columns if c.required and c.name not in indexes]
    ignored = [name for index, name in enumerate(headers) if index not in taken and name.strip()]
    return ColumnResolution(indexes=indexes, missing=missing, ignored=ignored, header_count=len(headers))


# How alike a header and a column's name, label or alias must be (difflib's ratio, 0 to 1) to
# be suggested; "Book Title" for title (0.71) is, "notes" for title (0.4) is not.
SIMILARITY_CUTOFF = 0.7
_NOT_ALNUM = re.compile(r"[\W_]+")


def _loose(name: str) -> str:
    return _NOT_ALNUM.sub("", header_normalise(name))


@dataclass(frozen=True)
class Suggestion:
    index: int
    similarity: float


def columns_suggest(
    *, dataset: Dataset, headers: list[str], resolution: ColumnResolution, left_empty: Collection[str] = ()
) -> dict[str, Suggestion]:
    """Headers that look like the names of columns nothing feeds: only suggestions, which an
    upload reads only when its column_mapping names them.

    Only columns no mapping, name or alias fed (and not left empty on purpose), and only headers
    no column reads; each header is suggested once, the most alike pairs first.
    """
    taken = set(resolution.indexes.values())
    free = [(i, _loose(h)) for i, h in enumerate(headers) if i not in taken and _loose(h)]
    pairs: list[tuple[float, int, int, str]] = []
    for order, column in enumerate(dataset.columns):
        if column.name in resolution.indexes or column.name in left_empty:
            continue
        names = {_loose(n) for n in (column.name, column.label, *column.aliases) if n}
        for index, header in free:
            ratio = max(difflib.SequenceMatcher(None, header, name).ratio() for name in names)
            if ratio >= SIMILARITY_CUTOFF:
                # Ties go to the earlier column, then the earlier header.
                pairs.append((-ratio, order, index, column.name))
    suggestions: dict[str, Suggestion] = {}
    used: set[int] = set()
    for negative, _order, index, column_name in sorted(pairs):
        if column_name in suggestions or index in used:
            continue
        suggestions[column_name] = Suggestion(index=index, similarity=round(-negative, 3))
        used.add(index)
    return suggestions
