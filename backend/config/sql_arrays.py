"""Lists as one PostgreSQL array literal in a query (``'{…}'::integer[]``).

psycopg2 writes a Python list as ``ARRAY[a, b, …]``: for the thousands of row numbers or card
ids of a batch, PostgreSQL then parses and plans thousands of constants, in every statement of
every batch (about 10 ms a statement at 10 000 values). One literal is read by the array type's
input function at once.
"""

from __future__ import annotations

from typing import Any

from psycopg2.extensions import QuotedString, register_adapter


class IntegerArray(list[int]):
    """Integers as ``'{1,2,3}'::integer[]``."""


class TextArray(list[str]):
    """Texts as ``'{"a","b"}'::text[]``, each element quoted, so any text is read back as it is."""


class _ArrayLiteral:
    def __init__(self, literal: str, cast: str) -> None:
        self._quoted = QuotedString(literal)
        self._cast = cast

    def prepare(self, connection: Any) -> None:
        # The connection's encoding, as for any text parameter.
        self._quoted.prepare(connection)

    def getquoted(self) -> bytes:
        return self._quoted.getquoted() + b"::" + self._cast.encode()


def _element(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _integers(values: IntegerArray) -> _ArrayLiteral:
    return _ArrayLiteral("{" + ",".join(str(int(v)) for v in values) + "}", "integer[]")


def _texts(values: TextArray) -> _ArrayLiteral:
    return _ArrayLiteral("{" + ",".join(_element(v) for v in values) + "}", "text[]")


register_adapter(IntegerArray, _integers)
register_adapter(TextArray, _texts)
