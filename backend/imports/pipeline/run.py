"""Pass 1 and pass 2 for one job: count, then validate and load batch by batch."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError

from datasets.registry import BatchLoaded, dataset_get
from imports.models import ImportJob
from imports.pipeline.acceptors import columnar_usable
from imports.pipeline.errors import InputRefused, PipelineFailure
from imports.pipeline.heartbeat import JobHeartbeat
from imports.pipeline.loading import LoadTarget, PostgresCopyLoader, ValidRow, loader_for
from imports.pipeline.mapping import columns_resolve
from imports.pipeline.progress import batch_commit, batch_load
from imports.pipeline.reader_process import ChildReader, ReaderProcessDied, ReaderProcessFailure
from imports.pipeline.reading import FileFormat, RecordReadError, field_size_limit, record_to_text
from imports.pipeline.results import RECORD, BatchResult, RejectedRow, RowOutcome
from imports.pipeline.sources import CsvSource
from imports.pipeline.validating import RowValidator
from imports.storage import FILES, file_exists, file_opener

if TYPE_CHECKING:
    # numpy and pyarrow are imported only where the file is read (the reader process): not in the
    # web process, nor in the worker process that forks it.
    from imports.pipeline.blocks import Block, Records
    from imports.pipeline.columnar import BlockRows, ColumnarReader

logger = logging.getLogger(__name__)

__all__ = ["PipelineFailure", "final_format", "job_pipeline_run"]


def final_format(delimiter: str) -> FileFormat:
    """How the sanitized copy reads: UTF-8, with the delimiter the upload was read with."""
    return FileFormat(encoding="utf-8", delimiter=delimiter)


# A reader process that dies this many times in one run fails the job: something in the file or
# the machine kills it every time.
READER_RESTARTS = 3

# Joins the fields of a batch's valid rows into one text. Valid rows hold no NUL (the validator
# rejects it), and every valid row has the header's number of fields, so the text splits back.
_FIELD_SEPARATOR = "\x00"


@dataclass
class _Batch:
    # The valid rows as the loader's ``prepare`` made them (COPY text for PostgreSQL).
    rows: Any
    # The fields of the valid rows, kept so a row the table refuses can still be stored as it was
    # written. One text, not a list per row: far cheaper to hand from the reader process.
    valid_row_numbers: list[int]
    valid_fields: str
    width: int
    result: BatchResult
    # Per valid row, the values the dataset's batch hook reads (empty when it has none).
    hook_values: list[tuple[Any, ...]]

    by_row: dict[int, list[str]] | None = None
    # Valid rows of the columnar path, as the bytes of their blocks' records (the fields are read
    # again only for a row the table refuses): (first row, bytes, record starts, record ends).
    raw_records: list[tuple[int, bytes, Any, Any]] = field(default_factory=list)
    dialect: dict[str, object] = field(default_factory=dict)
    # Records of the batch read in regular blocks, and of those the columnar checks accepted.
    block_records: int = 0
    accepted_records: int = 0

    def fields_of(self, row_number: int) -> list[str]:
        if self.by_row is None:
            fields, width = self.valid_fields.split(_FIELD_SEPARATOR), self.width
            self.by_row = {row: fields[i * width : (i + 1) * width] for i, row in enumerate(self.valid_row_numbers)}
        found = self.by_row.get(row_number)
        if found is not None:
            return found
        from imports.pipeline.blocks import Block
        from imports.pipeline.columnar import record_fields

        for first_row, data, starts, ends in self.raw_records:
            i = row_number - first_row
            if 0 <= i < len(starts):
                block = Block(first_row=first_row, data=data, starts=starts, ends=ends)
                return record_fields(block, i, self.dialect)
        raise KeyError(row_number)


class JobPlan:
    """How a job's records are decided and loaded: its dataset, column resolution, validator and
    loader. The pipeline cuts the file into batches with it, and rows of a finished job given
    again (corrected) go through the very same decisions (``rows_load_again``)."""

    def __init__(self, *, job: ImportJob, headers: list[str], fmt: FileFormat) -> None:
        dataset = dataset_get(job.dataset)
        if dataset is None:
            raise PipelineFailure("unknown_dataset", f"The dataset {job.dataset!r} no longer exists.")
        try:
            resolution = columns_resolve(dataset=dataset, headers=headers, column_mapping=job.column_mapping)
        except InputRefused as refused:
            raise PipelineFailure(refused.code, refused.message) from refused
        if resolution.missing:
            raise PipelineFailure(
                "missing_columns",
                f"Required columns are missing: {', '.join(resolution.missing)}. Headers found: {', '.join(headers)}.",
            )
        self.job_id, self.workspace_id = job.pk, job.workspace_id
        self.dataset = dataset
        self.resolution = resolution
        self.delimiter = fmt.delimiter
        self.validator = RowValidator(
            dataset=dataset,
            resolution=resolution,
            headers=headers,
            # The upload's encoding: messages about undecodable bytes name it.
            encoding=job.encoding,
            options=dataset.parse_options(timezone=job.timezone),
        )
        self.loader = loader_for(
            LoadTarget(
                dataset=dataset,
                workspace_id=job.workspace_id,
                job_id=job.pk,
                on_conflict=job.on_conflict,
                dry_run=job.dry_run,
            )
        )
        # A dry run writes no row, so there is nothing to derive from its batches.
        self.hook = None if job.dry_run else dataset.after_batch
        # The columnar fast path applies: PostgreSQL, IMPORT_FAST_PATH, a binary payload, and an
        # acceptor for every column of the dataset.
        loader = self.loader
        self.columnar = (
            settings.IMPORT_FAST_PATH
            and isinstance(loader, PostgresCopyLoader)
            and loader.payload.usable
            and columnar_usable(
                dataset=dataset,
                resolution=resolution,
                parsers=[cell.parse for cell in self.validator.cells],
                delimiter=self.delimiter,
            )
        )
        self._columnar_reader: ColumnarReader | None = None

    def columnar_reader(self) -> ColumnarReader:
        """Built where it is used (the reader process), so only that process imports pyarrow."""
        if self._columnar_reader is None:
            from imports.pipeline.columnar import ColumnarReader

            assert isinstance(self.loader, PostgresCopyLoader)
            self._columnar_reader = ColumnarReader(
                dataset=self.dataset,
                resolution=self.resolution,
                delimiter=self.delimiter,
                parsers=[cell.parse for cell in self.validator.cells],
                arrow_types=self.loader.payload.value_type_names,
            )
        return self._columnar_reader

    @property
    def dialect(self) -> dict[str, object]:
        return FileFormat(encoding="utf-8", delimiter=self.delimiter).dialect

    def batches_columnar(self, parts: Iterable[Block | Records], *, batch_size: int) -> Iterator[_Batch]:
        """``batches`` for the columnar path: the same batches, decided the same way, from
        checked blocks and csv-read stretches."""
        from imports.pipeline.blocks import Records

        reader = self.columnar_reader()
        batch = _ColumnarBatch(self)
        for part in parts:
            if isinstance(part, Records):
                for row_number, fields in part.items:
                    batch.add_record(row_number, fields)
                    if batch.size >= batch_size:
                        yield batch.seal()
                        batch = _ColumnarBatch(self)
                continue
            rows = reader.read(part)
            offset = 0
            while offset < part.count:
                take = min(batch_size - batch.size, part.count - offset)
                batch.add_range(rows, offset, offset + take)
                offset += take
                if batch.size >= batch_size:
                    yield batch.seal()
                    batch = _ColumnarBatch(self)
        if batch.size:
            yield batch.seal()

    def after_load_of(self, batch: _Batch) -> Callable[[], None] | None:
        hook = self.hook
        if hook is None or not batch.hook_values:
            return None
        loaded = BatchLoaded(
            dataset=self.dataset, workspace_id=self.workspace_id, job_id=self.job_id, hook_values=batch.hook_values
        )
        return lambda: hook(loaded)

    def raw_text_of(self, batch: _Batch) -> Callable[[int], str]:
        delimiter = self.delimiter
        return lambda row: record_to_text(batch.fields_of(row), delimiter)

    def batches(
        self, records: Iterable[tuple[int, list[str] | RecordReadError]], *, batch_size: int
    ) -> Iterator[_Batch]:
        """The records cut into batches of ``batch_size``, each row validated and checked against
        the earlier rows of its batch."""
        dataset, validator, loader = self.dataset, self.validator, self.loader
        # Bound once: this loop runs for every row of the file.
        validate = validator.validate
        key_of = validator.key_function()
        hook_of = validator.hook_function() if self.hook is not None else None
        skip_identical = dataset.skip_identical_rows
        delimiter = self.delimiter
        key_label = "/".join(dataset.file_key_columns)
        key_column = dataset.file_key_columns[0]

        def seal(valid: list[ValidRow], valid_fields: list[str], result: BatchResult) -> _Batch:
            return _Batch(
                rows=loader.prepare(valid),
                valid_row_numbers=[row_number for row_number, _ in valid],
                valid_fields=_FIELD_SEPARATOR.join(valid_fields),
                width=validator.width,
                result=result,
                hook_values=[hook_of(values) for _, values in valid] if hook_of is not None else [],
            )

        valid: list[ValidRow] = []
        valid_fields: list[str] = []
        # key -> (row number, values) of its first row in the batch
        keys: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
        result = BatchResult()
        size = 0
        for row_number, fields in records:
            result.last_row = row_number
            size += 1
            if isinstance(fields, RecordReadError):
                result.reject(RejectedRow(row_number=row_number, raw_data="", errors={RECORD: [fields.message]}))
            else:
                values, errors = validate(fields)
                if values is not None:
                    key = key_of(values)
                    first = keys.get(key)
                    if first is None:
                        keys[key] = (row_number, values)
                        valid.append((row_number, values))
                        valid_fields += fields
                    elif skip_identical and first[1] == values:
                        result.add(RowOutcome.SKIPPED)
                    else:
                        errors = {key_column: [f"duplicate {key_label} in this file (first at row {first[0]})"]}
                if errors is not None:
                    raw = record_to_text(fields, delimiter)
                    result.reject(RejectedRow(row_number=row_number, raw_data=raw, errors=errors))
            if size >= batch_size:
                yield seal(valid, valid_fields, result)
                valid, valid_fields, keys, result, size = [], [], {}, BatchResult(), 0
        if size or result.last_row:
            yield seal(valid, valid_fields, result)


def _repeats(keys: list[Any], row_numbers: Any) -> Iterator[tuple[int, int]]:
    """The rows of a batch whose key an earlier row (by row number) has: (row, that first row),
    as positions in the batch, in row order. One key column is compared as Arrow dictionary
    codes, without a Python object per row; several go through tuples."""
    import numpy as np
    import pyarrow.compute as pc

    order = np.argsort(row_numbers, kind="stable")
    if len(keys) == 1:
        codes = np.asarray(pc.dictionary_encode(keys[0], null_encoding="encode").indices)[order]
        _, first_positions = np.unique(codes, return_index=True)
        first_of_code = np.empty(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
        first_of_code[codes[first_positions]] = order[first_positions]
        later = np.ones(len(codes), dtype=bool)
        later[first_positions] = False
        for position in np.flatnonzero(later).tolist():
            yield int(order[position]), int(first_of_code[codes[position]])
        return
    key_tuples = list(zip(*(k.to_pylist() for k in keys), strict=True))
    firsts: dict[tuple[Any, ...], int] = {}
    for i in order.tolist():
        first = firsts.setdefault(key_tuples[i], i)
        if first != i:
            yield i, first


class _ColumnarBatch:
    """One batch being gathered by the columnar path: record ranges of checked blocks, and the
    records read by the csv module (a block's records the checks did not accept, irregular
    stretches), decided by the row validator as ``JobPlan.batches`` decides them."""

    def __init__(self, plan: JobPlan) -> None:
        self.plan = plan
        self.size = 0
        self.last_row = 0
        self.rejected: list[RejectedRow] = []
        # Valid rows the validator decided: (row number, values, fields).
        self.slow: list[tuple[int, tuple[Any, ...], list[str]]] = []
        self.ranges: list[tuple[BlockRows, int, int]] = []

    def add_record(self, row_number: int, fields: list[str] | RecordReadError) -> None:
        self.size += 1
        self.last_row = row_number
        self._decide(row_number, fields)

    def _decide(self, row_number: int, fields: list[str] | RecordReadError) -> None:
        if isinstance(fields, RecordReadError):
            self.rejected.append(RejectedRow(row_number=row_number, raw_data="", errors={RECORD: [fields.message]}))
            return
        values, errors = self.plan.validator.validate(fields)
        if values is None:
            raw = record_to_text(fields, self.plan.delimiter)
            self.rejected.append(RejectedRow(row_number=row_number, raw_data=raw, errors=errors))
        else:
            self.slow.append((row_number, values, fields))

    def add_range(self, rows: BlockRows, start: int, end: int) -> None:
        block = rows.block
        self.size += end - start
        self.last_row = block.first_row + end - 1
        self.ranges.append((rows, start, end))
        import numpy as np

        from imports.pipeline.columnar import record_fields

        dialect = self.plan.dialect
        for i in np.flatnonzero(~rows.accepted[start:end]) + start:
            self._decide(block.first_row + int(i), record_fields(block, int(i), dialect))

    def seal(self) -> _Batch:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        plan = self.plan
        validator, dataset = plan.validator, plan.dataset
        width = len(dataset.columns)
        result = BatchResult(last_row=self.last_row)
        fast_rows: list[Any] = []
        fast_values: list[list[pa.Array]] = [[] for _ in range(width)]
        raw_records: list[tuple[int, bytes, Any, Any]] = []
        for rows, start, end in self.ranges:
            block = rows.block
            picked = np.flatnonzero(rows.accepted[start:end]) + start
            if not len(picked):
                continue
            fast_rows.append(picked + block.first_row)
            low, high = int(rows.accepted_before[start]), int(rows.accepted_before[end])
            for j in range(width):
                fast_values[j].append(rows.values[j].slice(low, high - low))
            base = int(block.starts[start])
            raw_records.append(
                (
                    block.first_row + start,
                    block.data[base : int(block.ends[end - 1])],
                    block.starts[start:end] - base,
                    block.ends[start:end] - base,
                )
            )
        row_numbers = np.concatenate([*fast_rows, np.array([r for r, _, _ in self.slow], dtype=np.int64)])
        slow_types = plan.loader.payload.value_types  # type: ignore[attr-defined]
        columns = [
            pa.concat_arrays([*fast_values[j], pa.array([v[j] for _, v, _ in self.slow], slow_types[j])])
            for j in range(width)
        ]
        keys = [columns[i] for i in validator.key_positions]
        if len(keys) == 1:
            distinct = pc.count_distinct(keys[0], mode="all").as_py() == len(row_numbers)
        else:
            distinct = len(set(zip(*(k.to_pylist() for k in keys), strict=True))) == len(row_numbers)
        rejected = self.rejected
        if not distinct:
            # A key repeats in the batch: in row order, the first row of a key stays, and the
            # others are skipped (an identical repeat, where the dataset says so) or rejected,
            # as ``JobPlan.batches`` decides them; values are read only for the repeats.
            dropped = np.zeros(len(row_numbers), dtype=bool)
            key_label = "/".join(dataset.file_key_columns)
            key_column = dataset.file_key_columns[0]
            slow_fields = {r: f for r, _, f in self.slow}
            batch_of = _Batch(
                rows=None, valid_row_numbers=[], valid_fields="", width=validator.width, result=result,
                hook_values=[], raw_records=raw_records, dialect=plan.dialect,
            )  # fmt: skip
            for i, first in _repeats(keys, row_numbers):
                dropped[i] = True
                row_number = int(row_numbers[i])
                if dataset.skip_identical_rows and all(c[first].as_py() == c[i].as_py() for c in columns):
                    result.add(RowOutcome.SKIPPED)
                    continue
                fields = slow_fields.get(row_number) or batch_of.fields_of(row_number)
                rejected.append(
                    RejectedRow(
                        row_number=row_number,
                        raw_data=record_to_text(fields, plan.delimiter),
                        errors={
                            key_column: [f"duplicate {key_label} in this file (first at row {int(row_numbers[first])})"]
                        },
                    )
                )
            kept = pa.array(~dropped)
            row_numbers = row_numbers[~dropped]
            columns = [c.filter(kept) for c in columns]
        prepared = plan.loader.prepare_columns(row_numbers=row_numbers, columns=columns)  # type: ignore[attr-defined]
        hook_values = (
            list(zip(*(columns[p].to_pylist() for p in validator.hook_positions), strict=True))
            if plan.hook is not None
            else []
        )
        for row in sorted(rejected, key=lambda r: r.row_number):
            result.reject(row)
        return _Batch(
            rows=prepared,
            valid_row_numbers=[r for r, _, _ in self.slow],
            valid_fields=_FIELD_SEPARATOR.join(f for _, _, fields in self.slow for f in fields),
            width=validator.width,
            result=result,
            hook_values=hook_values,
            raw_records=raw_records,
            dialect=plan.dialect,
            block_records=sum(end - start for _, start, end in self.ranges),
            accepted_records=sum(
                int(rows.accepted_before[end] - rows.accepted_before[start]) for rows, start, end in self.ranges
            ),
        )


def job_pipeline_run(*, job: ImportJob, on_batch: Any = None) -> None:
    """Run both passes for a job that is ``processing``; resumes after its checkpoint."""
    if dataset_get(job.dataset) is None:
        raise PipelineFailure("unknown_dataset", f"The dataset {job.dataset!r} no longer exists.")
    if not job.final_key or not file_exists(area=FILES, key=job.final_key):
        raise PipelineFailure("file_missing", "The sanitized copy of the file is no longer in storage.")
    # The final copy: UTF-8 whatever the upload's encoding, with the upload's delimiter.
    source = CsvSource(opener=file_opener(area=FILES, key=job.final_key), fmt=final_format(job.delimiter))

    with field_size_limit(settings.IMPORT_MAX_FIELD_CHARS):
        try:
            header = source.header()
        except (UnicodeError, OSError) as exc:
            raise PipelineFailure("unreadable_file", f"The file cannot be read: {exc}") from exc
        if header is None:
            raise PipelineFailure("empty_file", "The file holds no header and no rows.")
        plan = JobPlan(job=job, headers=header.names, fmt=source.fmt)
        loader = plan.loader
        batch_size = settings.IMPORT_BATCH_SIZE
        checkpoint = job.checkpoint_row

        read = {"records": 0, "in blocks": 0, "accepted": 0}

        def commit(batch: _Batch) -> int:
            read["records"] += batch.result.last_row - checkpoint
            read["in blocks"] += batch.block_records
            read["accepted"] += batch.accepted_records
            new_checkpoint = batch_commit(
                job_id=job.pk,
                expected_checkpoint=checkpoint,
                loader=loader,
                prepared_rows=batch.rows,
                raw_text=plan.raw_text_of(batch),
                result=batch.result,
                max_stored_errors=settings.IMPORT_MAX_STORED_ERRORS,
                after_load=plan.after_load_of(batch),
            )
            if on_batch is not None:
                on_batch(batch.result)
            return new_checkpoint

        def batches() -> Iterator[_Batch]:
            """The file after the checkpoint, cut into batches of ``batch_size`` records."""
            if plan.columnar:
                return _columnar_batches()
            records = source.records(header_row=header.row_number, after_row=checkpoint)
            return plan.batches(records, batch_size=batch_size)

        def _columnar_batches() -> Iterator[_Batch]:
            from imports.pipeline.blocks import blocks_iter

            with source.opener() as stream:
                parts = blocks_iter(
                    stream=getattr(stream, "file", stream),
                    fmt=source.fmt,
                    header_row=header.row_number,
                    after_row=checkpoint,
                    limit=settings.IMPORT_MAX_FIELD_CHARS,
                )
                yield from plan.batches_columnar(parts, batch_size=batch_size)

        def records_total() -> int:
            if not plan.columnar:
                return source.count()
            # numpy only: the parent counts while the reader process reads.
            from imports.pipeline.blocks import records_count_blocks

            with source.opener() as stream:
                return records_count_blocks(
                    stream=getattr(stream, "file", stream), fmt=source.fmt, limit=settings.IMPORT_MAX_FIELD_CHARS
                )

        def total_count() -> None:
            if job.total_rows is None:
                job.total_rows = records_total()
                ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)

        def heartbeat() -> JobHeartbeat:
            return JobHeartbeat(job_id=job.pk, interval=settings.IMPORT_HEARTBEAT_SECONDS)

        try:
            if isinstance(loader, PostgresCopyLoader) and settings.IMPORT_READER_PROCESS:
                # Reading, validating and formatting (all Python) run in a child process while
                # this one waits on PostgreSQL, so both cores work. The ORM loader stays serial.
                # The child starts on the first batches while this process counts the file.
                # The heartbeat thread starts after the fork, so the child inherits no thread.
                if plan.columnar:
                    # Imported before the fork: this process counts with numpy and the reader
                    # computes with it, and then both share one copy of the module's memory.
                    import numpy  # noqa: F401
                deaths = 0
                while True:
                    try:
                        with ChildReader(batches) as child, heartbeat():
                            total_count()
                            for batch in child:
                                checkpoint = commit(batch)
                        break
                    except ReaderProcessDied as death:
                        # Killed or out of memory: start a new reader after the checkpoint.
                        deaths += 1
                        if deaths > READER_RESTARTS:
                            raise PipelineFailure("reader_failed", str(death)) from death
                        logger.warning("import job %s: %s; resuming after row %s", job.pk, death, checkpoint)
                    except ReaderProcessFailure as failure:
                        raise PipelineFailure("reader_failed", str(failure)) from failure
            else:
                with heartbeat():
                    total_count()
                    for batch in batches():
                        checkpoint = commit(batch)
        finally:
            _loader_close(loader)
            if plan.columnar:
                # The fast path's share, for the benchmark and for whoever wonders why a file
                # imported slower than another of its size.
                logger.info(
                    "import job %s: columnar path: %d of %d rows read in regular blocks, %d accepted by its checks",
                    job.pk,
                    read["in blocks"],
                    read["records"],
                    read["accepted"],
                )


def rows_load_again(*, job: ImportJob, records: list[tuple[int, list[str]]]) -> BatchResult:
    """Rows of a finished job given again (corrected), decided and loaded as one batch of the job,
    with its validation, conflict policy and batch hook, in the caller's transaction.

    ``records`` are (row number, fields in the file's header layout), in row order, so the first
    of two rows with one key is the one a run of the file would have kept.
    """
    plan = JobPlan(job=job, headers=job.headers, fmt=final_format(job.delimiter))
    result = BatchResult()
    if not records:
        return result
    try:
        with field_size_limit(settings.IMPORT_MAX_FIELD_CHARS):
            (batch,) = plan.batches(iter(records), batch_size=len(records))
            batch_load(
                loader=plan.loader,
                prepared_rows=batch.rows,
                raw_text=plan.raw_text_of(batch),
                result=batch.result,
                after_load=plan.after_load_of(batch),
            )
    finally:
        _loader_close(plan.loader)
    return batch.result


def _loader_close(loader: Any) -> None:
    # On a broken connection there is nothing left to release, and the job's own error matters.
    try:
        loader.close()
    except DatabaseError:
        logger.warning("could not release the loader's staging table", exc_info=True)
