"""What a file holds before it is imported: format, encoding, delimiter, header, the dataset's
column resolution and the first rows. The upload checks and ``POST /api/imports/inspect/`` use
it, so the page shows exactly what the server will do; the rules stay here.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

from django.conf import settings

from config.errors import ApplicationError
from datasets.registry import Dataset
from imports.outputs import value_text
from imports.pipeline.errors import InputRefused
from imports.pipeline.mapping import ColumnResolution, columns_resolve, columns_suggest
from imports.pipeline.reading import (
    CANDIDATE_DELIMITERS,
    SAMPLE_BYTES,
    DelimiterGuess,
    EncodingGuess,
    FileFormat,
    Header,
    RecordReadError,
    delimiter_guess,
    encoding_guess,
    field_size_limit,
    head_read,
    sample_text,
    text_clean,
)
from imports.pipeline.results import RECORD
from imports.pipeline.sources import CsvSource, Source, SourceError, XlsxSource
from imports.pipeline.validating import RowValidator

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
# Where an encoding comes from, and how a header was matched to a column (the API's enums).
ENCODING_SOURCES = ["bom", "declared", "detected", "default"]
MATCHED_BY = ["mapping", "name", "alias"]
# How a header was chosen for a column in the full view: the above, or similar (a suggestion).
FIELD_MATCHED_BY = [*MATCHED_BY, "similar"]
DELIMITER_SOURCES = ["declared", "detected", "default"]
ALLOWED_EXTENSIONS = tuple(FORMATS)


def _invalid(name: str, message: str, *, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={name: [message]})


def format_of(filename: str) -> str:
    """csv or xlsx, from the file's name; anything else is refused."""
    lowered = filename.lower()
    for extension, kind in FORMATS.items():
        if lowered.endswith(extension):
            return kind
    shown = ", ".join(ALLOWED_EXTENSIONS)
    raise _invalid("file", f"Only {shown} files can be imported; got {filename!r}.", code="invalid_extension")


