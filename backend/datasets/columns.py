"""Column types for dataset declarations.

A parser receives the trimmed, non-empty cell text and returns the stored value, or raises
``CellError`` with a message a person can act on. Parsers are plain functions so a job can
compile a dataset into one flat per-row function.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class CellError(ValueError):
    """A cell's value is not acceptable; the message names what is wrong."""


Parser = Callable[[str], Any]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    parse: Parser
    label: str = ""
    required: bool = False
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    example: str = ""
    # The model field that receives the value; defaults to the column name.
    field: str = ""

    @property
    def model_field(self) -> str:
        return self.field or self.name

    @property
    def display_label(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


def text(value: str) -> str:
    return value


_INTEGRAL = re.compile(r"[+-]?[0-9]+(?:\.0*)?")


def integer(*, minimum: int | None = None, maximum: Callable[[], int] | int | None = None) -> Parser:
    """An integer, also written as an integral decimal such as ``1997.0`` (spreadsheets do that).

    The returned parser has a ``for_job()`` method giving the same parser with a callable bound
    resolved once, so an import does not ask the clock for "next year" on every row.
    """

    def bound(upper: int | None) -> Parser:
        def parse_bound(value: str) -> int:
            if value.isascii() and value.isdigit():
                number = int(value)
            elif _INTEGRAL.fullmatch(value):
                number = int(value.split(".", 1)[0])
            else:
                raise CellError(f"must be a whole number, got {value!r}")
            if (minimum is not None and number < minimum) or (upper is not None and number > upper):
                raise CellError(f"must be between {minimum} and {upper}, got {number}")
            return number

        return parse_bound

    def parse(value: str) -> int:
        return bound(maximum() if callable(maximum) else maximum)(value)

    parse.for_job = lambda: bound(maximum() if callable(maximum) else maximum)  # type: ignore[attr-defined]
    return parse
