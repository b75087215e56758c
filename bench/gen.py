"""Deterministic books files for the benchmark.

Every file is a function of its size alone, so two runs of the bench compare the same bytes.
Keys are ISBN-13s derived from the row index, which makes them unique, valid and stable.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

HEADER = ["title", "author", "isbn", "publication_year"]

_WORDS = [
    "river",
    "night",
    "garden",
    "stone",
    "winter",
    "empire",
    "silent",
    "letter",
    "house",
    "shadow",
    "glass",
    "summer",
    "kingdom",
    "road",
    "fire",
    "ocean",
    "secret",
    "island",
    "mountain",
    "storm",
    "paper",
    "city",
    "light",
    "memory",
]
_NAMES = [
    "Ada",
    "Ben",
    "Chloe",
    "Dara",
    "Eli",
    "Farah",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kira",
    "Leo",
    "Mara",
    "Nico",
    "Omar",
    "Pia",
]
_SURNAMES = [
    "Adams",
    "Brandt",
    "Costa",
    "Duval",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Holm",
    "Ito",
    "Jansen",
    "Kowalski",
    "Lind",
]


def isbn13(index: int, prefix: str = "978") -> str:
    core = f"{prefix}{index:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(core))
    return core + str((10 - total % 10) % 10)


def isbn10(index: int) -> str:
    core = f"{index:09d}"
    total = sum(int(d) * (10 - i) for i, d in enumerate(core))
    check = (11 - total % 11) % 11
    return core + ("X" if check == 10 else str(check))


def good_row(index: int, edition: str = "") -> list[str]:
    w = _WORDS
    title = f"The {w[index % 24].capitalize()} of {w[(index // 24) % 24]} {w[(index // 576) % 24]} {index}{edition}"
    author = f"{_NAMES[index % 16]} {_SURNAMES[(index // 16) % 12]}"
    year = "" if index % 50 == 0 else str(1900 + index % 125)
    return [title, author, isbn13(index), year]


def clean_write(path: Path, rows: int, start: int = 0, edition: str = "") -> None:
    """``rows`` valid, distinct books, keys ``start`` .. ``start + rows - 1``; ``edition`` ends
    every title (another value than the clean file's for the same key)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        for index in range(start, start + rows):
            writer.writerow(good_row(index, edition))


PICKUP_HEADER = ["ID", "Card ID", "User Mobile", "Timestamp"]


def pickup_write(path: Path, rows: int) -> None:
    """A card pickup feed as partners send it: one card a row, mobiles and times in mixed forms."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(PICKUP_HEADER)
        for index in range(rows):
            subscriber = f"{index % 10_000_000:07d}"
            mobile = ("50" + subscriber, "050" + subscriber, "+971 50 " + subscriber, "97150" + subscriber)[index % 4]
            day, minute = 1 + index % 28, index % 1440
            if index % 2:
                stamp = f"{day:02d}-11-2023 {minute // 60:02d}:{minute % 60:02d}"
            else:
                stamp = f"2023-11-{day:02d}T{minute // 60:02d}:{minute % 60:02d}:00Z"
            writer.writerow([index + 1, f"C{index:09d}", mobile, stamp])


# Every kind of row the books schema rejects, and what makes it bad.
def _bad_row(kind: int, index: int, first_good: dict[str, int]) -> list[str] | str:
    row = good_row(index)
    if kind == 0:  # ISBN-13 with a wrong check digit
        row[2] = row[2][:12] + str((int(row[2][12]) + 1) % 10)
    elif kind == 1:  # wrong length
        row[2] = row[2][:11]
    elif kind == 2:  # letters
        row[2] = "97800ABC12345"
    elif kind == 3:  # a spreadsheet's scientific notation
        row[2] = "9.78043902348e+12"
    elif kind == 4:  # missing title
        row[0] = "  "
    elif kind == 5:  # missing author
        row[1] = ""
    elif kind == 6:  # title too long
        row[0] = "T" * 501
    elif kind == 7:  # year out of range
        row[3] = "3100"
    elif kind == 8:  # year not an integer
        row[3] = "nineteen"
    elif kind == 9:  # ragged: one field too many
        return "ragged"
    elif kind == 10:  # bad ISBN-10 check digit
        ten = isbn10(index)
        row[2] = ten[:9] + ("0" if ten[9] != "0" else "1")
    else:  # in-file duplicate of the previous accepted row's key
        row[2] = isbn13(first_good["last"])
    return row


BAD_KINDS = 12


def errors_write(path: Path, rows: int) -> dict[str, object]:
    """About 20 % bad rows of every kind; returns the expected counts and bad row numbers."""
    bad_rows: list[int] = []
    last_good = {"last": 0}
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        for index in range(rows):
            row_number = index + 2
            if index % 5 == 4:
                kind = (index // 5) % BAD_KINDS
                bad = _bad_row(kind, index, last_good)
                if bad == "ragged":
                    writer.writerow([*good_row(index), "extra"])
                else:
                    writer.writerow(bad)
                bad_rows.append(row_number)
            else:
                writer.writerow(good_row(index))
                last_good["last"] = index
    return {
        "rows": rows,
        "bad": len(bad_rows),
        "good": rows - len(bad_rows),
        "bad_rows": bad_rows,
    }


def files_ensure(data_dir: Path, rows: int, kinds: set[str] | None = None) -> dict[str, Path]:
    """The files of ``rows`` rows, generated once and reused: all of them, or those the
    benchmark's chosen imports read (``kinds``: clean, update, half, changed, errors, pickup)."""
    wanted = set(kinds) if kinds is not None else {"clean", "update", "half", "changed", "errors", "pickup"}
    data_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "clean": data_dir / f"books_{rows}.csv",
        "half": data_dir / f"books_{rows}_half_new.csv",
        # Keys rows .. 2*rows-1, retitled: after the clean and half-new files, half are stored
        # with other values and half are new.
        "changed": data_dir / f"books_{rows}_half_changed.csv",
        "errors": data_dir / f"books_{rows}_errors.csv",
    }
    paths["pickup"] = data_dir / f"card_pickup_{rows}.csv"
    expected = data_dir / f"books_{rows}_errors.json"
    paths["errors_expected"] = expected
    if "pickup" in wanted and not paths["pickup"].exists():
        pickup_write(paths["pickup"], rows)
    if not paths["clean"].exists():
        clean_write(paths["clean"], rows)
    if wanted & {"half", "changed"} and not paths["half"].exists():
        clean_write(paths["half"], rows, start=rows // 2)
    if "changed" in wanted and not paths["changed"].exists():
        clean_write(paths["changed"], rows, start=rows, edition=" (revised)")
    if "errors" in wanted and (not paths["errors"].exists() or not expected.exists()):
        expected.write_text(json.dumps(errors_write(paths["errors"], rows)))
    return paths
