"""Helpers that build Excel workbooks for tests with openpyxl (write mode)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook


def xlsx_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
    merged: Sequence[str] = (),
    number_formats: dict[str, str] | None = None,
    cached: dict[str, str] | None = None,
) -> bytes:
    """A workbook whose first sheet holds ``rows`` (None cells are left empty; a row given as
    ``()`` is a blank row), further ``sheets`` after it, ``merged`` ranges on the first sheet,
    and formulas with the ``cached`` values Excel would have saved (openpyxl writes none)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Books"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    for ref, number_format in (number_formats or {}).items():
        sheet[ref].number_format = number_format
    for ref in merged:
        sheet.merge_cells(ref)
    for name, other in (sheets or {}).items():
        extra = book.create_sheet(name)
        for row in other:
            extra.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    return _with_cached_values(data, cached) if cached else data


def _with_cached_values(data: bytes, cached: dict[str, str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for ref, value in cached.items():
                    text = re.sub(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?', rf"\g<1>\g<2><v>{value}</v>", text
                    )
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()