class _Unclosing(io.RawIOBase):
    """A view of an upload from its start that leaves the upload open when it is closed."""

    def __init__(self, file: Any) -> None:
        self._file = file
        file.seek(0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def upload_opener(file: Any) -> Any:
    return lambda: io.BufferedReader(_Unclosing(file))


@dataclass(frozen=True)
class ColumnMatch:
    column: str
    header: str
    index: int
    required: bool
    # mapping (the caller's column_mapping), name (the column's own name), alias
    matched_by: str


@dataclass(frozen=True)
class FieldChoice:
    """One dataset column in the full view: the header it reads (suggestions included), if any."""

    column: str
    label: str
    required: bool
    header: str | None
    index: int | None
    # mapping, name, alias, similar (a suggestion), or None: no header
    matched_by: str | None
    # How alike the suggested header is (0 to 1); None unless similar.
    similarity: float | None
    # The column_mapping set it to "": no name, alias or suggestion claims it.
    left_empty: bool


@dataclass(frozen=True)
class Resolution:
    dataset: str
    columns: list[ColumnMatch]
    missing: list[str]
    ignored: list[str]
    raw: ColumnResolution = field(repr=False)
    # Every dataset column, suggestions taken; the headers then read by none; the required
    # columns then without a header.
    fields: list[FieldChoice] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    unfed_required: list[str] = field(default_factory=list)
    suggested: ColumnResolution | None = field(default=None, repr=False)


@dataclass(frozen=True)
class CellPreview:
    column: str
    # The cell as the file writes it; None when no header feeds the column.
    text: str | None
    # The value as it would be stored, as text; None when empty or when the row is rejected.
    value: str | None
    error: str


@dataclass(frozen=True)
class RowPreview:
    row_number: int
    valid: bool
    cells: list[CellPreview]
    # Errors of the whole record (unreadable, wrong field count).
    record_errors: list[str]


@dataclass(frozen=True)
class Preview:
    rows: list[RowPreview]
    invalid_rows: int


@dataclass(frozen=True)
class Inspection:
    format: str
    encoding: EncodingGuess | None
    delimiter: str | None
    sheet: str
    sheets: list[str]
    header: Header
    resolution: Resolution | None
    rows: list[dict[str, Any]]
    # The sample ended inside the file: its last, possibly cut, record was left out.
    partial: bool
    delimiter_guess: DelimiterGuess | None = None
    # The first rows validated as the import would, with the suggestions taken; None without a
    # dataset, or while a required column has no header (the upload would be refused).
    preview: Preview | None = None


def _norm(name: str) -> str:
    return name.strip().casefold()


def resolution_describe(*, dataset: Dataset, headers: list[str], column_mapping: Mapping[str, str]) -> Resolution:
    raw = columns_resolve(dataset=dataset, headers=headers, column_mapping=column_mapping)
    left_empty = {name for name, header in column_mapping.items() if not (header or "").strip()}
    suggestions = columns_suggest(dataset=dataset, headers=headers, resolution=raw, left_empty=left_empty)
    matches = []
    fields = []
    for column in dataset.columns:
        index = raw.indexes.get(column.name)
        how: str | None = None
        similarity = None
        if index is not None:
            header = headers[index]
            if (column_mapping.get(column.name) or "").strip():
                how = "mapping"
            elif _norm(header) == _norm(column.name):
                how = "name"
            else:
                how = "alias"
            matches.append(
                ColumnMatch(column=column.name, header=header, index=index, required=column.required, matched_by=how)
            )
        elif column.name in suggestions:
            index, similarity, how = suggestions[column.name].index, suggestions[column.name].similarity, "similar"
        fields.append(
            FieldChoice(
                column=column.name,
                label=column.display_label,
                required=column.required,
                header=headers[index] if index is not None else None,
                index=index,
                matched_by=how,
                similarity=similarity,
                left_empty=column.name in left_empty,
            )
        )
    indexes = {f.column: f.index for f in fields if f.index is not None}
    read = set(indexes.values())
    suggested = ColumnResolution(
        indexes=indexes,
        missing=[f.column for f in fields if f.required and f.index is None],
        ignored=[name for i, name in enumerate(headers) if i not in read and name.strip()],
        header_count=raw.header_count,
    )
    return Resolution(
        dataset=dataset.name,
        columns=matches,
        missing=raw.missing,
        ignored=raw.ignored,
        raw=raw,
        fields=fields,
        unread=suggested.ignored,
        unfed_required=suggested.missing,
        suggested=suggested,
    )


def preview_validate(
    *,
    dataset: Dataset,
    resolution: Resolution,
    headers: list[str],
    records: list[dict[str, Any]],
    encoding: str,
    timezone: str | None = None,
) -> Preview | None:
    """The records validated by the pipeline's own validator, cell by cell; None while a
    required column has no header (the upload would refuse the file)."""
    plan = resolution.suggested
    if plan is None or plan.missing:
        return None
    validator = RowValidator(
        dataset=dataset,
        resolution=plan,
        headers=headers,
        encoding=encoding,
        options=dataset.parse_options(timezone=timezone),
    )
    rows = []
    for record in records:
        fields: list[str] = record["fields"]
        values: tuple[Any, ...] | None = None
        found: dict[str, list[str]] | None = {RECORD: [record["error"]]}
        if not record["error"]:
            values, found = validator(fields)
        errors = found or {}
        cells = []
        for position, column in enumerate(dataset.columns):
            index = plan.indexes.get(column.name)
            text = fields[index] if index is not None and index < len(fields) else None
            cells.append(
                CellPreview(
                    column=column.name,
                    text=text if index is not None else None,
                    value=value_text(values[position]) if values is not None and values[position] is not None else None,
                    error="; ".join(errors.get(column.name, [])),
                )
            )
        rows.append(
            RowPreview(
                row_number=record["row_number"],
                valid=values is not None,
                cells=cells,
                record_errors=list(errors.get(RECORD, [])),
            )
        )
    return Preview(rows=rows, invalid_rows=sum(1 for row in rows if not row.valid))


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def file_inspect(
    *,
    file: IO[bytes],
    filename: str,
    dataset: Dataset | None,
    column_mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    sample_rows: int = 0,
    partial: bool = False,
    preview_rows: int = 0,
    timezone: str | None = None,
) -> Inspection:
    """Read the head of a file (an upload, or its first part); ApplicationError on anything wrong.

    ``preview_rows``: validate that many first records against the dataset (``Inspection.preview``),
    date-times without a zone read in ``timezone`` (the dataset's by default)."""
    try:
        return _inspect(
            file=file,
            filename=filename,
            dataset=dataset,
            column_mapping=column_mapping or {},
            encoding=encoding,
            delimiter=delimiter,
            sheet=sheet,
            sample_rows=sample_rows,
            partial=partial,
            preview_rows=preview_rows,
            timezone=timezone,
        )
    except InputRefused as refused:
        raise ApplicationError(refused.message, code=refused.code, fields={refused.field: refused.details}) from None


def _inspect(
    *,
    file: IO[bytes],
    filename: str,
    dataset: Dataset | None,
    column_mapping: Mapping[str, str],
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    sample_rows: int,
    partial: bool,
    preview_rows: int,
    timezone: str | None,
) -> Inspection:
    kind = format_of(filename)
    if delimiter and (len(delimiter) != 1 or delimiter in '"\r\n'):
        names = {"\t": "tab"}
        shown = ", ".join(repr(names.get(d, d)) for d in CANDIDATE_DELIMITERS)
        raise _invalid("delimiter", f"Must be one character such as {shown}.")
    opener = upload_opener(file)
    source: Source
    guess: EncodingGuess | None = None
    split: DelimiterGuess | None = None
    sheets: list[str] = []
    chosen_sheet = ""
    fmt: FileFormat | None = None
    book: XlsxSource | None = None
    if kind == "xlsx":
        try:
            book = XlsxSource(file, sheet=sheet or "")
        except SourceError as exc:
            name = "sheet" if sheet and "no sheet" in str(exc) else "file"
            raise _invalid(name, str(exc), code="unreadable_file") from None
        source, sheets, chosen_sheet = book, book.sheets, book.sheet
    else:
        head = head_read(opener, SAMPLE_BYTES)
        guess = encoding_guess(requested=encoding, head=head)
        if delimiter:
            split = DelimiterGuess(delimiter=delimiter, source="declared")
        else:
            split = delimiter_guess(sample_text(head, guess.name))
        fmt = FileFormat(encoding=guess.name, delimiter=split.delimiter)
        source = CsvSource(opener=opener, fmt=fmt)
    try:
        with field_size_limit(settings.IMPORT_MAX_FIELD_CHARS):
            header = _header(source, fmt)
            wanted = max(sample_rows, preview_rows if dataset is not None else 0)
            records = _sample(source, header, wanted, partial=partial, fmt=fmt) if wanted else []
        if header is None:
            raise _invalid("file", "The file holds no header row.", code="empty_file")
        if guess is not None and any(not name.isascii() and _has_surrogates(name) for name in header.names):
            raise _invalid(
                "encoding",
                f"The header is not valid {guess.name}. Pass the file's encoding, e.g. encoding=latin-1.",
                code="decode_error",
            )
        resolution = None
        preview = None
        if dataset is not None:
            resolution = resolution_describe(dataset=dataset, headers=header.names, column_mapping=column_mapping or {})
            if preview_rows:
                preview = preview_validate(
                    dataset=dataset,
                    resolution=resolution,
                    headers=header.names,
                    records=records[:preview_rows],
                    encoding=guess.name if guess else "utf-8",
                    timezone=timezone,
                )
    finally:
        if book is not None:
            book.close()
    return Inspection(
        format=kind,
        encoding=guess,
        delimiter=fmt.delimiter if fmt else None,
        sheet=chosen_sheet,
        sheets=sheets,
        header=header,
        resolution=resolution,
        rows=records[:sample_rows],
        partial=partial,
        delimiter_guess=split,
        preview=preview,
    )


def _header(source: Source, fmt: FileFormat | None) -> Header | None:
    try:
        return source.header()
    except UnicodeError as exc:
        encoding = fmt.encoding if fmt else "the file's encoding"
        raise _invalid("encoding", f"The file cannot be decoded as {encoding}: {exc}.", code="decode_error") from None
    except ApplicationError:
        raise
    except Exception as exc:  # csv.Error and friends: the header itself is not CSV
        raise _invalid("file", f"The header cannot be read as CSV: {exc}.", code="invalid_header") from None


def _sample(
    source: Source, header: Header | None, count: int, *, partial: bool, fmt: FileFormat | None
) -> list[dict[str, Any]]:
    if header is None:
        return []
    rows: list[dict[str, Any]] = []
    # One more than shown: in a partial sample the last record may be cut.
    try:
        for row_number, fields in islice(source.records(header_row=header.row_number), count + 1):
            if isinstance(fields, RecordReadError):
                rows.append({"row_number": row_number, "fields": [], "error": fields.message})
            else:
                rows.append({"row_number": row_number, "fields": [text_clean(f) for f in fields], "error": ""})
    except UnicodeError:
        pass
    if partial and len(rows) <= count and rows:
        rows.pop()
    return rows[:count]
