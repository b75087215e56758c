"""ISBN rules: accept ISBN-10 or ISBN-13 as people type them, store ISBN-13 digits."""

from __future__ import annotations

import re

from datasets.columns import CellError

_SEPARATORS = re.compile(r"[\s\-]+")
_SCIENTIFIC = re.compile(r"^[0-9]\.[0-9]+[eE]\+?[0-9]+$")


def isbn13_check_digit(first12: str) -> str:
    # Sums of ASCII codes (C loops over bytes) instead of a digit-by-digit generator: this runs
    # once per imported row. Each of the 12 digits is its code minus 48, weighted 1, 3, 1, 3 ...
    codes = first12.encode("ascii")
    total = sum(codes[0:12:2]) + 3 * sum(codes[1:12:2]) - 48 * 24
    return str((10 - total % 10) % 10)


def isbn10_is_valid(isbn: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(isbn[:9]))
    total += 10 if isbn[9] in "Xx" else int(isbn[9])
    return total % 11 == 0


def isbn_normalise(value: str) -> str:
    """Return the ISBN-13 of ``value`` or raise CellError saying what is wrong with it."""
    if len(value) == 13 and value.isascii() and value.isdigit() and value.startswith(("978", "979")):
        # The common case, already normalised: only the check digit is left to verify.
        if isbn13_check_digit(value[:12]) != value[12]:
            raise CellError(f"{value!r} has a wrong ISBN-13 check digit")
        return value
    if _SCIENTIFIC.match(value):
        raise CellError(
            f"{value!r} looks like a number a spreadsheet rewrote in scientific notation; "
            "format the column as text and export again"
        )
    isbn = _SEPARATORS.sub("", value)
    if len(isbn) == 10:
        if not (isbn[:9].isdigit() and isbn.isascii() and (isbn[9].isdigit() or isbn[9] in "Xx")):
            raise CellError(f"{value!r} is not an ISBN: an ISBN-10 is 9 digits then a digit or X")
        if not isbn10_is_valid(isbn):
            raise CellError(f"{value!r} has a wrong ISBN-10 check digit")
        core = "978" + isbn[:9]
        return core + isbn13_check_digit(core)
    if len(isbn) == 13:
        if not (isbn.isdigit() and isbn.isascii()):
            raise CellError(f"{value!r} is not an ISBN: an ISBN-13 is 13 digits")
        if not isbn.startswith(("978", "979")):
            raise CellError(f"{value!r} is not an ISBN: an ISBN-13 starts with 978 or 979")
        if isbn13_check_digit(isbn[:12]) != isbn[12]:
            raise CellError(f"{value!r} has a wrong ISBN-13 check digit")
        return isbn
    if not isbn.isascii() or not isbn.replace("X", "").replace("x", "").isdigit():
        raise CellError(f"{value!r} is not an ISBN: it may hold only digits, hyphens, spaces and a final X")
    raise CellError(f"{value!r} is not an ISBN: it has {len(isbn)} digits, not 10 or 13")


# The columnar fast path accepts in bulk what the first branch above takes (imports/pipeline/columnar.py).
isbn_normalise.columnar = ("isbn13",)  # type: ignore[attr-defined]
